package secret

import "testing"

// TestClassifyRealisticControlPlane: entries and command lines as a
// Kubernetes control-plane node and its CI have them, written by hand
// (not by the labelled set's generator). Values are made up.
func TestClassifyRealisticControlPlane(t *testing.T) {
	entries := []struct {
		name, value string
		secret      bool
	}{
		{"K3S_TOKEN", "K1071b2e4c9a8d3f6e5b4a3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0::server:8c1f2e3d4b5a69788c1f2e3d4b5a6978", true},
		{"K3S_URL", "https://10.0.0.10:6443", false},
		{"KUBERNETES_SERVICE_PORT_HTTPS", "443", false},
		{"ETCDCTL_API", "3", false},
		{"ETCDCTL_CACERT", "/etc/kubernetes/pki/etcd/ca.crt", false},
		{"ETCDCTL_KEY", "/etc/kubernetes/pki/etcd/healthcheck-client.key", false},
		{"ETCDCTL_USER", "root:Tq3#vL9pXz", true},
		{"ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-prod", false},
		{"ETCD_INITIAL_CLUSTER", "m1=https://10.0.0.11:2380,m2=https://10.0.0.12:2380", false},
		{"JAVA_TOOL_OPTIONS", "-XX:+UseContainerSupport -Dkeycloak.admin.password=Vx7!kq2Lm9 -Djava.net.preferIPv4Stack=true", true},
		{"JAVA_TOOL_OPTIONS", "-XX:+UseContainerSupport -javaagent:/otel/opentelemetry-javaagent.jar -Dotel.service.name=billing", false},
		{"KAFKA_OPTS", "-Djava.security.auth.login.config=/etc/kafka/jaas.conf", false},
		{"NODE_OPTIONS", "--max-old-space-size=2048 --enable-source-maps", false},
		{"ARGOCD_OPTS", "--grpc-web --auth-token eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhcmdvY2QiLCJzdWIiOiJhZG1pbiJ9.2xPq9VnLr7TbK3mWs8Yd4Fh6Jc1Ge5Az", true},
		{"HELM_ARGS", "--set grafana.adminPassword=Kp9!zrT4wq --version 58.2.1", true},
		{"HELM_ARGS", "--set grafana.admin.existingSecret=grafana-admin --version 58.2.1", false},
		{"RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vT3nM4k", true},
		{"TF_BACKEND_KEY", "platform/prod/eks.tfstate", false},
		{"DOCKER_CONFIG", "/home/runner/.docker", false},
		{"REGISTRY_HTTP_SECRET", "9c1f8e7d6b5a4c3e2f1a0b9c8d7e6f5a", true},
		{"GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D", false},
		{"SLACK_API_URL", "https://slack.com/api/chat.postMessage", false},
	}
	for _, tt := range entries {
		if got := Classify(tt.name, tt.value); (got != "") != tt.secret {
			t.Errorf("Classify(%q, %.60q) = %q, want secret=%v", tt.name, tt.value, got, tt.secret)
		}
	}
	commands := []struct {
		args   []string
		secret bool
	}{
		{[]string{"kubeadm", "join", "cp.internal:6443", "--token=q8r2zt.5k1m9x3v7c0b4n6p", "--discovery-token-ca-cert-hash", "sha256:0f3a9c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19"}, true},
		{[]string{"kubeadm", "join", "cp.internal:6443", "--discovery-token", "q8r2zt.5k1m9x3v7c0b4n6p", "--discovery-token-unsafe-skip-ca-verification"}, true},
		{[]string{"kubeadm", "init", "phase", "upload-certs", "--upload-certs"}, false},
		{[]string{"kube-apiserver", "--etcd-servers=https://127.0.0.1:2379", "--service-account-key-file=/etc/kubernetes/pki/sa.pub", "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key", "--token-auth-file=/etc/kubernetes/tokens.csv"}, false},
		{[]string{"kubectl", "--token", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpjaSJ9.Zx8k2mLq9Vr3Tb7nWs4Yd1Fh6Jc5Ge0Az", "get", "pods"}, true},
		{[]string{"kubectl", "create", "secret", "docker-registry", "regcred", "--docker-server=ghcr.io", "--docker-username=ci", "--docker-password=Wq8!vL3kz9"}, true},
		{[]string{"kubectl", "create", "secret", "generic", "db", "--from-literal=password=Wq8!vL3kz9"}, true},
		{[]string{"kubectl", "create", "secret", "generic", "db", "--from-file=password=/tmp/pw.txt"}, false},
		{[]string{"etcdctl", "--user=root:Wq8!vL3kz9", "member", "list"}, true},
		{[]string{"crictl", "pull", "--creds", "ci:Wq8!vL3kz9", "ghcr.io/acme/app:1.0"}, true},
		{[]string{"podman", "login", "-p", "Wq8!vL3kz9", "-u", "ci", "quay.io"}, true},
		{[]string{"podman", "run", "-p", "8080:8080", "-u", "1001:0", "quay.io/acme/app:1.0"}, false},
	}
	for _, tt := range commands {
		if got := ClassifyArgs(tt.args); (len(got) > 0) != tt.secret {
			t.Errorf("ClassifyArgs(%q) = %+v, want secret=%v", tt.args, got, tt.secret)
		}
	}
}
