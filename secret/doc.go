// Package secret tells secrets from other strings: environment entries
// (NAME=VALUE), command-line arguments and free-standing values. It reads
// nothing; package environ applies it to processes.
//
// [Classify] says whether NAME=VALUE holds a secret and returns a [Reason]
// such as "aws-access-key-id", "url-password" or "password" (the empty
// Reason means no secret). [ClassifyValue] does the same for a string
// without a name. [ClassifyArgs] finds the arguments of a command line that
// hold secrets, and [RedactArgs] replaces them with [Marker]'s
// "<redacted:REASON>", the format every procscope output uses.
//
// # What is detected
//
// Value shapes, whatever the name: the published token formats of cloud,
// source-hosting, chat, payment and AI services (a prefix, an alphabet, a
// length), JWTs (Kubernetes service-account tokens among them), kubeadm
// bootstrap tokens (abcdef.0123456789abcdef), PEM and PuTTY private keys,
// Slack, Discord and Teams webhook URLs, URLs with a password or a token as
// the user, connection and query strings with a password field (Azure SAS
// signatures too), Bearer and Basic authorization values, JSON documents
// with a credential field (a Docker config's auths, a GCP service-account
// key) and private JSON Web Keys.
//
// Names: words such as PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY and
// CREDENTIALS make the value secret when it looks like a credential (for a
// password, when it is not trivial); weaker hints (KEY, AUTH, SALT, ...)
// need a long, high-entropy value. Names are split into words at '_', '-',
// '.' and camelCase humps, so DB_PASSWORD, db-password, dbPassword and
// spring.datasource.password read alike. USER:PASSWORD under a user
// variable (ETCDCTL_USER) counts too.
//
// Names inside values: an option string (JAVA_TOOL_OPTIONS with
// -Dspring.datasource.password=..., EXTRA_ARGS with --db-password ...,
// CURL_OPTS with -u USER:PASSWORD, a shell command given to sh -c), a
// ','-separated list of NAME=VALUE items (helm --set a=1,auth.password=...)
// and YAML "key: value" lines (a kubeconfig's client-key-data or token) are
// read word by word with the rules of [ClassifyArgs]. A base64 word that
// decodes to text is classified as that text, so a base64 kubeconfig,
// Docker config, OpenSSH key or JWK is seen through. Decoding is bounded:
// two levels deep at most, words of at most 256 KiB, and only words whose
// first bytes decode to ASCII text, so the cost stays linear in the input.
//
// # What is deliberately not flagged
//
// A name ending in a word that describes a secret rather than holding it
// (PASSWORD_MIN_LENGTH, TOKEN_URL, SECRET_NAME, KEY_FILE, API_KEY_ID);
// values that cannot be the credential itself (paths, object paths such as
// backups/2026/db.sql.gz under S3_KEY, URLs without credentials, host
// names, numbers, durations, booleans, placeholders such as ${VAR},
// <your-token>, [REDACTED], REPLACE_ME, changeme, ******); public data
// that looks random: digests (kubeadm's --discovery-token-ca-cert-hash
// sha256:..., a hash of a public certificate), OpenPGP fingerprints and key
// IDs, Stripe publishable keys (pk_live_, pk_test_), public keys,
// certificates and public JWKs, Sentry DSNs; identifiers named like
// credentials (etcd's --initial-cluster-token); a JSON document under a
// hinting name, which is judged by its fields instead. High-entropy values
// under names that say nothing about credentials (commit hashes, UUIDs,
// build IDs) are not flagged: flagging every random string would bury the
// real findings. -u USER:GROUP (docker run -u 1000:1000, app:staff) is not a
// password, and mysql's "-p NAME" names the database (the password would
// be attached, -pSECRET). Passphrases of plain lower-case words under a
// weak hint (an Erlang cookie under erlangCookie) are missed.
//
// # Concurrency
//
// Every function is safe for concurrent use: the package holds no state
// beyond read-only tables built at init. Inputs may hold any bytes,
// invalid UTF-8 included.
package secret
