#!/usr/bin/env bash
# bench/lsfd.sh: lists one process with about 20 000 open fds (files, pipes
# and TCP sockets over loopback, a third each) side by side with
# `ls -l /proc/PID/fd`, `lsof -p PID` and `lsfd PID`, and prints the best and
# median wall time of each over RUNS runs plus the ratios.
#
# usage: bench/lsfd.sh [RUNS]   (default 10; env N sets the fd count)
# The helper process is the fd package's test binary (helper "many"); the
# script starts it and kills it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
N=${N:-19950} # RLIMIT_NOFILE is often 20000 and only root may raise it
tmp=$(mktemp -d)
helper_pid=
cleanup() {
	[ -n "$helper_pid" ] && kill "$helper_pid" 2>/dev/null || true
	exec 3>&- 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go test -c -o "$tmp/fd.test" ./fd
go build -o "$tmp/lsfd" ./examples/lsfd

mkfifo "$tmp/stdin"
FD_TEST_N=$N "$tmp/fd.test" -proctest.helper=many <"$tmp/stdin" >"$tmp/helper.out" &
helper_pid=$!
exec 3>"$tmp/stdin" # the helper exits when this closes
for _ in $(seq 100); do [ -s "$tmp/helper.out" ] && break; sleep 0.1; done
[ -s "$tmp/helper.out" ] || { echo "helper did not start" >&2; exit 1; }
nfds=$(ls /proc/$helper_pid/fd | wc -l)
echo "process $helper_pid: $nfds fds; $RUNS runs each; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"

# run_ms CMD...: "wall cpu" of one run in milliseconds (cpu = user + sys,
# which the other load on a shared machine disturbs less than wall time).
run_ms() {
	local TIMEFORMAT='%R %U %S' t
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}

declare -A BEST MED CPU
measure() {
	local name=$1
	shift
	local -a ws=() cs=()
	local w c
	for _ in $(seq "$RUNS"); do
		read -r w c < <(run_ms "$@")
		ws+=("$w")
		cs+=("$c")
	done
	mapfile -t ws < <(printf '%s\n' "${ws[@]}" | sort -n)
	mapfile -t cs < <(printf '%s\n' "${cs[@]}" | sort -n)
	BEST[$name]=${ws[0]}
	MED[$name]=${ws[$((RUNS / 2))]}
	CPU[$name]=${cs[$((RUNS / 2))]}
	printf '%-22s wall best %5d ms  median %5d ms   cpu median %5d ms\n' "$name" "${BEST[$name]}" "${MED[$name]}" "${CPU[$name]}"
}

# Interleave nothing: each tool runs RUNS times in a row after one warm-up
# (the first listing of a process instantiates its /proc fd dentries).
"$tmp/lsfd" "$helper_pid" >/dev/null
measure "ls -l /proc/PID/fd" ls -l "/proc/$helper_pid/fd"
if command -v lsof >/dev/null; then
	measure "lsof -p PID" lsof -p "$helper_pid"
fi
measure "lsfd PID" "$tmp/lsfd" "$helper_pid"
measure "lsfd -json PID" "$tmp/lsfd" -json "$helper_pid"

# Sanity: lsfd resolved the sockets.
socks=$("$tmp/lsfd" "$helper_pid" | grep -c ' TCP 127.0.0.1:' || true)
echo "lsfd resolved $socks TCP sockets"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }
if [ -n "${BEST[lsof -p PID]:-}" ]; then
	echo "lsof/lsfd:  wall best $(ratio "${BEST[lsof -p PID]}" "${BEST[lsfd PID]}")x  median $(ratio "${MED[lsof -p PID]}" "${MED[lsfd PID]}")x  cpu $(ratio "${CPU[lsof -p PID]}" "${CPU[lsfd PID]}")x"
fi
echo "ls -l/lsfd: wall best $(ratio "${BEST[ls -l /proc/PID/fd]}" "${BEST[lsfd PID]}")x  median $(ratio "${MED[ls -l /proc/PID/fd]}" "${MED[lsfd PID]}")x  cpu $(ratio "${CPU[ls -l /proc/PID/fd]}" "${CPU[lsfd PID]}")x"
