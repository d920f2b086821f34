package secret_test

import (
	"fmt"

	"github.com/procscope/procscope/secret"
)

func ExampleClassify() {
	for _, kv := range [][2]string{
		{"DB_PASSWORD", "hunter22"},
		{"PASSWORD_MIN_LENGTH", "12"},
		{"DATABASE_URL", "postgres://app:s3cr3t@db/app"},
		{"TOKEN_URL", "https://auth.example.com/token"},
		{"X", "AKIA" + "Q7R2M4T6W3Y5Z7B2"},
	} {
		fmt.Printf("%s: %q\n", kv[0], secret.Classify(kv[0], kv[1]))
	}
	// Output:
	// DB_PASSWORD: "password"
	// PASSWORD_MIN_LENGTH: ""
	// DATABASE_URL: "url-password"
	// TOKEN_URL: ""
	// X: "aws-access-key-id"
}

func ExampleRedactArgs() {
	fmt.Println(secret.RedactArgs([]string{"mysql", "-uroot", "-phunter22", "--host=db"}))
	// Output:
	// [mysql -uroot -p<redacted:password> --host=db]
}

func ExampleClassifyValue() {
	for _, v := range []string{
		"-Xmx512m -Dspring.datasource.password=hunter22",
		"k7q2zx.9f3m1p0w8r4t6y2u",
		"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"/etc/kubernetes/admin.conf",
	} {
		fmt.Printf("%q\n", secret.ClassifyValue(v))
	}
	// Output:
	// "password"
	// "kubernetes-bootstrap-token"
	// ""
	// ""
}
