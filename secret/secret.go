package secret

import (
	"math"
	"strings"
)

// Why hand-written rules rather than gitleaks' (the obvious well-kept set):
// gitleaks v8 as a library pulls in 62 modules (viper, cobra, archive and
// compression libraries, a wasm regex engine), far too much for a small
// package others import, and its rules scan files, not NAME=VALUE pairs:
// they cannot use the variable name, the best evidence an environment
// gives, so they miss DB_PASSWORD=river-frost-ember and most URL and
// connection-string passwords, and cannot reject look-alikes the name
// explains (API_KEY_ID, STRIPE_PUBLISHABLE_KEY). Measured on
// testdata/labelled.jsonl (the 550 entries it had then) in a throwaway module: gitleaks
// v8.30.1 default rules precision 0.970, recall 0.686, 125 us/entry;
// Classify 1.000 / 1.000, about 1.2 us/entry. The token formats below
// follow the issuers' published formats (prefix, alphabet, length).

// Reason names why an entry or argument is classified as a secret, such as
// "aws-access-key-id" or "password". The empty Reason means "not a secret".
// Reasons are stable identifiers made of lowercase letters, digits and '-',
// suitable for the "<redacted:REASON>" marker.
type Reason string

// Reasons derived from the variable or flag name alone (the value only has
// to look like a credential rather than metadata such as a path or a number).
const (
	ReasonPassword    Reason = "password"
	ReasonSecret      Reason = "secret"
	ReasonToken       Reason = "token"
	ReasonAPIKey      Reason = "api-key"
	ReasonPrivateKey  Reason = "private-key"
	ReasonCredentials Reason = "credentials"
	// ReasonHighEntropy: a name that merely hints at a credential (KEY,
	// AUTH, SALT, ...) holding a long, high-entropy value.
	ReasonHighEntropy Reason = "high-entropy"
)

// Reasons derived from the value's shape, whatever the name.
const (
	ReasonAWSAccessKeyID     Reason = "aws-access-key-id"
	ReasonAWSSecretAccessKey Reason = "aws-secret-access-key"
	ReasonJWT                Reason = "jwt"
	ReasonPEMPrivateKey      Reason = "pem-private-key"
	ReasonURLPassword        Reason = "url-password"
	ReasonURLToken           Reason = "url-token"
	ReasonConnectionString   Reason = "connection-string-password"
	ReasonBearerToken        Reason = "bearer-token"
	ReasonBasicAuth          Reason = "basic-auth"
	ReasonCloudCredentials   Reason = "cloud-credentials-json"
)

// IsSecret reports whether r names a secret (r is not empty).
func (r Reason) IsSecret() bool { return r != "" }

// Classify reports whether the environment variable name=value holds a
// secret, and why. It returns the empty Reason for a non-secret.
//
// Value shapes are tried first (token formats of cloud, source-hosting,
// chat and payment services, JWTs, PEM private keys, URLs with a password,
// connection strings with a password field, kubeadm bootstrap tokens,
// credential fields of JSON documents), then the names inside the value
// (option strings, NAME=VALUE lists, YAML, base64 documents); then the
// name: words such as PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY,
// CREDENTIALS make the entry secret unless the name ends in a metadata word
// (URL, FILE, NAME, ID, LENGTH, ...) or the value is a path, plain URL,
// number, boolean, digest, fingerprint or placeholder; weaker hints (KEY,
// AUTH, SALT, ...) need a long high-entropy value. name and value may hold
// any bytes. The package documentation lists what is deliberately not
// flagged.
func Classify(name, value string) Reason {
	if r := classifyValue(value); r != "" {
		return r
	}
	if awsSecretKey(name, value) {
		return ReasonAWSSecretAccessKey
	}
	if len(name) >= 4 && strings.EqualFold(name[len(name)-4:], "user") && userPassword("", value) && lastWord(name) == "user" {
		return ReasonBasicAuth // USER:PASSWORD in ETCDCTL_USER and the like
	}
	return classifyByName(name, value)
}

// ClassifyValue reports whether the string v, with no name to go by, holds
// a secret, and why: the value rules of [Classify] alone. Use it for a
// free-standing string such as one argument, a header or a line of a file.
func ClassifyValue(v string) Reason { return classifyValue(v) }

