#!/usr/bin/env bash
# bench/syscount.sh: slowdown of strace -c -f and syscount -f on three
# workloads of TOTAL getppid calls (default 1000000): one thread, four
# threads, fifty forked children; unpinned and pinned to CPU 0 (taskset -c 0).
#
# syscount runs with -backend ptrace throughout: its default (auto) takes
# eBPF where it can, which bench/ebpf.sh measures.
#
# Columns (seconds, then slowdown = time / untraced time):
#   untraced        the workload alone
#   strace          strace -c -f
#   sc-slow         syscount -f -seccomp-bpf=false   (PTRACE_SYSCALL, 2 stops per call)
#   sc-fast         syscount -f                      (seccomp-bpf, errors and times: 2 stops)
#   sc-counts       syscount -f -counts              (seccomp-bpf, counts only: 1 stop)
#   strace-bpf-e    strace -c -f --seccomp-bpf -e trace=getppid,exit_group
#   sc-fast-e       syscount -f -e trace=getppid,exit_group
# and the ratios sc-slow/strace (goal <= 1), sc-counts/strace (goal <= 0.5),
# sc-fast-e/strace-bpf-e (goal <= 1), each as slowdown over slowdown.
#
# Usage: bench/syscount.sh [TOTAL]   (REPS=n takes the median of n runs)
set -euo pipefail
TOTAL=${1:-1000000}
REPS=${REPS:-1}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/syscount" ./examples/syscount
go build -o "$tmp/workload" ./bench/syscount
command -v strace >/dev/null || { echo "strace not installed" >&2; exit 1; }

# run CMD... -> seconds (median of REPS). A run that fails (a tracer that
# could not start, a workload that broke) ends the script: its time would be
# a bogus, flattering slowdown.
run() {
	local times=()
	for _ in $(seq "$REPS"); do
		local s e
		s=$(date +%s.%N)
		if ! "$@" >/dev/null 2>"$tmp/err"; then
			echo "failed: $*" >&2
			cat "$tmp/err" >&2
			exit 1
		fi
		e=$(date +%s.%N)
		times+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

ratio() { echo "scale=3; $1 / $2" | bc -l; }

printf '%-8s %-5s %9s %9s %9s %9s %9s %9s %9s | %s\n' workload pin untraced strace sc-slow sc-fast sc-counts \
	strace-bpf-e sc-fast-e "slowdowns (x untraced) and ratios"
for pin in none cpu0; do
	pre=()
	[ "$pin" = cpu0 ] && pre=(taskset -c 0)
	for w in single threads forks; do
		W=("$tmp/workload" "$w" "$TOTAL")
		u=$(run "${pre[@]}" "${W[@]}")
		st=$(run "${pre[@]}" strace -c -f -o /dev/null "${W[@]}")
		ss=$(run "${pre[@]}" "$tmp/syscount" -backend ptrace -f -seccomp-bpf=false -o /dev/null -- "${W[@]}")
		sf=$(run "${pre[@]}" "$tmp/syscount" -backend ptrace -f -o /dev/null -- "${W[@]}")
		sc=$(run "${pre[@]}" "$tmp/syscount" -backend ptrace -f -counts -o /dev/null -- "${W[@]}")
		sbe=$(run "${pre[@]}" strace -c -f --seccomp-bpf -e trace=getppid,exit_group -o /dev/null "${W[@]}")
		sfe=$(run "${pre[@]}" "$tmp/syscount" -backend ptrace -f -e trace=getppid,exit_group -o /dev/null -- "${W[@]}")
		d() { ratio "$1" "$u"; }
		printf '%-8s %-5s %9s %9s %9s %9s %9s %9s %9s | strace %sx sc-slow %sx sc-fast %sx sc-counts %sx strace-bpf-e %sx sc-fast-e %sx | sc-slow/strace %s sc-counts/strace %s sc-fast-e/strace-bpf-e %s\n' \
			"$w" "$pin" "$u" "$st" "$ss" "$sf" "$sc" "$sbe" "$sfe" \
			"$(d "$st")" "$(d "$ss")" "$(d "$sf")" "$(d "$sc")" "$(d "$sbe")" "$(d "$sfe")" \
			"$(ratio "$(d "$ss")" "$(d "$st")")" "$(ratio "$(d "$sc")" "$(d "$st")")" "$(ratio "$(d "$sfe")" "$(d "$sbe")")"
	done
done
