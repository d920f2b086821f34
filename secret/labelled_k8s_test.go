package secret

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// genLabelledIssue11 returns the classes of issue 11 items 3 and 4, from its
// own seeded generator (so the older classes stay byte for byte): secrets
// inside option strings and documents (base64, YAML, JSON), Kubernetes'
// credentials, and the public look-alikes the issue names. It was written
// and committed before the rules that detect these classes.
//
// Entries with Args are command lines, judged with ClassifyArgs; for a
// secret one, Value holds the planted secret, which RedactArgs must hide.
func genLabelledIssue11() []labelled {
	g := gen{rand.New(rand.NewPCG(11, 2026))}
	var out []labelled
	b64 := base64.StdEncoding.EncodeToString
	S := func(kind string, count int, f func() (string, string)) {
		for range count {
			n, v := f()
			out = append(out, labelled{Name: n, Value: v, Secret: true, Kind: kind})
		}
	}
	N := func(kind string, count int, f func() (string, string)) {
		for range count {
			n, v := f()
			out = append(out, labelled{Name: n, Value: v, Kind: kind})
		}
	}
	// SA/NA: command lines; SA's function returns the planted secret too.
	SA := func(kind string, count int, f func() ([]string, string)) {
		for range count {
			a, v := f()
			out = append(out, labelled{Args: a, Value: v, Secret: true, Kind: kind})
		}
	}
	NA := func(kind string, count int, f func() []string) {
		for range count {
			out = append(out, labelled{Args: f(), Kind: kind})
		}
	}
	// pw: a password without the bytes that would end a shell word or an
	// option list.
	pw := func() string {
		return strings.NewReplacer(" ", "", ",", "", "\"", "", "'", "", "=", "").Replace(g.password())
	}
	lowerDigits := lowerChars + digitChars
	bootstrap := func() string { return g.str(6, lowerDigits) + "." + g.str(16, lowerDigits) }
	sha := func() string { return "sha256:" + g.str(64, hexChars) }
	javaNoise := func() string {
		return g.pick("-Xmx512m", "-Xms256m", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8", "-Duser.timezone=UTC",
			"-XX:MaxRAMPercentage=75.0", "-Djava.security.egd=file:/dev/./urandom", "-Dspring.profiles.active=prod", "-Dserver.port=8080")
	}
	shuffle := func(s []string) []string {
		g.r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	pemKey := func(kind string) string {
		return "-----BEGIN " + kind + "PRIVATE KEY-----\n" + b64(g.bytes(g.n(120, 400))) + "\n-----END " + kind + "PRIVATE KEY-----\n"
	}
	saJWT := func() string {
		enc := base64.RawURLEncoding.EncodeToString
		h := enc([]byte(`{"alg":"RS256","kid":"` + g.str(43, b64urlChars) + `"}`))
		ns := g.pick("default", "kube-system", "monitoring", "ci", "argocd")
		p := enc([]byte(fmt.Sprintf(`{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":%d,"iat":%d,"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{"namespace":"%s","serviceaccount":{"name":"%s","uid":"%s"}},"sub":"system:serviceaccount:%s:%s"}`,
			1800000000+g.r.IntN(1e7), 1700000000+g.r.IntN(1e7), ns, g.word(), g.uuid(), ns, g.word())))
		return h + "." + p + "." + enc(g.bytes(256))
	}
	kubeconfig := func(user string) string {
		return "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: " + b64([]byte("-----BEGIN CERTIFICATE-----\n"+b64(g.bytes(300))+"\n-----END CERTIFICATE-----\n")) +
			"\n    server: https://" + g.pick("10.0.0.1:6443", "k8s.example.com:6443", "api."+g.word()+".example.net") + "\n  name: " + g.word() +
			"\ncontexts:\n- context:\n    cluster: " + g.word() + "\n    user: admin\n  name: admin@" + g.word() + "\ncurrent-context: admin@" + g.word() +
			"\nusers:\n- name: admin\n  user:\n" + user
	}
	jwk := func(private bool) string {
		enc := base64.RawURLEncoding.EncodeToString
		if g.r.IntN(2) == 0 {
			s := `{"kty":"EC","crv":"P-256","kid":"` + g.word() + `","x":"` + enc(g.bytes(32)) + `","y":"` + enc(g.bytes(32)) + `"`
			if private {
				s += `,"d":"` + enc(g.bytes(32)) + `"`
			}
			return s + `}`
		}
		s := `{"kty":"RSA","kid":"` + g.word() + `","use":"sig","alg":"RS256","n":"` + enc(g.bytes(256)) + `","e":"AQAB"`
		if private {
			s += `,"d":"` + enc(g.bytes(256)) + `","p":"` + enc(g.bytes(128)) + `","q":"` + enc(g.bytes(128)) + `","dp":"` + enc(g.bytes(128)) + `","dq":"` + enc(g.bytes(128)) + `","qi":"` + enc(g.bytes(128)) + `"`
		}
		return s + `}`
	}
	gpgFpr := func() string {
		f := g.str(40, "0123456789ABCDEF")
		switch g.r.IntN(4) {
		case 0:
			var parts []string
			for i := 0; i < 40; i += 4 {
				parts = append(parts, f[i:i+4])
			}
			return strings.Join(parts, " ")
		case 1:
			return "0x" + f[24:]
		default:
			return f
		}
	}
	placeholder := func() string {
		return g.pick("[REDACTED]", "<redacted>", "changeme", "${DB_PASSWORD}", "${SECRET}", "{{ .Values.password }}", "REPLACE_ME",
			"********", "<no value>", "$(cat /run/secrets/db)", "%DB_PASSWORD%", "[hidden]", "xxxxxxxx", "CHANGE_ME", "<password>", "$PASSWORD")
	}

	// ---- Secrets inside option strings, in the environment.
	S("opts-java", 30, func() (string, string) {
		prop := g.pick("spring.datasource.password", "javax.net.ssl.keyStorePassword", "javax.net.ssl.trustStorePassword", "db.password",
			"spring.rabbitmq.password", "spring.mail.password", "app.jwt.secret", "spring.redis.password", "keycloak.credentials.secret",
			"sonar.login.token", "jdbc.password", "spring.security.oauth2.client.registration.github.client-secret")
		val := pw()
		if strings.Contains(prop, "secret") || strings.Contains(prop, "token") {
			val = g.str(g.n(24, 48), alnumChars)
		}
		opts := []string{"-D" + prop + "=" + val}
		for range g.n(0, 4) {
			opts = append(opts, javaNoise())
		}
		return g.pick("JAVA_TOOL_OPTIONS", "JAVA_OPTS", "CATALINA_OPTS", "JDK_JAVA_OPTIONS", "MAVEN_OPTS", "_JAVA_OPTIONS", "SPRING_OPTS"), strings.Join(shuffle(opts), " ")
	})
	S("opts-curl", 20, func() (string, string) {
		cred := g.pick("admin", "deploy", "ci", g.word()) + ":" + pw()
		opts := []string{g.pick("-u ", "--user ", "-u", "--user=") + cred}
		for range g.n(0, 3) {
			opts = append(opts, g.pick("-sSL", "--retry 3", "-k", "--connect-timeout 5", "-H 'Accept: application/json'", "--fail"))
		}
		if g.r.IntN(4) == 0 {
			return g.pick("WGET_OPTS", "WGETRC_ARGS"), g.pick("--http-password=", "--password=", "--ftp-password=") + pw() + " --http-user=" + g.word()
		}
		return g.pick("CURL_OPTS", "CURL_ARGS", "CURL_FLAGS", "HEALTHCHECK_CURL_OPTS", "DOWNLOAD_OPTS"), strings.Join(shuffle(opts), " ")
	})
	S("opts-extra-args", 30, func() (string, string) {
		var opt string
		switch g.r.IntN(5) {
		case 0:
			opt = g.pick("--db-password=", "--database-password=", "--redis-pass=", "--admin-password=", "--ldap-bind-password=") + pw()
		case 1:
			opt = g.pick("--api-token ", "--auth-token=", "--access-token ", "--bot-token=") + g.str(g.n(32, 48), alnumChars)
		case 2:
			opt = g.pick("--client-secret=", "--oidc-client-secret ", "--webhook-secret=", "--session-secret ") + g.str(g.n(24, 64), hexChars)
		case 3:
			opt = g.pick("--password ", "--pass ", "--passwd=") + pw()
		default:
			opt = g.pick("--db.password=", "--storage.s3.secret-key=", "--auth.basic.password ") + pw()
		}
		opts := []string{opt}
		for range g.n(0, 3) {
			opts = append(opts, g.pick("--log-level=info", "--port=8080", "--verbose", "--workers 4", "--config /etc/app/config.yaml", "--metrics-addr=:9090"))
		}
		return g.pick("EXTRA_ARGS", "ARGS", "SERVER_ARGS", "CMD_ARGS", "EXTRA_OPTS", "APP_FLAGS", "DAEMON_ARGS", "OPTIONS"), strings.Join(shuffle(opts), " ")
	})
	S("opts-helm", 20, func() (string, string) {
		key := g.pick("auth.rootPassword", "auth.password", "auth.postgresPassword", "global.redis.password", "mariadb.auth.rootPassword",
			"adminPassword", "grafana.adminPassword", "rabbitmq.auth.erlangCookie", "minio.rootPassword", "secretKey")
		sets := []string{key + "=" + pw()}
		for range g.n(0, 2) {
			sets = append(sets, g.pick("image.tag=1."+fmt.Sprint(g.n(0, 30)), "replicaCount="+fmt.Sprint(g.n(1, 5)), "persistence.enabled=true", "service.type=ClusterIP"))
		}
		shuffle(sets)
		var opts []string
		if g.r.IntN(2) == 0 {
			opts = []string{g.pick("--set ", "--set-string ", "--set=") + strings.Join(sets, ",")}
		} else {
			for _, s := range sets {
				opts = append(opts, "--set "+s)
			}
		}
		opts = append(opts, g.pick("--namespace db", "--wait", "--atomic", "--timeout 10m", "--create-namespace"))
		return g.pick("HELM_ARGS", "HELM_EXTRA_ARGS", "HELM_UPGRADE_FLAGS", "HELMFILE_ARGS"), strings.Join(shuffle(opts), " ")
	})

	// ---- Secrets wrapped in documents: YAML, JSON, base64.
	S("doc-kubeconfig", 25, func() (string, string) {
		var user string
		switch g.r.IntN(3) {
		case 0:
			user = "    client-certificate-data: " + b64([]byte("-----BEGIN CERTIFICATE-----\n"+b64(g.bytes(300))+"\n-----END CERTIFICATE-----\n")) +
				"\n    client-key-data: " + b64([]byte(pemKey(g.pick("RSA ", "EC ", "")))) + "\n"
		case 1:
			user = "    token: " + saJWT() + "\n"
		default:
			user = "    token: " + bootstrap() + "\n"
		}
		kc := kubeconfig(user)
		if g.r.IntN(2) == 0 {
			return g.pick("KUBECONFIG_B64", "KUBE_CONFIG_DATA", "KUBECONFIG_BASE64", "CLUSTER_CONFIG", "K8S_CONFIG"), b64([]byte(kc))
		}
		return g.pick("KUBECONFIG_CONTENT", "KUBE_CONFIG", "KUBECONFIG_YAML", "CI_KUBECONFIG"), kc
	})
	S("doc-docker-config", 20, func() (string, string) {
		reg := g.pick("registry.example.com", "ghcr.io", "https://index.docker.io/v1/", g.word()+".azurecr.io", "quay.io")
		var cfg string
		switch g.r.IntN(3) {
		case 0:
			cfg = `{"auths":{"` + reg + `":{"auth":"` + b64([]byte(g.word()+":"+pw())) + `"}}}`
		case 1:
			cfg = `{"auths": {"` + reg + `": {"username": "` + g.word() + `", "password": "` + pw() + `", "email": "ci@example.com"}}}`
		default:
			cfg = "{\n  \"auths\": {\n    \"" + reg + "\": {\n      \"identitytoken\": \"" + g.str(g.n(40, 80), b64urlChars) + "\"\n    }\n  }\n}"
		}
		if g.r.IntN(2) == 0 {
			return g.pick("DOCKER_CONFIG_JSON", "DOCKERCONFIGJSON", "REGISTRY_CONFIG_B64", "PULL_SECRET"), b64([]byte(cfg))
		}
		return g.pick("DOCKER_AUTH_CONFIG", "DOCKER_CONFIG_JSON", "REGISTRY_JSON"), cfg
	})
	S("doc-ssh-key-b64", 15, func() (string, string) {
		return g.pick("SSH_PRIVATE_KEY_B64", "DEPLOY_KEY_BASE64", "GIT_SSH_KEY", "SSH_KEY_DATA", "ANSIBLE_SSH_B64", "BACKUP_IDENTITY"),
			b64([]byte(pemKey(g.pick("OPENSSH ", "OPENSSH ", "RSA ", "EC "))))
	})
	S("doc-private-jwk", 15, func() (string, string) {
		v := jwk(true)
		if g.r.IntN(3) == 0 {
			v = `{"keys":[` + v + `]}`
		}
		if g.r.IntN(3) == 0 {
			v = b64([]byte(v))
		}
		return g.pick("JWT_SIGNING_JWK", "OIDC_PRIVATE_JWK", "JWKS", "SIGNING_JWKS", "OIDC_JWK", "DPOP_KEY_JSON"), v
	})

	// ---- Kubernetes and cloud credentials.
	S("k8s-bootstrap-token", 20, func() (string, string) {
		if g.r.IntN(4) == 0 {
			return g.pick("K3S_TOKEN", "RKE2_TOKEN", "K3S_AGENT_TOKEN"), "K10" + g.str(64, hexChars) + "::server:" + g.str(32, hexChars)
		}
		return g.pick("KUBEADM_TOKEN", "BOOTSTRAP_TOKEN", "JOIN_TOKEN", "K8S_JOIN_TOKEN", "TOKEN", "KUBE_BOOTSTRAP", "NODE_JOIN"), bootstrap()
	})
	S("k8s-serviceaccount-jwt", 15, func() (string, string) {
		return g.pick("KUBE_TOKEN", "SA_TOKEN", "VAULT_K8S_JWT", "K8S_AUTH", "KUBERNETES_BEARER", "ARGOCD_CLUSTER_CRED"), saJWT()
	})
	S("etcd-user-password", 10, func() (string, string) {
		if g.r.IntN(3) == 0 {
			return g.pick("ETCD_ROOT_PASSWORD", "ETCDCTL_PASSWORD"), pw()
		}
		return g.pick("ETCDCTL_USER", "ETCD_USER", "ETCDCTL_USERNAME"), g.pick("root", "admin", "apiserver") + ":" + pw()
	})
	S("registry-auth", 12, func() (string, string) {
		switch g.r.IntN(3) {
		case 0:
			return g.pick("REGISTRY_AUTH", "DOCKER_AUTH", "HARBOR_AUTH"), b64([]byte(g.word() + ":" + pw()))
		case 1:
			return g.pick("REGISTRY_PASSWORD", "CI_REGISTRY_PASSWORD", "HARBOR_ROBOT_SECRET"), pw()
		default:
			return g.pick("QUAY_ROBOT_TOKEN", "REGISTRY_TOKEN"), g.str(64, upperChars+digitChars)
		}
	})
	S("cloud-keys", 24, func() (string, string) {
		switch g.r.IntN(6) {
		case 0:
			return g.pick("GOOGLE_CREDENTIALS_B64", "GCP_SA_KEY", "GCLOUD_KEY_BASE64"), b64([]byte(`{"type": "service_account", "project_id": "` + g.word() + `-` + g.str(6, digitChars) + `", "private_key_id": "` + g.str(40, hexChars) + `", "private_key": "` + strings.ReplaceAll(pemKey(""), "\n", `\n`) + `", "client_email": "` + g.word() + `@` + g.word() + `.iam.gserviceaccount.com"}`))
		case 1:
			return g.pick("AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "ARM_ACCESS_KEY"), b64(g.bytes(64))
		case 2:
			return g.pick("AZURE_SAS_TOKEN", "BLOB_SAS", "STORAGE_QUERY"), "sv=2022-11-02&ss=b&srt=sco&sp=rwdlacupiytfx&se=2027-0" + fmt.Sprint(g.n(1, 9)) + "-01T00:00:00Z&st=2026-11-01T00:00:00Z&spr=https&sig=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(b64(g.bytes(32)))
		case 3:
			return g.pick("ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "AAD_APP"), g.str(3, alnumChars) + g.str(1, digitChars) + "Q~" + g.str(g.n(31, 34), alnumChars+"_~.-")
		case 4:
			return g.pick("AWS_CREDS", "BACKUP_S3", "ACCESS"), "AKIA" + g.str(16, upperChars+"234567") + ":" + g.str(40, b64Chars)
		default:
			return g.pick("GOOGLE_APPLICATION_CREDENTIALS_JSON", "GCP_CREDENTIALS"), `{"type":"service_account","private_key":"` + strings.ReplaceAll(pemKey(""), "\n", `\n`) + `","client_email":"x@y.iam.gserviceaccount.com"}`
		}
	})
	S("webhook-url", 12, func() (string, string) {
		if g.r.IntN(2) == 0 {
			return g.pick("NOTIFY_URL", "ALERT_ENDPOINT", "ALERTMANAGER_RECEIVER", "CHAT_HOOK"), "https://hooks.slack.com/services/T" + g.str(10, upperChars+digitChars) + "/B" + g.str(10, upperChars+digitChars) + "/" + g.str(24, alnumChars)
		}
		return g.pick("DISCORD_WEBHOOK", "NOTIFY_URL", "ALERT_ENDPOINT", "ON_FAIL"), "https://" + g.pick("discord.com", "discordapp.com") + "/api/webhooks/" + g.str(18, digitChars) + "/" + g.str(68, b64urlChars)
	})

	// ---- Secrets on command lines.
	SA("args-registry-login", 16, func() ([]string, string) {
		p := pw()
		switch g.r.IntN(4) {
		case 0:
			return []string{g.pick("docker", "/usr/bin/docker", "podman", "nerdctl"), "login", "-u", g.word(), "-p", p, g.pick("registry.example.com", "ghcr.io", "quay.io")}, p
		case 1:
			return []string{g.pick("docker", "podman", "buildah"), "login", "--username", g.word(), "--password", p, g.word() + ".azurecr.io"}, p
		case 2:
			return []string{"helm", "registry", "login", g.pick("ghcr.io", "registry.example.com"), "-u", g.word(), "-p", p}, p
		default:
			p = g.word() + ":" + pw()
			return []string{"skopeo", "copy", g.pick("--src-creds", "--dest-creds", "--creds"), p, "docker://a/b:1", "docker://c/d:1"}, p
		}
	})
	SA("args-env-dashed", 12, func() ([]string, string) {
		p := pw()
		name := g.pick("db-password", "spring.datasource.password", "redis.pass", "app.secret-key", "admin-password", "smtp.password")
		if strings.Contains(name, "secret") {
			p = g.str(32, alnumChars)
		}
		return []string{g.pick("env", "/usr/bin/env"), name + "=" + p, g.pick("java", "./app", "node", "/srv/bin/server"), g.pick("-jar", "--serve", "server.js", "start")}, p
	})
	SA("args-kubeadm-join", 16, func() ([]string, string) {
		t := bootstrap()
		a := []string{"kubeadm", "join", g.pick("10.0.0.1:6443", "k8s-api.internal:6443", "192.168.56.10:6443"), "--token", t, "--discovery-token-ca-cert-hash", sha()}
		if g.r.IntN(3) == 0 {
			a = append(a, "--control-plane", "--certificate-key", g.str(64, hexChars))
		}
		if g.r.IntN(4) == 0 {
			a[3], a[4] = "--token="+t, "--v=5"
		}
		return a, t
	})
	SA("args-java-props", 10, func() ([]string, string) {
		p := pw()
		return shuffleTail([]string{"java", "-D" + g.pick("spring.datasource.password", "db.password", "javax.net.ssl.keyStorePassword", "spring.mail.password") + "=" + p, javaNoise(), "-jar", "/srv/app.jar"}, 1, 3, g), p
	})
	SA("args-helm-set", 10, func() ([]string, string) {
		p := pw()
		set := g.pick("auth.postgresPassword", "auth.rootPassword", "adminPassword", "redis.auth.password") + "=" + p
		if g.r.IntN(2) == 0 {
			set = "image.tag=" + fmt.Sprint(g.n(1, 16)) + ".2," + set
		}
		return []string{"helm", "upgrade", "--install", g.word(), "bitnami/" + g.pick("postgresql", "mariadb", "redis"), g.pick("--set", "--set-string"), set, "--namespace", g.word()}, p
	})
	SA("args-etcdctl-user", 8, func() ([]string, string) {
		p := pw()
		return []string{"etcdctl", "--endpoints=https://127.0.0.1:2379", "--user", g.pick("root", "admin") + ":" + p, "get", "/registry", "--prefix", "--keys-only"}, p
	})
	SA("args-shell-c", 8, func() ([]string, string) {
		p := pw()
		return []string{g.pick("sh", "/bin/sh", "bash"), "-c", g.pick("curl -fsS -u admin:"+p+" https://"+g.host()+"/health", "mysql -uroot -p"+p+" -e 'select 1'", "docker login -u ci -p "+p+" registry.example.com")}, p
	})

	// ---- Public look-alikes: not secrets.
	N("k8s-ca-cert-hash", 10, func() (string, string) {
		return g.pick("DISCOVERY_TOKEN_CA_CERT_HASH", "KUBEADM_CA_HASH", "CA_CERT_HASH", "JOIN_DISCOVERY_HASH"), sha()
	})
	NA("args-kubeadm-public", 15, func() []string {
		switch g.r.IntN(5) {
		case 0:
			return []string{"kubeadm", "join", "--config", "/etc/kubernetes/kubeadm-join.yaml", "--v=" + fmt.Sprint(g.n(1, 5))}
		case 1:
			return []string{"kubeadm", "join", "k8s-api.internal:6443", "--discovery-file", "/etc/kubernetes/discovery.yaml", "--discovery-token-ca-cert-hash", sha()}
		case 2:
			return []string{"kubeadm", "token", g.pick("list", "create --print-join-command", "delete")}
		case 3:
			return []string{"kubeadm", "init", "--pod-network-cidr=10.244.0.0/16", "--token-ttl", g.pick("24h0m0s", "0", "2h")}
		default:
			return []string{"kubelet", "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf", "--kubeconfig=/etc/kubernetes/kubelet.conf", "--config=/var/lib/kubelet/config.yaml", "--container-runtime-endpoint=unix:///run/containerd/containerd.sock"}
		}
	})
	N("gpg-fingerprint", 16, func() (string, string) {
		return g.pick("GPG_FINGERPRINT", "GPG_KEY", "SIGNING_KEY", "GNUPG_KEY", "RELEASE_SIGNING_KEY", "APT_KEY", "GPG_KEY_ID", "REPO_KEY"), gpgFpr()
	})
	NA("args-gpg", 6, func() []string {
		return []string{"gpg", "--batch", "--keyserver", "hkps://keys.openpgp.org", g.pick("--recv-keys", "--recv-key"), strings.ReplaceAll(gpgFpr(), " ", "")}
	})
	N("publishable-key", 14, func() (string, string) {
		return g.pick("STRIPE_KEY", "STRIPE_PUBLIC_KEY", "NEXT_PUBLIC_STRIPE_KEY", "STRIPE_API_KEY", "VITE_STRIPE_KEY", "PAYMENT_KEY"), g.pick("pk_live_", "pk_test_") + g.str(g.n(24, 99), alnumChars)
	})
	N("object-path-key", 18, func() (string, string) {
		return g.pick("S3_KEY", "OBJECT_KEY", "BACKUP_KEY", "STATE_KEY", "TF_STATE_KEY", "ARTIFACT_KEY", "BLOB_KEY", "GCS_KEY", "UPLOAD_KEY"),
			g.pick("backups/"+fmt.Sprint(g.n(2020, 2026))+"/"+fmt.Sprint(g.n(1, 12))+"/db-"+g.str(8, digitChars)+".sql.gz",
				"env/"+g.pick("prod", "staging")+"/terraform.tfstate", "uploads/avatars/"+g.str(12, hexChars)+".png",
				"models/"+g.word()+"/v"+fmt.Sprint(g.n(1, 9))+"/weights.bin", "logs/app/2026-11-"+fmt.Sprint(g.n(10, 30))+"/part-0000"+fmt.Sprint(g.n(0, 9))+".json",
				g.word()+"/"+g.word()+"/"+g.word()+".tar.zst", "Reports/Q"+fmt.Sprint(g.n(1, 4))+"/Summary-"+fmt.Sprint(g.n(2020, 2026))+".pdf")
	})
	N("etcd-cluster-token", 8, func() (string, string) {
		return g.pick("ETCD_INITIAL_CLUSTER_TOKEN", "INITIAL_CLUSTER_TOKEN"), g.pick("etcd-cluster-"+fmt.Sprint(g.n(1, 9)), "k8s-etcd", g.word()+"-etcd-cluster", "etcd-"+g.word()+"-"+fmt.Sprint(g.n(1, 99)))
	})
	NA("args-etcd", 8, func() []string {
		return []string{"etcd", "--name", g.word(), "--initial-cluster-token", g.pick("etcd-cluster-1", "k8s-etcd", g.word()+"-cluster"), "--initial-cluster-state", "new",
			"--data-dir=/var/lib/etcd", "--listen-client-urls=https://127.0.0.1:2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--key-file=/etc/kubernetes/pki/etcd/server.key"}
	})
	N("placeholder", 20, func() (string, string) {
		return g.pick("DB_PASSWORD", "API_TOKEN", "SECRET_KEY", "CLIENT_SECRET", "REDIS_PASSWORD", "ADMIN_PASSWORD", "AUTH_TOKEN"), placeholder()
	})
	N("opts-public", 40, func() (string, string) {
		switch g.r.IntN(8) {
		case 0:
			return g.pick("JAVA_TOOL_OPTIONS", "JAVA_OPTS", "CATALINA_OPTS"), strings.Join(shuffle([]string{javaNoise(), javaNoise(), g.pick("-Dpassword.policy=strict",
				"-Djavax.net.ssl.keyStore=/etc/ssl/ks.jks", "-Djavax.net.ssl.keyStoreType=PKCS12", "-Dspring.datasource.username=app", "-Dspring.datasource.url=jdbc:postgresql://db:5432/app")}), " ")
		case 1:
			return g.pick("JAVA_OPTS", "SPRING_OPTS"), "-Dspring.datasource.password=" + g.pick("${DB_PASSWORD}", "$(DB_PASSWORD)", "${env.DB_PASS}") + " " + javaNoise()
		case 2:
			return g.pick("EXTRA_ARGS", "SERVER_ARGS", "DAEMON_ARGS"), g.pick("--password-file=/run/secrets/db-password", "--token-ttl=24h", "--secret-name=app-tls", "--api-key-header=X-Api-Key",
				"--tls-private-key-file=/etc/tls/tls.key", "--service-account-key-file=/etc/kubernetes/pki/sa.pub") + " " + g.pick("--port=8080", "--verbose", "--log-level=debug")
		case 3:
			return g.pick("CURL_OPTS", "CURL_ARGS"), g.pick("-sSL --retry 3", "-u "+g.word(), "--user "+g.word()+" --fail", "-k --connect-timeout 5", "-H 'Accept: application/json'")
		case 4:
			return g.pick("DOCKER_OPTS", "DOCKER_RUN_ARGS", "RUN_FLAGS"), g.pick("-u 1000:1000", "--user "+fmt.Sprint(g.n(1000, 2000))+":"+fmt.Sprint(g.n(1000, 2000)), "-u app:app", "--user nobody:nogroup") + " " + g.pick("--rm", "-it", "--network host")
		case 5:
			return g.pick("HELM_ARGS", "HELM_EXTRA_ARGS"), "--set " + g.pick("image.tag=1.2.3,replicaCount=3", "auth.existingSecret=db-creds", "auth.passwordLength=24", "auth.enabled=true,auth.usePasswordFiles=true") + " --namespace " + g.word()
		case 6:
			return g.pick("HELM_ARGS", "EXTRA_ARGS"), "--set auth.rootPassword=" + g.pick("$ROOT_PASSWORD", "${ROOT_PASSWORD}", "changeme", "<redacted>")
		default:
			return g.pick("MYSQL_OPTS", "PG_ARGS", "PSQL_OPTS"), g.pick("--host=db --port=3306", "-h db -p 5432 -U app", "--ssl-mode=REQUIRED --user=app")
		}
	})
	NA("args-public", 20, func() []string {
		switch g.r.IntN(8) {
		case 0:
			return []string{"mysql", "-u", "root", "-p", g.word() + "db"}
		case 1:
			return []string{"docker", "login", "-u", g.word(), "--password-stdin", "registry.example.com"}
		case 2:
			return []string{"docker", "run", "-u", "1000:1000", "-p", "8080:80", "nginx:1.27"}
		case 3:
			return []string{"ssh", "-p", fmt.Sprint(g.n(1000, 65000)), "-i", "/home/" + g.word() + "/.ssh/id_ed25519", g.word() + "@" + g.host()}
		case 4:
			return []string{"helm", "upgrade", "--install", g.word(), "bitnami/postgresql", "--set", "auth.existingSecret=pg-creds,image.tag=16.4"}
		case 5:
			return []string{"java", "-Dspring.profiles.active=prod", "-Dspring.datasource.password-file=/run/secrets/db", "-jar", "/srv/app.jar"}
		case 6:
			return []string{"env", "db-host=db.internal", "log-level=debug", "./server"}
		default:
			return []string{"curl", "-fsSL", "-u", g.word(), "https://" + g.host() + "/api"}
		}
	})
	N("doc-public", 30, func() (string, string) {
		switch g.r.IntN(7) {
		case 0: // kubeconfig with an exec plugin or a token file: no credential inside
			u := g.pick("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [\"eks\", \"get-token\", \"--cluster-name\", \"prod\"]\n",
				"    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n",
				"    client-certificate: /etc/kubernetes/pki/admin.crt\n    client-key: /etc/kubernetes/pki/admin.key\n")
			kc := kubeconfig(u)
			if g.r.IntN(2) == 0 {
				return g.pick("KUBECONFIG_B64", "KUBE_CONFIG_DATA"), b64([]byte(kc))
			}
			return g.pick("KUBECONFIG_CONTENT", "KUBE_CONFIG"), kc
		case 1:
			return g.pick("DOCKER_CONFIG_JSON", "DOCKER_AUTH_CONFIG"), g.pick(`{"credsStore":"desktop"}`, `{"credHelpers":{"`+g.word()+`.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}}`, `{"auths":{"ghcr.io":{}},"credsStore":"pass"}`)
		case 2:
			v := jwk(false)
			if g.r.IntN(2) == 0 {
				v = `{"keys":[` + v + `]}`
			}
			return g.pick("JWKS", "OIDC_JWKS", "JWT_PUBLIC_JWK", "SIGNING_JWKS"), v
		case 3:
			return g.pick("SSH_PUBLIC_KEY_B64", "AUTHORIZED_KEYS_B64", "HOST_KEY_PUB"), b64([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + g.str(43, b64Chars) + " " + g.word() + "@" + g.word() + "\n"))
		case 4:
			return g.pick("CA_BUNDLE_B64", "CA_CERT_DATA", "ROOT_CA"), b64([]byte("-----BEGIN CERTIFICATE-----\n" + b64(g.bytes(g.n(300, 600))) + "\n-----END CERTIFICATE-----\n"))
		case 5:
			return g.pick("APP_SETTINGS_JSON", "CONFIG_JSON"), `{"password_min_length":` + fmt.Sprint(g.n(8, 16)) + `,"token_url":"https://` + g.host() + `/token","secret_name":"` + g.word() + `-secret","log_level":"info"}`
		default:
			return g.pick("VALUES_YAML_B64", "APP_CONFIG_B64"), b64([]byte("replicaCount: " + fmt.Sprint(g.n(1, 5)) + "\nimage:\n  repository: " + g.word() + "\n  tag: \"1." + fmt.Sprint(g.n(0, 9)) + "\"\nauth:\n  existingSecret: " + g.word() + "-creds\n  passwordLength: 24\n"))
		}
	})
	N("k8s-public", 20, func() (string, string) {
		switch g.r.IntN(6) {
		case 0:
			return g.pick("BOOTSTRAP_TOKEN_ID", "TOKEN_ID"), g.str(6, lowerDigits)
		case 1:
			return g.pick("BOOTSTRAP_TOKEN_TTL", "TOKEN_TTL"), g.pick("24h0m0s", "2h", "0")
		case 2:
			return g.pick("KUBE_TOKEN_PATH", "SA_TOKEN_FILE", "VAULT_K8S_TOKEN_PATH"), "/var/run/secrets/kubernetes.io/serviceaccount/token"
		case 3:
			return g.pick("CLUSTER_NAME", "KUBE_CONTEXT", "NODE_NAME"), g.pick("prod-eu-1", "kind-kind", "admin@"+g.word(), "ip-10-0-"+fmt.Sprint(g.n(0, 255))+"-"+fmt.Sprint(g.n(0, 255))+".ec2.internal")
		case 4:
			return g.pick("SECRET_NAME", "TOKEN_SECRET_NAME", "PULL_SECRET_NAME"), g.pick("bootstrap-token-"+g.str(6, lowerDigits), "default-token-"+g.str(5, lowerDigits), "regcred")
		default:
			return g.pick("SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "DISCORD_CHANNEL_ID"), g.pick("#alerts", "C0"+g.str(9, upperChars+digitChars), "https://hooks.slack.com/", g.str(18, digitChars))
		}
	})
	return out
}

// shuffleTail shuffles a[from:to] with g and returns a.
func shuffleTail(a []string, from, to int, g gen) []string {
	s := a[from:to]
	g.r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return a
}
