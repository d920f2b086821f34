#!/usr/bin/env bash
# Recreates internal/fixtures/testdata/fd-kinds: a process holding one fd of
# every kind the fd package classifies (the "kinds" helper of fd's tests)
# and a process listening on TCP inside a network namespace of its own (the
# "netns" helper), captured with examples/capture. Run as root from the
# repository root: bash fd/testdata/capture-fixture.sh
set -euo pipefail
top=$(git rev-parse --show-toplevel)
name=fd-kinds
out="$top/internal/fixtures/testdata/$name"
work=$(mktemp -d)
dir=/tmp/procscope-fd-fixture # appears in the captured links
pids=()
cleanup() {
	exec 3>&- 4>&- 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work" "$dir"
}
trap cleanup EXIT
go build -o "$work/capture" "$top/examples/capture"
go test -c -o "$work/fd.test" "$top/fd"
rm -rf "$dir" && mkdir -p "$dir"

mkfifo "$work/in1" "$work/in2"
env -i PATH=/usr/bin:/bin FD_TEST_DIR=$dir "$work/fd.test" -proctest.helper=kinds <"$work/in1" >"$work/kinds.json" 2>/dev/null 251>&- &
pids+=($!)
exec 3>"$work/in1"
# unshare -n: a new network namespace, invisible to ss in the root one.
unshare -n env -i PATH=/usr/bin:/bin "$work/fd.test" -proctest.helper=netns <"$work/in2" >"$work/netns.json" 2>/dev/null 251>&- 3>&- &
pids+=($!)
exec 4>"$work/in2"
for _ in $(seq 100); do [ -s "$work/kinds.json" ] && [ -s "$work/netns.json" ] && break; sleep 0.1; done
kinds=${pids[0]}
netns=$(pgrep -P "${pids[1]}" || echo "${pids[1]}") # unshare execs, so usually the same pid

rm -rf "$out" && mkdir -p "$out"
note="fd kinds: pid $kinds holds every fd kind (fd numbers in kinds.json); pid $netns listens on TCP in its own network namespace (netns.json)"
"$work/capture" -o "$out" -note "$note" "$kinds" "$netns" >/dev/null
cp "$work/kinds.json" "$out/kinds.json"
cp "$work/netns.json" "$out/netns.json"
{
	echo "# $name"
	echo
	echo "Pid $kinds: the fd tests' \"kinds\" helper, holding a regular file opened O_APPEND"
	echo "(\"$dir/reg file\", also mmapped), a deleted file (also mmapped), a directory, both ends of a pipe,"
	echo "eventfd (count 3), epoll watching it, inotify watching the directory, timerfd (7 s"
	echo "interval), signalfd (SIGUSR2), pidfd (itself), memfd \"test mem\", /dev/null, a TCP"
	echo "listener with a connected pair over loopback, UDP, a unix socket \"$dir/unix sock\" and a"
	echo "bound netlink socket. kinds.json maps each kind to its fd number (and ports)."
	echo
	echo "Pid $netns: the \"netns\" helper started under unshare -n, listening on TCP 0.0.0.0 in"
	echo "its own network namespace (netns.json has fd and port); its net/ tables are that"
	echo "namespace's."
	echo
	echo "Captured $(date -u +%Y-%m-%d) on Linux $(uname -r) by fd/testdata/capture-fixture.sh"
	echo "(examples/capture -o DIR $kinds $netns)."
} >"$out/README.md"
echo "captured $kinds $netns into $out"
