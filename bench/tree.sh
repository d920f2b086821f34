#!/usr/bin/env bash
# Times examples/pstree side by side with `pstree -pA`, `ps -ef` and a naive
# procfs tree (bench/treenaive) on a population of 2 000 extra processes
# (bench/treepop: 200 multi-threaded, each with 9 single-threaded children),
# then counts system calls per process with `strace -c -f`.
#
#	bash bench/tree.sh [RUNS] [-ties]   (default 15 runs each; needs pstree, ps, strace)
#
# With -ties the single-threaded processes all share one name (see treepop).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
ties=${2:-}
tmp=$(mktemp -d)
popin=""
cleanup() {
	[[ -n $popin ]] && exec {popin}>&- || true
	[[ -n ${poppid:-} ]] && wait "$poppid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/pstree-go" ./examples/pstree
go build -o "$tmp/treenaive" ./bench/treenaive
go build -o "$tmp/treepop" ./bench/treepop

mkfifo "$tmp/popin" "$tmp/popout"
"$tmp/treepop" -n 200 -m 9 -threads 2 $ties <"$tmp/popin" >"$tmp/popout" &
poppid=$!
exec {popin}>"$tmp/popin"
read -r ready <"$tmp/popout"
[[ $ready == ready ]] || { echo "population did not start" >&2; exit 1; }

nprocs=$(ls /proc | grep -c '^[0-9]')
nthreads=$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)
echo "population: $nprocs processes, $nthreads threads (incl. leaders)"

# median wall time in ms of $runs runs of the command
median_ms() {
	local t=()
	for ((i = 0; i < runs; i++)); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

export COLUMNS=132
ours=$(median_ms "$tmp/pstree-go")
theirs=$(median_ms pstree -pA)
ps=$(median_ms ps -ef)
naive=$(median_ms "$tmp/treenaive")
printf '%-22s %8s ms\n' "examples/pstree" "$ours" "pstree -pA" "$theirs" "ps -ef" "$ps" "procfs naive tree" "$naive"
awk -v o="$ours" -v p="$theirs" -v s="$ps" -v n="$naive" 'BEGIN {
	printf "ratio examples/pstree / pstree -pA = %.3f (goal <= 0.2)\n", o / p
	printf "ratio examples/pstree / ps -ef     = %.3f\n", o / s
	printf "ratio examples/pstree / procfs     = %.3f\n", o / n
}'

# System calls per process, whole program (runtime start-up included). The
# process count is taken just before and just after each traced run; other
# users' processes coming and going show up as a spread between the two.
calls() {
	local before after
	before=$(ls /proc | grep -c '^[0-9]')
	strace -c -f -o "$tmp/strace" "$@" >/dev/null 2>&1
	after=$(ls /proc | grep -c '^[0-9]')
	awk -v b="$before" -v a="$after" -v name="$1" '$NF == "total" {
		n = (a + b) / 2
		printf "%-22s %7d syscalls, %.2f per process (%d..%d processes)\n", name, $4, $4 / n, b, a
	}' "$tmp/strace"
}
calls "$tmp/pstree-go"
echo "examples/pstree syscalls by kind:"
awk '$NF != "total" && $4 ~ /^[0-9]+$/ { printf "  %-16s %7d\n", $NF, $4 }' "$tmp/strace" | sort -k2 -nr | head -10
calls pstree -pA