// awsSecretKey: 40 base64 characters under a name saying AWS, or secret
// and access key (the value alone is too generic).
func awsSecretKey(name, v string) bool {
	if len(v) != 40 || !randomBase64(v) {
		return false
	}
	n := strings.ToLower(name)
	return strings.Contains(n, "aws") || strings.Contains(n, "secret") && strings.Contains(n, "access") ||
		strings.Contains(n, "s3") && strings.Contains(n, "secret")
}

// classifyValue applies the rules that recognise a secret from the value
// alone.
func classifyValue(v string) Reason { return classifyValueDepth(v, 0) }

// shapes applies the rules that recognise a secret by its shape anywhere in
// v, one rule per line.
func shapes(v string) Reason {
	if r := scanTokens(v); r != "" {
		return r // an issuer's token format, a PEM private key, a JWT
	}
	if strings.Contains(v, "://") {
		if r := urlCredentials(v); r != "" {
			return r // scheme://user:password@host
		}
	}
	if strings.IndexByte(v, '=') >= 0 {
		if r := connectionString(v); r != "" {
			return r // Password=... in a connection or query string
		}
	}
	if r := authHeader(v); r != "" {
		return r // Bearer TOKEN, Basic BASE64
	}
	if strings.Contains(v, "\"private_key\"") && strings.Contains(v, "\"type\"") {
		return ReasonCloudCredentials // a GCP service-account key
	}
	if strings.IndexByte(v, '"') >= 0 {
		if r := jsonSecretField(v); r != "" {
			return r // "password": "..." in a JSON document
		}
		if strings.Contains(v, "\"kty\"") && privateJWK(v) {
			return "jwk-private-key" // a JSON Web Key with its private part
		}
	}
	if strings.Contains(v, "Q~") && azureClientSecret(v) {
		return "azure-ad-client-secret"
	}
	if strings.IndexByte(v, '.') >= 6 && kubeBootstrapToken(v) {
		return "kubernetes-bootstrap-token" // abcdef.0123456789abcdef
	}
	return ""
}

// jsonSecretKeys are JSON object keys whose string value is a credential,
// as in DOCKER_AUTH_CONFIG={"auths":{"r":{"auth":"..."}}}.
var jsonSecretKeys = map[string]bool{
	"password": true, "passwd": true, "auth": true, "secret": true, "client_secret": true,
	"token": true, "access_token": true, "refresh_token": true, "api_key": true, "apikey": true,
	"private_key": true, "identitytoken": true,
}

// jsonSecretField finds "KEY": "VALUE" with a non-empty, non-placeholder
// VALUE and a KEY that holds credentials (jsonSecretKeys) or that the name
// rules call a secret.
func jsonSecretField(v string) Reason {
	var found Reason
	jsonFields(v, func(key, val string) bool {
		if jsonSecretKeys[strings.ToLower(key)] {
			if len(val) >= 4 && !isPlaceholder(val) {
				found = "json-secret-field"
			}
		} else if h := nameHint(key); h.strong && classifyByName(key, val) != "" {
			found = "json-secret-field"
		}
		return found == ""
	})
	return found
}

// jsonFields calls yield with each "KEY": "VALUE" pair of string members
// found in v, until yield returns false. It is a scan, not a parser: any
// text is accepted, escapes are left as they are.
func jsonFields(v string, yield func(key, val string) bool) {
	for off := 0; off < len(v); {
		i := strings.IndexByte(v[off:], '"')
		if i < 0 {
			return
		}
		i += off
		j := strings.IndexByte(v[i+1:], '"')
		if j < 0 {
			return
		}
		key := v[i+1 : i+1+j]
		off = i + 2 + j
		rest := strings.TrimLeft(v[off:], " \t\r\n")
		if !strings.HasPrefix(rest, ":") {
			continue
		}
		rest = strings.TrimLeft(rest[1:], " \t\r\n")
		if !strings.HasPrefix(rest, "\"") {
			continue
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			continue
		}
		if !yield(key, rest[1:1+end]) {
			return
		}
	}
}

