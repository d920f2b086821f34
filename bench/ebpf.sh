#!/usr/bin/env bash
# bench/ebpf.sh: syscallstat's eBPF backend (syscount -backend ebpf) side by
# side with libbpf-tools' syscount (/usr/sbin/syscount), in one run, on a
# loop of four system calls (getppid, getuid, getegid, close(-1) failing
# with EBADF) in one thread, four threads, and fifty forked children.
#
# Each figure is a slowdown: the loop's own time (measured inside the
# workload, so no tool's start-up is in it) over the untraced loop's in the
# same round. Columns:
#   ours-counts   syscount -backend ebpf -f -counts -- LOOP   (sys_exit only)
#   peer-counts   /usr/sbin/syscount, system-wide, while LOOP runs
#   ours-time     syscount -backend ebpf -f -- LOOP           (with time per call)
#   peer-L        /usr/sbin/syscount -L, system-wide, while LOOP runs
#   floor-1       an empty program on sys_exit while LOOP runs (the least
#                 any counts-only tool can cost; ours-counts and peer-counts
#                 both attach to that one hook)
#   floor-2       empty programs on sys_enter and sys_exit (the least any
#                 tool with time per call can cost)
# then the goals' ratios: ours-counts/peer-counts (goal <= 1) and
# ours-time/peer-L (goal <= 0.9).
#
# Bystanders: the untraced single-thread loop while a tracer counts another
# process (a sleep): ours -p (counts and time) against the peer's -p and -L -p
# (goal: ours <= 1.3 in counts mode, and no more than the peer's), beside
# the floor of the same hooks.
#
# Then start-up and teardown of the backend (Attach to teardown, median),
# and the mean run time of every program (kernel.bpf_stats_enabled=1 for the
# run; restored after) for ours and the peer on the single-thread loop.
#
# Needs root. Mounts tracefs at /sys/kernel/tracing if it is not mounted
# (the peer needs it) and unmounts it after.
#
# Usage: bench/ebpf.sh [ROUNDS]   (ROUNDS of four calls, default 1000000;
#        REPS=n rounds, default 3)
set -euo pipefail
ROUNDS=${1:-1000000}
REPS=${REPS:-3}
PEER=${PEER:-/usr/sbin/syscount}
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/ebpf.sh needs root" >&2; exit 1; }
[ -x "$PEER" ] || { echo "$PEER not installed (Debian: libbpf-tools)" >&2; exit 1; }
tmp=$(mktemp -d)
mounted=
stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled)
bg=()
cleanup() {
	for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
	echo "$stats_before" >/proc/sys/kernel/bpf_stats_enabled
	[ -n "$mounted" ] && umount /sys/kernel/tracing
	rm -rf "$tmp"
}
trap cleanup EXIT
if ! grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts; then
	mount -t tracefs nodev /sys/kernel/tracing
	mounted=1
fi
go build -o "$tmp/syscount" ./examples/syscount
go build -o "$tmp/bench" ./bench/ebpf
LOOP=("$tmp/bench" loop)

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {printf "%.4f", a[int((NR+1)/2)]}'; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

# ours MODE-ARGS... -- W : the loop's seconds under our syscount
ours() {
	local w=$1; shift
	"$tmp/syscount" -backend ebpf -f "$@" -o "$tmp/ours.out" -- "${LOOP[@]}" "$w" "$ROUNDS" 2>"$tmp/err" | tail -1
}

# peer ARGS... -- W : the loop's seconds while the peer counts (system-wide
# or -p as given); the peer is started first and the loop run once it says
# it is tracing.
peer() {
	local w=$1; shift
	"$PEER" "$@" >"$tmp/peer.out" 2>&1 &
	local p=$!
	for _ in $(seq 500); do
		grep -q "Tracing" "$tmp/peer.out" 2>/dev/null && break
		sleep 0.01
	done
	"${LOOP[@]}" "$w" "$ROUNDS" | tail -1
	kill -INT "$p"
	wait "$p" 2>/dev/null || true
}

# floor_run exit|both W : the loop's seconds while empty programs are on the
# raw syscall hooks
floor_run() {
	"$tmp/bench" floor "$1" >"$tmp/floor.out" &
	local p=$!
	until grep -q attached "$tmp/floor.out"; do sleep 0.01; done
	"${LOOP[@]}" "$2" "$ROUNDS" | tail -1
	kill -INT "$p"
	wait "$p"
}

# ours_p ARGS... -- the single loop's seconds while ours counts a sleeper
ours_p() {
	local target=$1; shift
	"$tmp/syscount" -backend ebpf "$@" -p "$target" -o /dev/null 2>"$tmp/err" &
	local p=$!
	sleep 0.3 # start-up is measured apart
	"${LOOP[@]}" single "$ROUNDS" | tail -1
	kill -INT "$p"
	wait "$p" 2>/dev/null || true
}

