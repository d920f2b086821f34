package secret

import (
	"strings"
	"testing"
)

// TestClassify covers each rule and the look-alikes the issue lists. The
// token values are made up (a fixed pattern after the issuer's prefix).
func TestClassify(t *testing.T) {
	r36 := "Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w"
	tests := []struct {
		name, value string
		want        Reason
	}{
		// Value shapes, whatever the name.
		{"X", "AKIA" + "Q7R2M4T6W3Y5Z7B2", ReasonAWSAccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", "q8Lm2Xv/9TbN3k+Wz7Rj5Hd1Fs6Gp4Ya0Ce2Ui3O", ReasonAWSSecretAccessKey},
		{"X", "ghp_" + r36, "github-token"},
		{"X", "glpat-" + "Xy7Qm2Lp9Rt4Vw1Zs8Kb", "gitlab-token"},
		{"X", "xoxb-" + "112233445566-778899001122-" + "Zq81LmX0aT4vB7nC2kD9eF5g", "slack-token"},
		{"X", "sk_live_" + "Zq81LmX0aT4vB7nC2kD9eF5g", "stripe-secret-key"},
		{"X", "AIza" + "Sy" + "Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1s", "google-api-key"},
		{"X", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4eXoiLCJpYXQiOjE3MDAwMDAwMDB9.Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w", ReasonJWT},
		{"X", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", ReasonPEMPrivateKey},
		{"X", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\n", ReasonPEMPrivateKey},
		{"X", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----", ""},
		{"DATABASE_URL", "postgres://app:Hu7xq2Lp@db.internal:5432/app", ReasonURLPassword},
		{"REDIS_URL", "redis://:Hu7xq2Lp@cache:6379/0", ReasonURLPassword},
		{"GIT_URL", "https://" + "x-access-token:" + "Zq81LmX0aT4vB7nC@github.com/o/r.git", ReasonURLPassword},
		{"CONN", "Server=db;Database=app;User Id=sa;Password=Hu7xq2Lp;", ReasonConnectionString},
		{"CONN", "host=db user=app password=Hu7xq2Lp dbname=app", ReasonConnectionString},
		{"HDR", "Bearer Zq81LmX0aT4vB7nC2kD9eF5g", ReasonBearerToken},
		// Names.
		{"DB_PASSWORD", "hunter22", ReasonPassword},
		{"PGPASSWORD", "x7", ""},
		{"MYSQL_ROOT_PASSWORD", "correct-horse-battery-staple", ReasonPassword},
		{"dbPassword", "S3cret!", ReasonPassword},
		{"JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", ReasonSecret},
		{"SECRET_KEY_BASE", strings.Repeat("a1b2c3d4", 8), ReasonSecret},
		{"API_TOKEN", "Zq81LmX0aT4vB7nC2kD9", ReasonToken},
		{"HEROKU_API_KEY", "3f6c1e2a-9b7d-4c8e-a1f0-5d2b3c4e6f70", ReasonAPIKey},
		{"ENCRYPTION_KEY", "c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3ODkwYWJjZGVm", ReasonHighEntropy},
		// Look-alikes from the issue.
		{"PASSWORD_MIN_LENGTH", "12", ""},
		{"TOKEN_URL", "https://auth.example.com/oauth/token", ""},
		{"SECRET_NAME", "my-secret", ""},
		{"KEY_FILE", "/etc/ssl/x.pem", ""},
		{"GIT_COMMIT", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", ""},
		{"REQUEST_ID", "3f6c1e2a-9b7d-4c8e-a1f0-5d2b3c4e6f70", ""},
		{"DB_HOST", "db.internal.example.com", ""},
		{"APP_CONFIG", "eyJsb2dMZXZlbCI6ImluZm8iLCJyZXBsaWNhcyI6M30=", ""},
		// More look-alikes.
		{"PWD", "/home/u", ""},
		{"SSH_AUTH_SOCK", "/tmp/ssh-XXXX/agent.12", ""},
		{"GIT_ASKPASS", "/usr/bin/ksshaskpass", ""},
		{"TOKENIZERS_PARALLELISM", "false", ""},
		{"AUTH_TYPE", "oauth2", ""},
		{"API_KEY", "${API_KEY}", ""},
		{"DB_PASSWORD", "", ""},
		{"SECRET", "********", ""},
		{"STRIPE_PUBLISHABLE_KEY", "pk_live_Zq81LmX0aT4vB7nC2kD9eF5g", ""},
		{"DATABASE_URL", "postgres://app@db:5432/app", ""},
		{"JAVA_OPTS", "-Xmx512m -Dpassword.policy=strict", ""},
		{"GOOGLE_APPLICATION_CREDENTIALS", "/var/run/secrets/sa.json", ""},
		{"AWS_REGION", "us-east-1", ""},
		{"LS_COLORS", "rs=0:di=01;34:ln=01;36", ""},
		{"TOKEN_EXPIRY", "3600", ""},
		{"SESSION_TIMEOUT", "30m", ""},
		{"KEYCLOAK_REALM", "master", ""},
		{"X", "sk_live_aaaaaaaaaaaaaaaaaaaaaaaa", ""}, // placeholder body
		{"N\xff", "\xfe\x80", ""},
		// Issue 11: names inside option strings.
		{"JAVA_TOOL_OPTIONS", "-Xmx512m -Dspring.datasource.password=Hu7xq2Lp -Dfile.encoding=UTF-8", ReasonPassword},
		{"JAVA_TOOL_OPTIONS", "-Xmx512m -Dspring.datasource.password=${DB_PASSWORD}", ""},
		{"JAVA_OPTS", "-Djavax.net.ssl.keyStore=/etc/ssl/ks.jks -Dspring.datasource.username=app", ""},
		{"CURL_OPTS", "-sSL -u deploy:Hu7xq2Lp!", ReasonBasicAuth},
		{"CURL_OPTS", "-uadmin:correct-horse-battery-staple", ReasonBasicAuth},
		{"DOCKER_OPTS", "-u 1000:1000 --rm", ""},
		{"DOCKER_OPTS", "--user app:staff --rm", ""},
		{"EXTRA_ARGS", "--port=8080 --db-password=Hu7xq2Lp", ReasonPassword},
		{"EXTRA_ARGS", "--verbose --api-token Zq81LmX0aT4vB7nC2kD9eF5g", ReasonToken},
		{"EXTRA_ARGS", "--password-file=/run/secrets/pw --token-ttl=24h", ""},
		{"HELM_ARGS", "--set auth.rootPassword=Hu7xq2Lp --namespace db", ReasonPassword},
		{"HELM_ARGS", "--set=image.tag=1.2,auth.password=Hu7xq2Lp", ReasonPassword},
		{"HELM_ARGS", "--set auth.existingSecret=db-creds,image.tag=16", ""},
		{"CMD", "docker login -u ci -p Hu7xq2Lp registry.example.com", ReasonPassword},
		{"ETCDCTL_USER", "root:Hu7xq2Lp", ReasonBasicAuth},
		{"RUN_AS_USER", "app:app", ""},
		// Issue 11: documents and base64.
		{"KUBECONFIG_CONTENT", "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB\n", ReasonHighEntropy},
		{"KUBECONFIG_CONTENT", "users:\n- name: admin\n  user:\n    tokenFile: /var/run/secrets/token\n", ""},
		{"KUBE_CONFIG_DATA", "dXNlcnM6Ci0gbmFtZTogYWRtaW4KICB1c2VyOgogICAgcGFzc3dvcmQ6IEh1N3hxMkxwIQo=", ReasonPassword}, // users: ... password: Hu7xq2Lp!
		{"DOCKER_CONFIG_JSON", "eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZMms2U0hVM2VIRXlUSEFoIn19fQ==", "json-secret-field"},
		{"DOCKER_CONFIG_JSON", `{"credsStore":"desktop"}`, ""},
		{"SSH_KEY_B64", "LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0KYjNCbGJuTnphQzFyWlhrdGRqRUFBQUFBCi0tLS0tRU5EIE9QRU5TU0ggUFJJVkFURSBLRVktLS0tLQo=", ReasonPEMPrivateKey},
		{"JWKS", `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`, "jwk-private-key"},
		{"JWKS", `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`, ""},
		// Issue 11: Kubernetes and look-alikes.
		{"KUBEADM_TOKEN", "k7q2zx.9f3m1p0w8r4t6y2u", "kubernetes-bootstrap-token"},
		{"X", "join with k7q2zx.9f3m1p0w8r4t6y2u now", "kubernetes-bootstrap-token"},
		{"HOST", "static.cloudflareinsight.com", ""},
		{"DISCOVERY_TOKEN_CA_CERT_HASH", "sha256:" + strings.Repeat("9f86d081884c7d65", 4), ""},
		{"SIGNING_KEY", "9553CA02D086B35CCE0B7E9383E4AB4B7885E282", ""},
		{"GPG_SIGNING_KEY", "9553 CA02 D086 B35C CE0B 7E93 83E4 AB4B 7885 E282", ""},
		{"STRIPE_API_KEY", "pk_live_Zq81LmX0aT4vB7nC2kD9eF5g", ""},
		{"S3_KEY", "backups/2026/11/db-20261130.sql.gz", ""},
		{"S3_SECRET_KEY", "q8Lm2Xv/9TbN3k+Wz7Rj5Hd1Fs6Gp4Ya0Ce2Ui3O", ReasonAWSSecretAccessKey},
		{"ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1", ""},
		{"ADMIN_PASSWORD", "[REDACTED]", ""},
		{"ADMIN_PASSWORD", "REPLACE_ME", ""},
		{"NOTIFY", "https://discord.com/api/webhooks/608886889719126611/VFMJwwN0K8mkPxGXUtafQzXjZM2h", "discord-webhook"},
	}
	for _, tt := range tests {
		if got := Classify(tt.name, tt.value); got != tt.want {
			t.Errorf("Classify(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}
