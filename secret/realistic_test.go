package secret

import "testing"

// TestClassifyRealistic: environments as CI runners, Kubernetes pods,
// desktops and shells have them. Values are made up.
func TestClassifyRealistic(t *testing.T) {
	tests := []struct {
		name, value string
		secret      bool
	}{
		{"GITHUB_ACTION", "__run_2", false},
		{"GITHUB_API_URL", "https://api.github.com", false},
		{"GITHUB_ENV", "/home/runner/work/_temp/_runner_file_commands/set_env_3f6c1e2a-9b7d-4c8e-a1f0-5d2b3c4e6f70", false},
		{"GITHUB_RUN_ID", "7012345678", false},
		{"GITHUB_SHA", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", false},
		{"ACTIONS_ID_TOKEN_REQUEST_URL", "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0", false},
		{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJuYW1laWQiOiJkZGRkIn0.c2lnbmF0dXJlLWJ5dGVzLXh4eHh4eHh4", true},
		{"ACTIONS_RUNTIME_TOKEN", "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJuYW1laWQiOiJkZGRkIn0.c2lnbmF0dXJlLWJ5dGVzLXh4eHh4eHh4", true},
		{"RUNNER_TEMP", "/home/runner/work/_temp", false},
		{"ImageOS", "ubuntu22", false},
		{"KUBERNETES_SERVICE_HOST", "10.96.0.1", false},
		{"KUBERNETES_PORT", "tcp://10.96.0.1:443", false},
		{"KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1", false},
		{"HOSTNAME", "3f2a1b9c8d7e", false},
		{"PYTHONHASHSEED", "0", false},
		{"npm_config_cache", "/home/u/.npm", false},
		{"npm_package_version", "1.4.2", false},
		{"GPG_TTY", "/dev/pts/0", false},
		{"SSH_CLIENT", "10.0.0.5 51234 22", false},
		{"SSH_CONNECTION", "10.0.0.5 51234 10.0.0.9 22", false},
		{"SESSION_MANAGER", "local/host:@/tmp/.ICE-unix/1234,unix/host:/tmp/.ICE-unix/1234", false},
		{"XAUTHORITY", "/run/user/1000/gdm/Xauthority", false},
		{"KRB5CCNAME", "FILE:/tmp/krb5cc_1000", false},
		{"GNOME_KEYRING_CONTROL", "/run/user/1000/keyring", false},
		{"GIT_AUTHOR_NAME", "Ada Lovelace", false},
		{"GIT_AUTHOR_EMAIL", "ada@example.com", false},
		{"AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7k2Lm9", true},
		{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/3f6c1e2a-9b7d-4c8e-a1f0-5d2b3c4e6f70", false},
		{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", false},
		{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app", false},
		{"CONSUL_HTTP_TOKEN", "3f6c1e2a-9b7d-4c8e-a1f0-5d2b3c4e6f70", true},
		{"TF_VAR_db_password", "Hu7xq2Lp!", true},
		{"TF_TOKEN_app_terraform_io", "Zq81LmX0aT4vB7.atlasv1.Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8wZq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1s", true},
		{"RECAPTCHA_SITE_KEY", "6LcZq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w", false},
		{"RECAPTCHA_SECRET_KEY", "6LcZq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w", true},
		{"NPM_CONFIG_USERCONFIG", "/home/u/.npmrc", false},
		{"PIP_INDEX_URL", "https://pypi.org/simple", false},
		{"PIP_INDEX_URL", "https://__token__:Zq81LmX0aT4vB7nC2kD9@pypi.example.com/simple", true},
		{"http_proxy", "http://proxyuser:Hu7xq2Lp@proxy.corp:3128", true},
		{"no_proxy", "localhost,127.0.0.1,.corp", false},
		{"DOCKER_HOST", "unix:///run/user/1000/docker.sock", false},
		{"MYSQL_ALLOW_EMPTY_PASSWORD", "yes", false},
		{"MYSQL_RANDOM_ROOT_PASSWORD", "1", false},
		{"POSTGRES_HOST_AUTH_METHOD", "trust", false},
		{"RAILS_MASTER_KEY", "0f5c1e2a9b7d4c8ea1f05d2b3c4e6f70", true},
		{"SECRET_KEY_BASE", "0f5c1e2a9b7d4c8ea1f05d2b3c4e6f700f5c1e2a9b7d4c8ea1f05d2b3c4e6f70", true},
		{"DJANGO_SETTINGS_MODULE", "app.settings.production", false},
		{"FLASK_SECRET_KEY", "q8Lm2Xv9TbN3kWz7Rj5Hd1Fs", true},
		{"SPRING_DATASOURCE_PASSWORD", "Hu7xq2Lp", true},
		{"SPRING_DATASOURCE_USERNAME", "app", false},
		{"GOOGLE_CLOUD_PROJECT", "my-project-123456", false},
		{"SENTRY_ENVIRONMENT", "production", false},
		{"OTEL_EXPORTER_OTLP_HEADERS", "api-key=Zq81LmX0aT4vB7nC2kD9eF5g", true},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com:4317", false},
		{"JWT_EXPIRES_IN", "7d", false},
		{"JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----", false},
		{"SSL_CERT", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----", false},
	}
	for _, tt := range tests {
		if got := Classify(tt.name, tt.value); (got != "") != tt.secret {
			t.Errorf("Classify(%q, %.40q) = %q, want secret=%v", tt.name, tt.value, got, tt.secret)
		}
	}
}
