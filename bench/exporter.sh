#!/usr/bin/env bash
# Compares cmd/procscope-exporter with prometheus-process-exporter
# (ncabatoff/process-exporter, as Debian packages it) on the same population:
# 2 000 extra processes in 300 container-like cgroups with namespaces of
# their own (bench/auditpop), plus a few real runc containers when runc and
# busybox-static are installed. Each exporter runs alone, bound to
# 127.0.0.1, is scraped a few times to warm up, then SCRAPES times; the
# script reports the CPU time (user + system, from /proc/PID/stat) per
# scrape, the wall time per scrape, the resident memory after the scrapes
# (VmRSS) and its peak (VmHWM).
#
# process-exporter runs twice: with the packaged example configuration
# (every process, grouped by comm) and its defaults (-threads and
# -gather-smaps on), and with -threads=false -gather-smaps=false, its
# cheapest setting.
#
#	bash bench/exporter.sh [SCRAPES]   (default 20; needs root, curl, and
#	                                    /usr/bin/prometheus-process-exporter)
set -euo pipefail
cd "$(dirname "$0")/.."
scrapes=${1:-20}
pe=${PROCESS_EXPORTER:-/usr/bin/prometheus-process-exporter}
[[ -x $pe ]] || { echo "no $pe (Debian package prometheus-process-exporter)" >&2; exit 1; }
tmp=$(mktemp -d)
popin=""
ctrs=()
exporter=""
cleanup() {
	[[ -n $exporter ]] && kill "$exporter" 2>/dev/null && wait "$exporter" 2>/dev/null || true
	for c in "${ctrs[@]}"; do runc delete -f "$c" >/dev/null 2>&1 || true; done
	for d in "${cgdirs[@]:-}"; do [[ -n $d ]] && rmdir "$d" 2>/dev/null || true; done
	[[ -n $popin ]] && exec {popin}>&- || true
	[[ -n ${poppid:-} ]] && wait "$poppid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/procscope-exporter" ./cmd/procscope-exporter
go build -o "$tmp/auditpop" ./bench/auditpop

mkfifo "$tmp/popin" "$tmp/popout"
"$tmp/auditpop" -c 300 -n 2000 <"$tmp/popin" >"$tmp/popout" &
poppid=$!
exec {popin}>"$tmp/popin"
read -r ready <"$tmp/popout"
[[ $ready == ready ]] || { echo "population did not start" >&2; exit 1; }

# A few real runc containers (kubelet cgroupfs layout), busybox sleeping.
cgdirs=()
if command -v runc >/dev/null && [[ -x /bin/busybox ]] && command -v jq >/dev/null; then
	b=$tmp/bundle
	mkdir -p "$b/rootfs/bin"
	cp /bin/busybox "$b/rootfs/bin/"
	ln -s busybox "$b/rootfs/bin/sleep"
	(cd "$b" && runc spec)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
		pod=$(cat /proc/sys/kernel/random/uuid)
		jq --arg cg "/kubepods/besteffort/pod$pod/$id" \
			'.process.terminal = false | .process.args = ["/bin/sleep", "3600"] | .root.readonly = true | .linux.cgroupsPath = $cg' \
			"$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
		if (cd "$b" && runc run -d "bench-$id" </dev/null >/dev/null 2>&1); then
			ctrs+=("bench-$id")
			for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
				[[ -d $h/kubepods/besteffort/pod$pod ]] && cgdirs+=("$h/kubepods/besteffort/pod$pod")
			done
		fi
	done
fi
for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
	cgdirs+=("$h/kubepods/besteffort" "$h/kubepods")
done

nprocs=$(ls /proc | grep -c '^[0-9]')
nthreads=$( (cat /proc/[0-9]*/stat 2>/dev/null || true) | awk '{ n += $20 } END { print n }')
echo "population: $nprocs processes, $nthreads threads, ${#ctrs[@]} runc containers; $scrapes scrapes each after 3 to warm up"
hz=$(getconf CLK_TCK)

# measure NAME URL CMD...: starts CMD, scrapes URL, prints one line.
measure() {
	local name=$1 url=$2
	shift 2
	"$@" >"$tmp/log" 2>&1 &
	exporter=$!
	for ((i = 0; i < 100; i++)); do
		curl -sf -o /dev/null "$url" && break
		sleep 0.1
	done
	for ((i = 0; i < 2; i++)); do
		curl -sf -H 'X-Prometheus-Scrape-Timeout-Seconds: 60' -o /dev/null "$url"
	done
	local before after t0 t1
	before=$(awk '{ print $14 + $15 }' /proc/$exporter/stat)
	t0=$(date +%s%N)
	for ((i = 0; i < scrapes; i++)); do
		curl -sf -H 'X-Prometheus-Scrape-Timeout-Seconds: 60' -o "$tmp/body" "$url"
	done
	t1=$(date +%s%N)
	after=$(awk '{ print $14 + $15 }' /proc/$exporter/stat)
	local rss hwm series
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$exporter/status)
	hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$exporter/status)
	series=$(grep -vc '^#' "$tmp/body")
	kill "$exporter"
	wait "$exporter" 2>/dev/null || true
	exporter=""
	awk -v n="$name" -v c=$((after - before)) -v hz="$hz" -v s="$scrapes" -v w=$(((t1 - t0) / 1000)) -v r="$rss" -v h="$hwm" -v k="$series" 'BEGIN {
		printf "%-44s %8.1f ms CPU/scrape %8.1f ms wall/scrape %7.1f MiB RSS %7.1f MiB peak %6d series\n", n, c * 1000 / hz / s, w / 1000 / s, r / 1024, h / 1024, k
	}' | tee -a "$tmp/results"
}

port=$((20000 + RANDOM % 20000))
measure "procscope-exporter" "http://127.0.0.1:$port/metrics" \
	"$tmp/procscope-exporter" -listen "127.0.0.1:$port"
measure "procscope-exporter -host" "http://127.0.0.1:$((port + 1))/metrics" \
	"$tmp/procscope-exporter" -host -listen "127.0.0.1:$((port + 1))"
cfg=/usr/share/doc/prometheus-process-exporter/examples/all.yaml
if [[ ! -r $cfg ]]; then
	printf 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n    - ".+"\n' >"$tmp/all.yaml"
	cfg=$tmp/all.yaml
fi
measure "process-exporter (all.yaml, defaults)" "http://127.0.0.1:$((port + 2))/metrics" \
	"$pe" -config.path "$cfg" -web.listen-address "127.0.0.1:$((port + 2))"
measure "process-exporter -threads=false -gather-smaps=false" "http://127.0.0.1:$((port + 3))/metrics" \
	"$pe" -config.path "$cfg" -threads=false -gather-smaps=false -web.listen-address "127.0.0.1:$((port + 3))"
awk '{ cpu[NR] = $(NF - 13) } END {
	printf "CPU per scrape, procscope-exporter / process-exporter: %.2f (defaults), %.2f (-threads=false -gather-smaps=false); goal <= 0.50\n", cpu[1] / cpu[3], cpu[1] / cpu[4]
}' "$tmp/results"