// azureClientSecret matches Entra ID client secrets: three characters, a
// digit, "Q~", then 31 to 34 characters of [A-Za-z0-9_~.-].
func azureClientSecret(v string) bool {
	for off := 0; ; {
		i := strings.Index(v[off:], "Q~")
		if i < 0 {
			return false
		}
		i += off
		off = i + 2
		if i < 4 || !(v[i-1] >= '0' && v[i-1] <= '9') || (i > 4 && isWordByte(v[i-5])) {
			continue
		}
		n := 0
		for n < len(v)-off && (csAlnumDash.has(v[off+n]) || v[off+n] == '~' || v[off+n] == '.') {
			n++
		}
		if n >= 31 && n <= 34 {
			return true
		}
	}
}

// Character classes for token bodies.
type charset uint8

const (
	csAlnum       charset = iota // A-Z a-z 0-9
	csAlnumUnder                 // A-Z a-z 0-9 _
	csAlnumDash                  // A-Z a-z 0-9 _ -
	csHexLower                   // 0-9 a-f
	csUpperDigit                 // A-Z 0-9
	csLetters                    // A-Z a-z
	csBase64                     // A-Z a-z 0-9 + / =
	csBase64URL                  // A-Z a-z 0-9 _ - =
	csBech32Upper                // age's upper-case bech32 alphabet
)

func (c charset) has(b byte) bool {
	isLower := b >= 'a' && b <= 'z'
	isUpper := b >= 'A' && b <= 'Z'
	isDigit := b >= '0' && b <= '9'
	switch c {
	case csAlnum:
		return isLower || isUpper || isDigit
	case csAlnumUnder:
		return isLower || isUpper || isDigit || b == '_'
	case csAlnumDash:
		return isLower || isUpper || isDigit || b == '_' || b == '-'
	case csHexLower:
		return isDigit || (b >= 'a' && b <= 'f')
	case csUpperDigit:
		return isUpper || isDigit
	case csLetters:
		return isLower || isUpper
	case csBase64:
		return isLower || isUpper || isDigit || b == '+' || b == '/' || b == '='
	case csBase64URL:
		return isLower || isUpper || isDigit || b == '_' || b == '-' || b == '='
	case csBech32Upper:
		return strings.IndexByte("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", b) >= 0
	}
	return false
}

// tokenRule is a token format: a literal prefix followed by min..max bytes
// of a charset. The token must start at a word boundary and, when max is
// set, end at one. When whole is set it alone decides, given the text from
// the prefix on (a PEM header, a JWT's three parts); body, min, max and
// check are then unused.
type tokenRule struct {
	prefix   string
	body     charset
	min, max int // max 0: unbounded
	reason   Reason
	check    func(body string) bool // extra validation, optional
	whole    func(s string) bool
}

