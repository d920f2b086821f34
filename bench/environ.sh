#!/usr/bin/env bash
# bench/environ.sh: the environ package's figures, side by side with
# prometheus/procfs where it has an equivalent.
#
#   Parse1MiB / ProcfsSplit1MiB     parsing a 1 048 595-byte, 1 025-entry block
#   Read1MiB  / ProcfsEnviron1MiB   reading and parsing it from a file
#                                   (procfs returns only 1 024 entries: 1 MiB cap)
#   Classify                        secret classification per entry (labelled set)
#   Scan2000                        whole-machine Scan with 2 000 extra sleep(1)
#                                   processes (started and killed by the benchmark)
#
# usage: bash bench/environ.sh [COUNT]   (default 5 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test ./environ -run '^$' -bench 'Parse1MiB|ProcfsSplit1MiB|Read1MiB|ProcfsEnviron1MiB|Classify' \
	-benchmem -count "$count" | tee "$out"
go test ./environ -run '^$' -bench 'Scan2000' -benchtime 10x -benchmem -count "$count" | tee -a "$out"
# Median ns/op of each benchmark, then the ratios.
awk '
/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name); v[name]=v[name] " " $3 }
END {
	for (n in v) {
		k = split(substr(v[n], 2), a, " ")
		for (i = 2; i <= k; i++) { x = a[i] + 0; j = i - 1; while (j > 0 && a[j] + 0 > x) { a[j+1] = a[j]; j-- } a[j+1] = x }
		med[n] = a[int((k+1)/2)]
		printf "%-32s median %12.0f ns/op\n", n, med[n]
	}
	if (med["BenchmarkParse1MiB"] > 0)
		printf "procfs split / Parse:     %.2fx\n", med["BenchmarkProcfsSplit1MiB"] / med["BenchmarkParse1MiB"]
	if (med["BenchmarkRead1MiB"] > 0)
		printf "procfs Environ / Read:    %.2fx\n", med["BenchmarkProcfsEnviron1MiB"] / med["BenchmarkRead1MiB"]
}' "$out"
