#!/usr/bin/env bash
# Times a whole-node examples/audit against examples/inspect's whole-node
# table on a population of 2 000 extra processes in 300 container-like
# cgroups with namespaces of their own (bench/auditpop), counts system calls
# per process of each with `strace -c -f`, and checks that audit reads each
# /proc file of a process once.
#
#	bash bench/audit.sh [RUNS]   (default 5 runs each; needs root and strace)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
tmp=$(mktemp -d)
popin=""
cleanup() {
	[[ -n $popin ]] && exec {popin}>&- || true
	[[ -n ${poppid:-} ]] && wait "$poppid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/audit" ./examples/audit
go build -o "$tmp/inspect" ./examples/inspect
go build -o "$tmp/auditpop" ./bench/auditpop

mkfifo "$tmp/popin" "$tmp/popout"
"$tmp/auditpop" -c 300 -n 2000 <"$tmp/popin" >"$tmp/popout" &
poppid=$!
exec {popin}>"$tmp/popin"
read -r ready <"$tmp/popout"
[[ $ready == ready ]] || { echo "population did not start" >&2; exit 1; }

nprocs=$(ls /proc | grep -c '^[0-9]')
echo "population: $nprocs processes; audit sees $("$tmp/audit" -json 2>/dev/null | grep -c '"container_id": "[0-9a-f]' || true) containers"

median_ms() {
	local t=()
	for ((i = 0; i < runs; i++)); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}
audit=$(median_ms "$tmp/audit" -host)
auditjson=$(median_ms "$tmp/audit" -host -json)
inspect=$(median_ms "$tmp/inspect")
printf '%-26s %8s ms\n' "audit -host" "$audit" "audit -host -json" "$auditjson" "inspect (table)" "$inspect"
awk -v a="$audit" -v i="$inspect" 'BEGIN { printf "ratio audit / inspect = %.2f\n", a / i }'

calls() {
	local before after name=$1
	shift
	before=$(ls /proc | grep -c '^[0-9]')
	strace -c -f -o "$tmp/strace" "$@" >/dev/null 2>&1 || true
	after=$(ls /proc | grep -c '^[0-9]')
	awk -v b="$before" -v a="$after" -v name="$name" '$NF == "total" {
		n = (a + b) / 2
		printf "%-26s %7d syscalls, %.2f per process (%d..%d processes)\n", name, $4, $4 / n, b, a
	}' "$tmp/strace"
}
calls "audit -host" "$tmp/audit" -host
echo "audit syscalls by kind:"
awk '$NF != "total" && $4 ~ /^[0-9]+$/ { printf "  %-16s %7d\n", $NF, $4 }' "$tmp/strace" | sort -k2 -nr | head -8
calls "inspect (table)" "$tmp/inspect"

# Each /proc/PID/FILE opened or read as a link once: the reference process
# (pid 1, or audit itself where pid 1 is unreadable) is read twice, as the
# reference and as an audited process.
strace -f -e trace=openat,readlinkat -o "$tmp/files" "$tmp/audit" -host >/dev/null 2>&1 || true
self=$(awk -F'[ (]' 'NR == 1 { print $1 }' "$tmp/files")
awk -v self="$self" 'match($0, /"\/proc\/[0-9]+\/[^"]*"/) {
	p = substr($0, RSTART + 1, RLENGTH - 2)
	split(p, f, "/")
	if (f[3] == 1 || f[3] == self) next
	n[p]++
} END {
	twice = 0; max = 0
	for (p in n) { if (n[p] > 1) twice++; if (n[p] > max) max = n[p] }
	printf "per-process /proc files opened: %d distinct, at most %d times each, %d read more than once\n", length(n), max, twice
	if (twice) for (p in n) if (n[p] > 1 && shown++ < 5) printf "  %s x%d\n", p, n[p]
}' "$tmp/files"
