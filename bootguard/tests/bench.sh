#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `vigil-bootguard start` adds before the sensor loads, on the host,
# against a folder standing in for the root file system: the shipped
# channels installed (build/channels/*.vch) and already last-known-good, a
# blessed previous boot (the common case).  Each round is a new boot (new
# boot_id): start --no-load is timed, then bless (untimed) gives the try
# back.  Reported, as median/min/p90 over ROUNDS rounds:
#
#   work    in-process time from main() to "ready to load" (the charge
#           persisted), VIGIL_BOOTGUARD_TIMING, with the root on tmpfs: the
#           bootguard's own cost, without the disk's flush latency
#   durable the same with the root on the build folder's file system: what a
#           boot pays, including the two fsync()s of the charge
#   floor   one durable replace (write, fsync, rename, fsync folder) of a
#           state-sized file on that file system: the flush latency alone
#   process the whole process (fork, exec, dynamic linking, exit), durable
#   true    /bin/true the same way: the cost of any process
#
# Usage: bootguard/tests/bench.sh [ROUNDS]     (default 41)
#        bootguard/tests/bench.sh --installed [ROUNDS]
#
# --installed measures an installed vigil (make install), e.g. inside the
# systemd guest (scripts/bench): /usr/sbin/vigil-bootguard, the channels
# of /etc/vigil/channels, the durable root under /var/tmp; floor is left
# out where python3 is missing.
set -eu

if [ "${1:-}" = --installed ]; then
	shift
	BG=/usr/sbin/vigil-bootguard
	chans=/etc/vigil/channels
	disk=/var/tmp/vigil-bootguard-bench
else
	cd "$(dirname "$0")/../.."
	BG=build/vigil-bootguard
	chans=build/channels
	disk=build/bench/bootguard-root
	make -s "$BG" channels
fi
rounds=${1:-41}

setup() {		# ROOT
	local r=$1 i n
	rm -rf "$r"
	mkdir -p "$r/proc/sys/kernel/random" "$r/etc/vigil/channels" \
		"$r/sys/kernel/vigil/counters" "$r/sys/kernel/vigil/channels"
	cp "$chans"/*.vch "$r/etc/vigil/channels/"
	(cd "$r/etc/vigil/channels" && ls ./*.vch | sed 's|^\./||' >MANIFEST)
	n=$(wc -l <"$r/etc/vigil/channels/MANIFEST")
	echo 1 >"$r/sys/kernel/vigil/armed"
	echo 0 >"$r/sys/kernel/vigil/counters/channels_rejected"
	for i in $(seq "$n"); do mkdir -p "$r/sys/kernel/vigil/channels/$i"; done
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda ro quiet" >"$r/proc/cmdline"
	boot "$r" 0
	"$BG" --root "$r" start --no-load >/dev/null 2>&1
	"$BG" --root "$r" bless >/dev/null 2>&1
	[ "$(ls "$r/var/lib/vigil/bootguard/lkg" | wc -l)" -eq $((n + 1)) ] ||
		{ echo "bench: the LKG set was not promoted" >&2; exit 1; }
}

boot() {		# ROOT N
	printf '%08x-0000-4000-8000-%012x\n' "$2" "$2" \
		>"$1/proc/sys/kernel/random/boot_id"
}

us() { local t=${1/./}; echo $((10#$t)); }

stats() {		# LABEL (microseconds on stdin)
	sort -n | awk -v l="$1" '{ a[NR] = $1 }
		END { printf "%-8s median %6.2f ms   min %6.2f   p90 %6.2f   (%d runs)\n",
		      l, a[int((NR + 1) / 2)] / 1000, a[1] / 1000,
		      a[int(NR * 0.9)] / 1000, NR }'
}

# work or durable: in-process time to "ready to load"; process: wall time
run_rounds() {		# ROOT MODE
	local r=$1 i t0 t1
	for i in $(seq "$rounds"); do
		boot "$r" $((i + 1000))
		if [ "$2" = process ]; then
			t0=$EPOCHREALTIME
			"$BG" --root "$r" start --no-load >/dev/null 2>&1
			t1=$EPOCHREALTIME
			echo $(($(us "$t1") - $(us "$t0")))
		else
			VIGIL_BOOTGUARD_TIMING=1 "$BG" --root "$r" start \
				--no-load 2>&1 >/dev/null |
				sed -n 's/^timing: ready to load \([0-9]*\) us.*/\1/p'
		fi
		"$BG" --root "$r" bless >/dev/null 2>&1
	done
}

tmpfs=$(mktemp -d /dev/shm/vigil-bootguard-bench.XXXXXX)
trap 'rm -rf "$tmpfs"' EXIT
setup "$tmpfs"
setup "$disk"
n=$(wc -l <"$disk/etc/vigil/channels/MANIFEST")
echo "vigil-bootguard start --no-load: $n channels installed and last-known-good"
run_rounds "$tmpfs" work | stats work
run_rounds "$disk" durable | stats durable
command -v python3 >/dev/null &&
python3 - "$disk" "$rounds" <<'EOF' | stats floor
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    t = time.perf_counter()
    fd = os.open(d + "/.floor.tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"x" * 600)
    os.fsync(fd)
    os.close(fd)
    os.rename(d + "/.floor.tmp", d + "/floor")
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)
    print(int((time.perf_counter() - t) * 1e6))
EOF
run_rounds "$disk" process | stats process
for i in $(seq "$rounds"); do
	t0=$EPOCHREALTIME
	/bin/true
	t1=$EPOCHREALTIME
	echo $(($(us "$t1") - $(us "$t0")))
done | stats true
