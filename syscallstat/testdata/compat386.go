// compat386 is built with GOARCH=386 by TestCompat: a 32-bit program whose
// calls the amd64 kernel runs through its i386 compat table.
package main

import "syscall"

func main() {
	for range 10 {
		syscall.Getppid()
	}
	syscall.Open("/nonexistent/compat386", syscall.O_RDONLY, 0)
}