// tokenRules are the issuers' published token formats. Every prefix is
// specific enough to be a secret wherever it appears.
var tokenRules = []tokenRule{
	{prefix: "AKIA", body: csUpperDigit, min: 16, max: 16, reason: ReasonAWSAccessKeyID},
	{prefix: "ASIA", body: csUpperDigit, min: 16, max: 16, reason: ReasonAWSAccessKeyID},
	{prefix: "ABIA", body: csUpperDigit, min: 16, max: 16, reason: ReasonAWSAccessKeyID},
	{prefix: "ACCA", body: csUpperDigit, min: 16, max: 16, reason: ReasonAWSAccessKeyID},
	{prefix: "ghp_", body: csAlnum, min: 36, max: 255, reason: "github-token"},
	{prefix: "gho_", body: csAlnum, min: 36, max: 255, reason: "github-token"},
	{prefix: "ghu_", body: csAlnum, min: 36, max: 255, reason: "github-token"},
	{prefix: "ghs_", body: csAlnum, min: 36, max: 255, reason: "github-token"},
	{prefix: "ghr_", body: csAlnum, min: 36, max: 255, reason: "github-token"},
	{prefix: "github_pat_", body: csAlnumUnder, min: 60, max: 255, reason: "github-token"},
	{prefix: "glpat-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "gldt-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "glptt-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "glrt-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "xoxb-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxp-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxa-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxr-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxs-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxe-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xoxe.xox", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "xapp-", body: csAlnumDash, min: 10, reason: "slack-token"},
	{prefix: "hooks.slack.com/services/", body: csBase64, min: 20, reason: "slack-webhook"},
	{prefix: "hooks.slack.com/workflows/", body: csBase64, min: 20, reason: "slack-webhook"},
	{prefix: "discord.com/api/webhooks/", reason: "discord-webhook", whole: discordWebhook},
	{prefix: "discordapp.com/api/webhooks/", reason: "discord-webhook", whole: discordWebhook},
	{prefix: "sk_live_", body: csAlnum, min: 20, reason: "stripe-secret-key"},
	{prefix: "sk_test_", body: csAlnum, min: 20, reason: "stripe-secret-key"},
	{prefix: "rk_live_", body: csAlnum, min: 20, reason: "stripe-secret-key"},
	{prefix: "rk_test_", body: csAlnum, min: 20, reason: "stripe-secret-key"},
	{prefix: "whsec_", body: csBase64, min: 24, reason: "stripe-webhook-secret"},
	{prefix: "AIza", body: csAlnumDash, min: 35, max: 35, reason: "google-api-key"},
	{prefix: "ya29.", body: csAlnumDash, min: 20, reason: "google-oauth-token"},
	{prefix: "sk-ant-", body: csAlnumDash, min: 32, reason: "anthropic-api-key"},
	{prefix: "sk-proj-", body: csAlnumDash, min: 32, reason: "openai-api-key"},
	{prefix: "sk-svcacct-", body: csAlnumDash, min: 32, reason: "openai-api-key"},
	{prefix: "sk-admin-", body: csAlnumDash, min: 32, reason: "openai-api-key"},
	{prefix: "sk-", body: csAlnum, min: 32, reason: "sk-api-key"},
	{prefix: "SG.", body: csBase64URL, min: 60, reason: "sendgrid-api-key",
		check: func(b string) bool { return strings.Count(b, ".") == 0 && len(b) >= 22 }},
	{prefix: "npm_", body: csAlnum, min: 36, max: 36, reason: "npm-token"},
	{prefix: "pypi-AgEIcHlwaS5vcmc", body: csAlnumDash, min: 50, reason: "pypi-token"},
	{prefix: "dop_v1_", body: csHexLower, min: 64, max: 64, reason: "digitalocean-token"},
	{prefix: "doo_v1_", body: csHexLower, min: 64, max: 64, reason: "digitalocean-token"},
	{prefix: "dor_v1_", body: csHexLower, min: 64, max: 64, reason: "digitalocean-token"},
	{prefix: "shpat_", body: csAlnum, min: 32, max: 32, reason: "shopify-token"},
	{prefix: "shpss_", body: csAlnum, min: 32, max: 32, reason: "shopify-token"},
	{prefix: "shpca_", body: csAlnum, min: 32, max: 32, reason: "shopify-token"},
	{prefix: "shppa_", body: csAlnum, min: 32, max: 32, reason: "shopify-token"},
	{prefix: "hvs.", body: csAlnumDash, min: 24, reason: "vault-token"},
	{prefix: "hvb.", body: csAlnumDash, min: 24, reason: "vault-token"},
	{prefix: "hf_", body: csLetters, min: 30, max: 40, reason: "huggingface-token"},
	{prefix: "dapi", body: csHexLower, min: 32, max: 32, reason: "databricks-token"},
	{prefix: "glsa_", body: csAlnumUnder, min: 32, reason: "grafana-token"},
	{prefix: "glc_", body: csBase64URL, min: 32, reason: "grafana-token"},
	{prefix: "SK", body: csHexLower, min: 32, max: 32, reason: "twilio-api-key"},
	{prefix: "AGE-SECRET-KEY-1", body: csBech32Upper, min: 58, max: 58, reason: "age-secret-key"},
	{prefix: "lin_api_", body: csAlnum, min: 40, max: 40, reason: "linear-api-key"},
	{prefix: "rubygems_", body: csHexLower, min: 48, max: 48, reason: "rubygems-api-key"},
	{prefix: "pul-", body: csHexLower, min: 40, max: 40, reason: "pulumi-token"},
	{prefix: "dckr_pat_", body: csAlnumDash, min: 27, reason: "docker-hub-token"},
	{prefix: "gsk_", body: csAlnum, min: 52, max: 52, reason: "groq-api-key"},
	{prefix: "xai-", body: csAlnum, min: 60, reason: "xai-api-key"},
	{prefix: "sq0atp-", body: csAlnumDash, min: 22, reason: "square-token"},
	{prefix: "sq0csp-", body: csAlnumDash, min: 40, reason: "square-token"},
	{prefix: "EAAA", body: csAlnumDash, min: 60, reason: "square-token"},
	{prefix: "ATATT3", body: csBase64URL, min: 100, reason: "atlassian-token"},
	{prefix: "NRAK-", body: csUpperDigit, min: 27, max: 27, reason: "newrelic-api-key"},
	{prefix: "PMAK-", body: csAlnumDash, min: 50, reason: "postman-api-key"},
	{prefix: "sntrys_", body: csBase64URL, min: 50, reason: "sentry-token"},
	{prefix: "sntryu_", body: csHexLower, min: 64, max: 64, reason: "sentry-token"},
	{prefix: "ops_eyJ", body: csBase64URL, min: 100, reason: "1password-token"},
	{prefix: "ntn_", body: csAlnum, min: 40, reason: "notion-token"},
	{prefix: "secret_", body: csAlnum, min: 43, max: 43, reason: "notion-token"},
	{prefix: "dp.pt.", body: csAlnum, min: 40, reason: "doppler-token"},
	{prefix: "dp.st.", body: csAlnumDash, min: 40, reason: "doppler-token"},
	{prefix: "dp.sa.", body: csAlnum, min: 40, reason: "doppler-token"},
	{prefix: "dp.ct.", body: csAlnum, min: 40, reason: "doppler-token"},
	{prefix: "pscale_tkn_", body: csAlnumDash, min: 32, reason: "planetscale-token"},
	{prefix: "pscale_pw_", body: csAlnumDash, min: 32, reason: "planetscale-password"},
	{prefix: "pscale_oauth_", body: csAlnumDash, min: 32, reason: "planetscale-token"},
	{prefix: "pnu_", body: csAlnum, min: 36, max: 36, reason: "prefect-token"},
	{prefix: "rdme_", body: csAlnum, min: 70, reason: "readme-token"},
	{prefix: "sgp_", body: csAlnumUnder, min: 40, reason: "sourcegraph-token"},
	{prefix: "shippo_live_", body: csHexLower, min: 40, max: 40, reason: "shippo-token"},
	{prefix: "shippo_test_", body: csHexLower, min: 40, max: 40, reason: "shippo-token"},
	{prefix: "tfp_", body: csAlnumDash, min: 40, reason: "typeform-token"},
	{prefix: "dt0c01.", body: csAlnumDash, min: 24, reason: "dynatrace-token"},
	{prefix: "EZAK", body: csAlnum, min: 54, max: 54, reason: "easypost-token"},
	{prefix: "duffel_live_", body: csAlnumDash, min: 43, reason: "duffel-token"},
	{prefix: "duffel_test_", body: csAlnumDash, min: 43, reason: "duffel-token"},
	{prefix: "HRKU-", body: csAlnumDash, min: 50, reason: "heroku-api-key"},
	{prefix: "LTAI", body: csAlnum, min: 20, max: 20, reason: "alibaba-access-key-id"},
	{prefix: "ABSK", body: csBase64, min: 100, reason: "aws-bedrock-api-key"},
	{prefix: "sha256~", body: csAlnumDash, min: 43, max: 43, reason: "openshift-token"},
	{prefix: "pplx-", body: csAlnum, min: 48, reason: "perplexity-api-key"},
	{prefix: "glcbt-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "glft-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "glimt-", body: csAlnumDash, min: 25, reason: "gitlab-token"},
	{prefix: "glagent-", body: csAlnumDash, min: 50, reason: "gitlab-token"},
	{prefix: "gloas-", body: csAlnumDash, min: 64, reason: "gitlab-token"},
	{prefix: "glsoat-", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "GR1348941", body: csAlnumDash, min: 20, reason: "gitlab-token"},
	{prefix: "tskey-", body: csAlnumDash, min: 20, reason: "tailscale-key"},
	{prefix: "bkua_", body: csHexLower, min: 40, max: 40, reason: "buildkite-token"},
	{prefix: "figd_", body: csAlnumDash, min: 40, reason: "figma-token"},
	{prefix: "sbp_", body: csHexLower, min: 40, max: 40, reason: "supabase-token"},
	{prefix: "sb_secret_", body: csAlnumDash, min: 20, reason: "supabase-token"},
	{prefix: "key-", body: csHexLower, min: 32, max: 32, reason: "mailgun-api-key"},
	{prefix: "oy2", body: csAlnum, min: 43, max: 43, reason: "nuget-api-key",
		check: func(b string) bool { return strings.ToLower(b) == b }},
	{prefix: "AKCp", body: csAlnum, min: 69, reason: "artifactory-token"},
	{prefix: "CFPAT-", body: csAlnumDash, min: 43, reason: "contentful-token"},
	{prefix: "xkeysib-", body: csAlnumDash, min: 80, reason: "brevo-api-key"},
	{prefix: "sk.eyJ", body: csBase64URL, min: 20, reason: "mapbox-secret-token"},
	{prefix: "GOCSPX-", body: csAlnumDash, min: 28, reason: "google-oauth-client-secret"},
	{prefix: "r8_", body: csAlnum, min: 37, max: 37, reason: "replicate-token"},
	{prefix: "eyJrIjoi", body: csBase64, min: 60, reason: "grafana-api-key"},
	{prefix: "AAAAAAAAAAAAAAAAAAAAA", body: csBase64URL, min: 40, reason: "twitter-bearer-token"},
	{prefix: "EAAB", body: csAlnum, min: 100, reason: "facebook-token"},
	{prefix: "EAAG", body: csAlnum, min: 100, reason: "facebook-token"},
	{prefix: "webhook.office.com/webhookb2/", body: csBase64URL, min: 20, reason: "teams-webhook"},
	{prefix: "PuTTY-User-Key-File-", reason: ReasonPEMPrivateKey, whole: func(string) bool { return true }},
	{prefix: "-----BEGIN ", reason: ReasonPEMPrivateKey, whole: pemPrivateKey},
	{prefix: "eyJ", reason: ReasonJWT, whole: jwt},
}

