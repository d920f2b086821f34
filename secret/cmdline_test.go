package secret

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClassifyArgs(t *testing.T) {
	tok := "ghp_" + "Zq81LmX0aT4vB7nC2kD9eF5gH3jK6pR1sU8w"
	tests := []struct {
		name string
		args []string
		want []Arg
	}{
		{"flag=value", []string{"app", "--db-password=Xk3!mq9Lz"}, []Arg{{1, "--db-password", ReasonPassword}}},
		{"flag value", []string{"app", "--password", "Xk3!mq9Lz", "--port", "80"}, []Arg{{2, "--password", ReasonPassword}}},
		{"token flag", []string{"app", "-token", "a8F3kLm92QzX7vB1nC4d"}, []Arg{{2, "-token", ReasonToken}}},
		{"mysql -pSECRET", []string{"/usr/bin/mysql", "-uroot", "-pS3cretPw", "db"}, []Arg{{2, "-p", ReasonPassword}}},
		// mysql(1): "-p NAME" prompts for the password; NAME is the database.
		{"mysql -p DB", []string{"mysql", "-u", "root", "-p", "appdb"}, nil},
		{"mongo -p SECRET", []string{"mongosh", "-u", "root", "-p", "S3cretPw"}, []Arg{{4, "-p", ReasonPassword}}},
		{"redis-cli -a", []string{"redis-cli", "-a", "Zx8qP2mL5v", "ping"}, []Arg{{2, "-a", ReasonPassword}}},
		{"ssh -p port", []string{"ssh", "-p", "2222", "host"}, nil},
		{"mkdir -p", []string{"mkdir", "-p", "/tmp/x"}, nil},
		{"url", []string{"psql", "postgres://app:Hu7!xq2@db.internal/app"}, []Arg{{1, "", ReasonURLPassword}}},
		{"env assignment", []string{"env", "PGPASSWORD=Zx8qP2mL5v", "psql"}, []Arg{{1, "PGPASSWORD", ReasonPassword}}},
		{"docker -e", []string{"docker", "run", "-e", "API_TOKEN=" + tok, "img"}, []Arg{{3, "API_TOKEN", "github-token"}}},
		{"bare token", []string{"gh", "auth", tok}, []Arg{{2, "", "github-token"}}},
		{"curl -u", []string{"curl", "-u", "bob:Pw9xQ2", "https://x"}, []Arg{{2, "-u", ReasonBasicAuth}}},
		{"curl -uUSER:PASSWORD", []string{"curl", "-ubob:Pw9xQ2", "https://x"}, []Arg{{1, "-u", ReasonBasicAuth}}},
		{"curl header", []string{"curl", "-H", "Authorization: Bearer a8F3kLm92QzX7vB1nC4dE6", "https://x"}, []Arg{{2, "", ReasonBearerToken}}},
		{"look-alikes", []string{"app", "--password-file=/run/secrets/pw", "--token-url", "https://x/token", "--secret-name=my-secret", "--password-min-length=12"}, nil},
		{"no args", []string{}, nil},
		{"docker login -p", []string{"docker", "login", "-u", "ci", "-p", "Hu7xq2Lp", "ghcr.io"}, []Arg{{5, "-p", ReasonPassword}}},
		{"docker run -p", []string{"docker", "run", "-p", "8080:80", "nginx"}, nil},
		{"env dashed", []string{"env", "db-password=Hu7xq2Lp", "./app"}, []Arg{{1, "db-password", ReasonPassword}}},
		{"java -D", []string{"java", "-Dspring.datasource.password=Hu7xq2Lp", "-jar", "app.jar"}, []Arg{{1, "-Dspring.datasource.password", ReasonPassword}}},
		{"helm --set", []string{"helm", "install", "db", "bitnami/postgresql", "--set", "image.tag=16,auth.postgresPassword=Hu7xq2Lp"}, []Arg{{5, "image.tag", ReasonPassword}}},
		{"kubeadm join", []string{"kubeadm", "join", "10.0.0.1:6443", "--token", "k7q2zx.9f3m1p0w8r4t6y2u", "--discovery-token-ca-cert-hash", "sha256:" + strings.Repeat("9f86d081884c7d65", 4)}, []Arg{{4, "--token", "kubernetes-bootstrap-token"}}},
		{"etcd", []string{"etcd", "--initial-cluster-token", "etcd-cluster-1", "--initial-cluster-state", "new"}, nil},
		{"etcdctl --user", []string{"etcdctl", "--user", "root:pw", "get", "/"}, []Arg{{2, "--user", ReasonBasicAuth}}},
		{"sh -c", []string{"sh", "-c", "curl -u admin:Hu7xq2Lp https://x"}, []Arg{{2, "", ReasonBasicAuth}}},
		// An attached value holding '=' (a base64 password) is still the
		// switch's value, not NAME=VALUE.
		{"mysql -pBASE64==", []string{"mysql", "-uroot", "-pdGhpc2lzYXNlY3JldA==", "db"}, []Arg{{2, "-p", ReasonPassword}}},
		{"redis-cli -aX=Y", []string{"redis-cli", "-aZx8q=P2mL5v", "ping"}, []Arg{{1, "-a", ReasonPassword}}},
		{"sshpass -pX=Y", []string{"sshpass", "-pHu7=xq2Lp", "ssh", "host"}, []Arg{{1, "-p", ReasonPassword}}},
		{"curl -uUSER:PA=SS", []string{"curl", "-ubob:Pw9x=Q2", "https://x"}, []Arg{{1, "-u", ReasonBasicAuth}}},
		{"curl -url=", []string{"curl", "-url=http://host:8080/"}, nil},
		{"ldapsearch -w", []string{"ldapsearch", "-x", "-D", "cn=admin,dc=x", "-w", "Hu7xq2LpZ9", "-b", "dc=x"}, []Arg{{5, "-w", ReasonPassword}}},
		{"ldapsearch -W prompts", []string{"ldapsearch", "-x", "-W", "-b", "dc=x"}, nil},
		{"openssl pass:", []string{"openssl", "pkcs12", "-in", "a.p12", "-passin", "pass:Hu7xq2LpZ9"}, []Arg{{5, "", ReasonPassword}}},
		{"openssl env: file:", []string{"openssl", "pkcs12", "-passin", "env:P12_PASS", "-passout", "file:/run/pw"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClassifyArgs(tt.args)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ClassifyArgs(%q) mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestRedactArgs(t *testing.T) {
	in := []string{"mysql", "-pS3cretPw", "--password=Xk3!mq9Lz", "--token", "a8F3kLm92QzX7vB1nC4d", "postgres://a:Hu7!xq2@h/d", "plain",
		"-Dspring.datasource.password=Hu7xq2Lp", "db-password=Hu7xq2Lp", "--set", "auth.rootPassword=Hu7xq2Lp", "-ubob:Pw9xQ2", "-ubob:Pw9x=Q2", "-pdGhpc2lzYXNlY3JldA=="}
	want := []string{"mysql", "-p<redacted:password>", "--password=<redacted:password>", "--token", "<redacted:token>", "<redacted:url-password>", "plain",
		"-Dspring.datasource.password=<redacted:password>", "db-password=<redacted:password>", "--set", "auth.rootPassword=<redacted:password>", "-u<redacted:basic-auth>", "-u<redacted:basic-auth>", "-p<redacted:password>"}
	if diff := cmp.Diff(want, RedactArgs(in)); diff != "" {
		t.Errorf("RedactArgs mismatch (-want +got):\n%s", diff)
	}
	if in[1] != "-pS3cretPw" {
		t.Error("RedactArgs modified its input")
	}
}