# Slowdowns are computed per round (the untraced loop run right before the
# traced ones), then the median over REPS rounds is taken: on a shared
# machine the load changes between rounds.
# slow U T: T / U
slow() { echo "scale=4; $2 / $1" | bc -l; }
med() { printf '%s\n' "$@" | median; }
r2() { printf '%.2f' "$1"; }

echo "bench/ebpf.sh: $ROUNDS rounds of 4 calls, median of $REPS rounds; $(uname -r), $(nproc) CPUs; peer $PEER"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %9s | %8s %8s | %11s %11s %11s %11s | %-22s %s\n' workload untraced floor-1 floor-2 \
	ours-counts peer-counts ours-time peer-L "counts ours/peer (<=1)" "time ours/peer-L (<=0.9)"
for w in single threads forks; do
	us=() f1=() f2=() oc=() pc=() ot=() pl=()
	for _ in $(seq "$REPS"); do
		u=$("${LOOP[@]}" "$w" "$ROUNDS" | tail -1)
		us+=("$u")
		f1+=("$(slow "$u" "$(floor_run exit "$w")")")
		f2+=("$(slow "$u" "$(floor_run both "$w")")")
		oc+=("$(slow "$u" "$(ours "$w" -counts)")")
		pc+=("$(slow "$u" "$(peer "$w")")")
		ot+=("$(slow "$u" "$(ours "$w")")")
		pl+=("$(slow "$u" "$(peer "$w" -L)")")
	done
	m_oc=$(med "${oc[@]}"); m_pc=$(med "${pc[@]}"); m_ot=$(med "${ot[@]}"); m_pl=$(med "${pl[@]}")
	printf '%-8s %8ss | %7sx %7sx | %10sx %10sx %10sx %10sx | %-22s %s\n' "$w" "$(med "${us[@]}")" \
		"$(r2 "$(med "${f1[@]}")")" "$(r2 "$(med "${f2[@]}")")" "$(r2 "$m_oc")" "$(r2 "$m_pc")" \
		"$(r2 "$m_ot")" "$(r2 "$m_pl")" "$(r2 "$(ratio "$m_oc" "$m_pc")")" "$(r2 "$(ratio "$m_ot" "$m_pl")")"
done

sleep 1000 &
sleeper=$!
bg+=("$sleeper")
boc=() bot=() bpc=() bpl=() bf1=() bf2=()
for _ in $(seq "$REPS"); do
	u=$("${LOOP[@]}" single "$ROUNDS" | tail -1)
	bf1+=("$(slow "$u" "$(floor_run exit single)")")
	bf2+=("$(slow "$u" "$(floor_run both single)")")
	boc+=("$(slow "$u" "$(ours_p "$sleeper" -counts)")")
	bot+=("$(slow "$u" "$(ours_p "$sleeper")")")
	bpc+=("$(slow "$u" "$(peer single -p "$sleeper")")")
	bpl+=("$(slow "$u" "$(peer single -L -p "$sleeper")")")
done
echo
echo "bystander (untraced single loop while the tool counts a sleeping process), slowdown:"
printf '  ours -counts -p %sx   peer -p %sx   ours -p (time) %sx   peer -L -p %sx\n' \
	"$(r2 "$(med "${boc[@]}")")" "$(r2 "$(med "${bpc[@]}")")" "$(r2 "$(med "${bot[@]}")")" "$(r2 "$(med "${bpl[@]}")")"
printf '  floor (empty programs): sys_exit %sx   sys_enter and sys_exit %sx\n' \
	"$(r2 "$(med "${bf1[@]}")")" "$(r2 "$(med "${bf2[@]}")")"

echo
echo "start-up and teardown (library Attach with Follow to a sleeping process; Cancel to Wait's return):"
printf '  with time:   '; "$tmp/bench" startup 11
printf '  counts only: '; "$tmp/bench" startup -counts 11

echo
echo "mean run time per program (kernel.bpf_stats_enabled=1), single loop:"
echo 1 >/proc/sys/kernel/bpf_stats_enabled
for mode in "ours -counts" "ours" "peer" "peer -L" "floor (empty)"; do
	"$tmp/bench" hold pscope_ sys_enter sys_exit floor_ >"$tmp/hold.out" &
	h=$!
	until grep -q holding "$tmp/hold.out"; do sleep 0.01; done
	case $mode in
	"ours -counts") ours single -counts >/dev/null ;;
	ours) ours single >/dev/null ;;
	peer) peer single >/dev/null ;;
	"peer -L") peer single -L >/dev/null ;;
	"floor (empty)") floor_run exit single >/dev/null ;;
	esac
	kill -INT "$h"
	wait "$h" || true
	echo " $mode:"
	grep -v holding "$tmp/hold.out" || true
done
echo "$stats_before" >/proc/sys/kernel/bpf_stats_enabled