// discordWebhook: the prefix, a numeric ID, '/', a token of at least 20
// base64url characters.
func discordWebhook(s string) bool {
	_, s, _ = strings.Cut(s, "/webhooks/")
	id, tok, ok := strings.Cut(s, "/")
	if !ok || len(id) < 15 || !isDigits(id) {
		return false
	}
	n := 0
	for n < len(tok) && csBase64URL.has(tok[n]) {
		n++
	}
	return n >= 20 && looksRandom(tok[:n])
}

// firstByte[b] lists the indexes of the rules whose prefix starts with b.
var firstByte [256][]int

func init() {
	for i, r := range tokenRules {
		firstByte[r.prefix[0]] = append(firstByte[r.prefix[0]], i)
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// scanTokens looks for any token format anywhere in v, starting at a word
// boundary.
func scanTokens(v string) Reason {
	for i := 0; i < len(v); i++ {
		rules := firstByte[v[i]]
		if rules == nil || (i > 0 && isWordByte(v[i-1])) {
			continue
		}
		for _, ri := range rules {
			r := &tokenRules[ri]
			if !strings.HasPrefix(v[i:], r.prefix) {
				continue
			}
			if r.whole != nil {
				if r.whole(v[i:]) {
					return r.reason
				}
				continue
			}
			rest := v[i+len(r.prefix):]
			n := 0
			for n < len(rest) && r.body.has(rest[n]) {
				n++
			}
			if n < r.min || (r.max > 0 && n > r.max) {
				continue
			}
			if r.check != nil && !r.check(rest[:n]) {
				continue
			}
			if !looksRandom(rest[:n]) {
				continue
			}
			return r.reason
		}
	}
	return ""
}

// looksRandom rejects bodies that are obviously not generated, such as a
// run of one letter or an English word: a placeholder rather than a token.
func looksRandom(s string) bool {
	if len(s) == 0 {
		return true
	}
	if len(s) >= 16 {
		return entropy(s) >= 2.5
	}
	return entropy(s) >= 2.0
}

// pemPrivateKey reports whether s starts with a PEM header of a private key
// ("-----BEGIN RSA PRIVATE KEY-----", OPENSSH, EC, ENCRYPTED, PGP ... BLOCK).
func pemPrivateKey(s string) bool {
	s = s[len("-----BEGIN "):]
	end := strings.Index(s, "-----")
	if end < 0 || end > 40 {
		return false
	}
	return strings.Contains(s[:end], "PRIVATE KEY")
}

// jwt reports whether s starts with header.payload.signature, each part
// base64url, header and payload being JSON objects ("eyJ" is `{"`).
func jwt(s string) bool {
	seg := func(s string) (string, string) {
		n := 0
		for n < len(s) && csBase64URL.has(s[n]) {
			n++
		}
		return s[:n], s[n:]
	}
	h, rest := seg(s)
	if len(h) < 10 || !strings.HasPrefix(rest, ".eyJ") {
		return false
	}
	p, rest := seg(rest[1:])
	if len(p) < 10 || !strings.HasPrefix(rest, ".") {
		return false
	}
	sig, _ := seg(rest[1:])
	return len(sig) == 0 || len(sig) >= 16
}

// urlCredentials finds scheme://user:password@host (and a long token as
// the user part) anywhere in v.
func urlCredentials(v string) Reason {
	for {
		i := strings.Index(v, "://")
		if i < 0 {
			return ""
		}
		// The scheme must be a word right before "://".
		j := i
		for j > 0 && (isWordByte(v[j-1]) || v[j-1] == '+' || v[j-1] == '.' || v[j-1] == '-') {
			j--
		}
		rest := v[i+3:]
		v = rest
		if j == i {
			continue
		}
		end := strings.IndexAny(rest, "/?# \t\n\"'<>,;")
		authority := rest
		if end >= 0 {
			authority = rest[:end]
		}
		at := strings.LastIndexByte(authority, '@')
		if at <= 0 {
			continue
		}
		userinfo := authority[:at]
		if c := strings.IndexByte(userinfo, ':'); c >= 0 {
			if pw := userinfo[c+1:]; pw != "" && !isPlaceholder(pw) {
				return ReasonURLPassword
			}
			continue
		}
		// A long random user part is a token (https://TOKEN@host); a Sentry
		// DSN's 32 hex digits are a public client key, not a secret.
		if len(userinfo) >= 20 && !isPlaceholder(userinfo) && entropy(userinfo) >= 3.5 &&
			!(len(userinfo) == 32 && isHex(userinfo)) {
			return ReasonURLToken
		}
	}
}

// secretKeys are the field names that hold a password or key in connection
// strings and query strings (ADO.NET, ODBC, libpq, Azure, JDBC URLs).
var secretKeys = map[string]bool{
	"password": true, "pwd": true, "passwd": true, "pass": true,
	"accountkey": true, "sharedaccesskey": true, "sharedsecret": true,
	"clientsecret": true, "client_secret": true, "secret": true,
	"access_token": true, "accesstoken": true, "api_key": true, "apikey": true,
	"token": true, "auth_token": true, "sig": true, "x-amz-signature": true,
	// HTTP headers as OTEL_EXPORTER_OTLP_HEADERS writes them: key=value,...
	"api-key": true, "x-api-key": true, "authorization": true, "x-auth-token": true,
	"private-token": true, "auth-token": true, "x-access-token": true, "secret_key": true,
	"secret-key": true, "secretkey": true, "dd-api-key": true, "x-honeycomb-team": true,
}

// connectionString looks for key=value fields naming a password in v,
// where fields are separated by ';', '&', '?', ',' or whitespace.
func connectionString(v string) Reason {
	start := 0
	for start < len(v) {
		// A field starts at start; find its '=' and its end.
		end := start
		for end < len(v) && !isFieldSep(v[end]) {
			end++
		}
		field := v[start:end]
		if eq := strings.IndexByte(field, '='); eq > 0 {
			key := strings.ToLower(strings.TrimSpace(field[:eq]))
			key = strings.ReplaceAll(key, " ", "")
			val := strings.Trim(field[eq+1:], "'\"{}")
			if secretKeys[key] && val != "" && !isPlaceholder(val) && !isPath(val) {
				return ReasonConnectionString
			}
		}
		start = end + 1
	}
	return ""
}

func isFieldSep(b byte) bool {
	switch b {
	case ';', '&', '?', ',', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// authHeader finds "Bearer TOKEN" or "Basic BASE64" in v.
func authHeader(v string) Reason {
	for _, h := range [...]struct {
		word   string
		min    int
		reason Reason
	}{{"bearer ", 16, ReasonBearerToken}, {"basic ", 8, ReasonBasicAuth}} {
		for off := 0; off < len(v); {
			i := indexFold(v[off:], h.word)
			if i < 0 {
				break
			}
			i += off
			off = i + len(h.word)
			if i > 0 && isWordByte(v[i-1]) {
				continue
			}
			n := 0
			rest := v[off:]
			for n < len(rest) && (csBase64URL.has(rest[n]) || rest[n] == '.' || rest[n] == '+' || rest[n] == '/' || rest[n] == '~') {
				n++
			}
			if n >= h.min && !isPlaceholder(rest[:n]) && entropy(rest[:n]) >= 3.0 {
				return h.reason
			}
		}
	}
	return ""
}

// indexFold is strings.Index with ASCII case folding; word is lower case
// and starts with a letter.
func indexFold(s, word string) int {
	c := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == c && strings.EqualFold(s[i:i+len(word)], word) {
			return i
		}
	}
	return -1
}

// isPlaceholder reports values that stand for a secret without being one:
// ${VAR}, $(cmd), {{tmpl}}, <...>, %VAR%, ****, xxxx, "null", "redacted".
func isPlaceholder(v string) bool {
	if v == "" {
		return true
	}
	switch strings.ToLower(v) {
	case "null", "nil", "none", "undefined", "unset", "redacted", "hidden", "secret", "password",
		"token", "changeme", "change_me", "change-me", "todo", "tbd", "dummy", "example", "placeholder",
		"your-token", "your_token", "your-api-key", "your_api_key", "your-password", "your_password", "mypassword":
		return true
	}
	if strings.HasPrefix(v, "${") || strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "{{") ||
		(strings.HasPrefix(v, "$") && len(v) > 1 && isIdent(v[1:])) ||
		(strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")) ||
		(strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]")) ||
		(len(v) > 2 && v[0] == '%' && v[len(v)-1] == '%') {
		return true
	}
	if constantName(v) {
		return true // REPLACE_ME, CHANGE_ME, YOUR_API_KEY: a name standing for the value
	}
	same := true
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			same = false
			break
		}
	}
	return same && len(v) > 1
}

// constantName matches upper-case words joined by '_', at least two.
func constantName(v string) bool {
	if strings.IndexByte(v, '_') <= 0 || v[len(v)-1] == '_' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !(v[i] >= 'A' && v[i] <= 'Z' || v[i] == '_') {
			return false
		}
	}
	return true
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// log2Table[c] is log2(c), for the counts entropy sees in short strings.
var log2Table [1024]float64

func init() {
	for i := 1; i < len(log2Table); i++ {
		log2Table[i] = math.Log2(float64(i))
	}
}

func log2(n int) float64 {
	if n < len(log2Table) {
		return log2Table[n]
	}
	return math.Log2(float64(n))
}

// entropy returns the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if len(s) == 0 {
		return 0
	}
	var counts [256]uint32
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	// H = log2(n) - sum(c*log2(c))/n
	var sum float64
	for _, c := range counts {
		if c > 1 {
			sum += float64(c) * log2(int(c))
		}
	}
	n := len(s)
	return log2(n) - sum/float64(n)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !csHexLower.has(s[i]) {
			return false
		}
	}
	return s != ""
}
