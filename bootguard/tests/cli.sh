#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vigil-bootguard end to end: the real binary against a folder standing in
# for the root file system (--root), boot after boot.  A "boot" is a new
# /proc/sys/kernel/random/boot_id; the sensor's sysfs is faked by files
# (start runs with --no-load); a panic is a pstore record written where the
# kernel would leave it.  Covers the scenarios of bootguard/README.md:
# first boot, bless and promotion, tier 1 (rollback and quarantine), tier 2
# (disable after tries failed boots), reset, vigil.boot_start=0, unrelated
# failures counted or not, corrupt, missing and unwritable state, bless
# refused, the health check's conditions, status --json, usage errors.
#
# Usage: bootguard/tests/cli.sh     last line: "N passed, N failed"
# Uses build/vigil-bootguard (or $VIGIL_BOOTGUARD, e.g. the ASan+UBSan
# build/san/vigil-bootguard: any sanitizer report fails), python3 for JSON.
# "COND && ok || bad": ok and bad always succeed
# shellcheck disable=SC2015
set -u
cd "$(dirname "$0")/../.." || exit 2

BG=${VIGIL_BOOTGUARD:-build/vigil-bootguard}
T=$(pwd)/build/tmp/bootguard-cli
R=$T/root
S=$R/var/lib/vigil/bootguard
FIX=bootguard/tests/fixtures
pass=0
fail=0

[ -x "$BG" ] || { echo "cli.sh: $BG is not built" >&2; exit 2; }
ls build/channels/*.vch >/dev/null 2>&1 ||
	{ echo "cli.sh: build/channels/*.vch missing (make channels)" >&2; exit 2; }

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME WANT_RC ARGS...: output in $T/NAME.out and $T/NAME.err
run() {
	name=$1 want=$2
	shift 2
	"$BG" --root "$R" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		bad "$name: exit $rc, want $want"
		sed 's/^/  | /' "$T/$name.out" "$T/$name.err"
	fi
}

# expect NAME FILE PATTERN: FILE (out, err or a path) matches PATTERN
expect() {
	f=$2
	case $f in out | err) f=$T/$1.$2 ;; esac
	if grep -q -e "$3" "$f" 2>/dev/null; then
		ok
	else
		bad "$1: $f lacks \"$3\""
		sed 's/^/  | /' "$f" 2>/dev/null
	fi
}

expect_not() {
	f=$2
	case $f in out | err) f=$T/$1.$2 ;; esac
	if grep -q -e "$3" "$f" 2>/dev/null; then
		bad "$1: $f has \"$3\""
	else
		ok
	fi
}

# json NAME EXPR WANT: python expression over the status object j
json() {
	"$BG" --root "$R" status --json >"$T/$1.json" 2>"$T/$1.jerr" ||
		{ bad "$1: status --json failed"; return; }
	got=$(python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$T/$1.json" "$2" 2>&1)
	if [ "$got" = "$3" ]; then
		ok
	else
		bad "$1: status: $2 = $got, want $3"
	fi
}

n=0
# A new boot: new boot id, no /run, no sensor; systemd-pstore (ordered
# before start) moves the records into its archive, one folder per boot,
# except every third boot where it leaves them in /sys/fs/pstore.
boot() {
	n=$((n + 1))
	printf '%08x-1111-4222-8333-%012x\n' "$n" "$n" \
		>"$R/proc/sys/kernel/random/boot_id"
	rm -rf "$R/run" "$R/sys/kernel/vigil"
	if [ $((n % 3)) -ne 0 ] && [ -n "$(ls "$R/sys/fs/pstore")" ]; then
		a=$R/var/lib/systemd/pstore/$n
		mkdir -p "$a"
		mv "$R/sys/fs/pstore"/* "$a/"
	fi
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda ro ${1:-}" >"$R/proc/cmdline"
}

sensor() {		# fake the sysfs of an armed sensor with N channels
	v=$R/sys/kernel/vigil
	rm -rf "$v" && mkdir -p "$v/counters" "$v/channels"
	echo 1 >"$v/armed"
	echo "${2:-0}" >"$v/counters/channels_rejected"
	i=0
	while [ "$i" -lt "$1" ]; do
		i=$((i + 1))
		mkdir "$v/channels/$i"
	done
}

panic() {		# the crashed boot leaves a pstore record
	mkdir -p "$R/sys/fs/pstore"
	{
		head -n 1 "$FIX/$1"
		echo "<5>[    0.000000] Linux version 6.1.0-28-amd64 (boot $n)"
		tail -n +2 "$FIX/$1"
	} >"$R/sys/fs/pstore/dmesg-ramoops-0"
}

install_set() {		# the installed set: these shipped channels
	d=$R/etc/vigil/channels
	rm -rf "$d" && mkdir -p "$d"
	: >"$d/MANIFEST"
	for c in "$@"; do
		cp "build/channels/$c.vch" "$d/"
		echo "$c.vch" >>"$d/MANIFEST"
	done
}

rm -rf "$T" && mkdir -p "$R/proc/sys/kernel/random" "$R/etc/vigil" \
	"$R/sys/fs/pstore"
printf 'tries = 3\n# count_unrelated_failures = yes\n' >"$R/etc/vigil/bootguard.conf"
install_set credential-access fifo-c2 kernel-modules

# -- usage --------------------------------------------------------------------
run usage1 2
run usage2 2 frobnicate
run usage3 2 start --bogus
run usage4 2 status --json extra

# -- 1: first boot, healthy, blessed: the installed set becomes LKG ----------
boot
run first-status 0 status
expect first-status out "state file: *missing"
run first-start 0 start --no-load
expect first-start out "loaded: pending set"
expect first-start out "2 of 3 tries left"
expect first-start "$S/state" "^charge=00000001-"
expect first-start "$R/run/vigil/bootguard/decision" "^channels=3$"
run first-check-nosensor 1 check
expect first-check-nosensor err "not loaded"
sensor 2
run first-check-count 1 check
expect first-check-count err "2 channel(s) active, the pending set lists 3"
sensor 3 1
run first-check-rejected 1 check
expect first-check-rejected err "rejected 1 channel"
sensor 3
run first-check 0 check
run first-restart 0 start --no-load
expect first-restart out "already ran this boot"
json first-restart-tries "j['tries_left']" 2
run first-bless 0 bless
expect first-bless err "boot blessed: 3 of 3 tries restored"
json first-lkg "len(j['sets']['last_known_good']['channels'])" 3
json first-pending "j['sets']['pending']" None
json first-tries "j['tries_left']" 3
[ -f "$S/lkg/kernel-modules.vch" ] && ok || bad "lkg/ lacks the promoted files"
[ -e "$S/lkg.new" ] && bad "lkg.new left behind" || ok
run first-bless-again 0 bless
expect first-bless-again err "nothing to bless"

# -- 2: tier 1: new content panics the boot: quarantined, LKG runs ---------------
install_set credential-access fifo-c2 kernel-modules persistence
boot
run t1-start 0 start --no-load
expect t1-start out "loaded: pending set"
panic panic-vigil.txt
boot
run t1-next 0 start --no-load
expect t1-next err "pending channel set .* quarantined; rolling back"
expect t1-next out "loaded: last-known-good set"
expect t1-next out "the installed set is quarantined"
json t1-quar "len(j['quarantined'])" 1
json t1-fail "j['failures'][0]['evidence']['involves_vigil']" True
json t1-src "j['failures'][0]['evidence']['source']" pstore
json t1-sum "j['failures'][0]['evidence']['summary']" \
	"Kernel panic - not syncing: vigil: fault injection: panic_on_channel 4"
json t1-content "j['failures'][0]['content']" pending
json t1-pend "j['sets']['pending']" None
q=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["quarantined"][0]["digest"])' "$T/t1-quar.json")
[ -f "$S/quarantine/$q/persistence.vch" ] && ok || bad "quarantine/$q/ lacks the set"
ls "$S/evidence/"*dmesg-ramoops-0 >/dev/null 2>&1 && ok || bad "no evidence/ copy"
sensor 3
run t1-bless 0 bless
json t1-lkg-kept "len(j['sets']['last_known_good']['channels'])" 3
json t1-fail-cleared "len(j['failures'])" 0
json t1-quar-kept "len(j['quarantined'])" 1

# -- 3: tier 2: the sensor fails on LKG too: disabled after 3 failed boots -------
boot
run t2-b1 0 start --no-load		# charges: 2 left; then hangs (no record)
boot
run t2-b2 0 start --no-load		# 1 left
expect t2-b2 err "failed with the lkg channel set .* (1 of 3 tries used): no panic record"
panic panic-vigil-oops.txt
boot
run t2-b3 0 start --no-load		# 0 left
json t2-b3-tries "j['tries_left']" 0
boot
run t2-b4 0 start --no-load		# disabled
expect t2-b4 err "vigil sensor disabled: boot-start registration cleared"
expect t2-b4 err "3 failed boots in a row (tries=3: 1 panicked in vigil, 0 elsewhere, 0 failed the health check, 2 without a panic record); evidence: panic record .*BUG: kernel NULL pointer dereference.*(involves vigil)"
expect t2-b4 out "not-loaded: disabled: 3 failed boots in a row"
json t2-state "j['state']" disabled
json t2-failed "j['disabled']['failed_boots']" 3
json t2-nfail "len(j['failures'])" 3
json t2-oops "j['failures'][1]['evidence']['summary']" \
	"BUG: kernel NULL pointer dereference, address: 0000000000000008"
json t2-oops-vigil "j['failures'][1]['evidence']['involves_vigil']" True
# the record archived at the last boot is not taken again for this one
json t2-last "j['failures'][2]['evidence']['source']" none
run t2-check 0 check
expect t2-check out "nothing started this boot by decision"
run t2-bless 0 bless
run t2-status 0 status
expect t2-status out "DISABLED since"
expect t2-status out "3 failed boots in a row"
boot
run t2-b5 0 start --no-load
expect t2-b5 out "not-loaded: sensor disabled since"
expect_not t2-b5 err "disabled: boot-start registration cleared"
json t2-still "j['state']" disabled

# -- 4: reset re-arms ----------------------------------------------------------
run reset 0 reset
expect reset out "armed, 3 of 3 tries left"
json reset-state "j['state']" armed
json reset-quar "len(j['quarantined'])" 1
boot
run reset-start 0 start --no-load
expect reset-start out "loaded: last-known-good set"
sensor 3
run reset-bless 0 bless

# -- 5: vigil.boot_start=0: nothing charged, nothing loaded ---------------------
boot vigil.boot_start=0
run bs0 0 start --no-load
expect bs0 out "not-loaded: vigil.boot_start=0"
json bs0-tries "j['tries_left']" 3
expect bs0 "$S/state" "^charge=none"
run bs0-check 0 check

# -- 6: unrelated failures: counted (yes) or not (no) ---------------------------
install_set credential-access fifo-c2
boot
run un1 0 start --no-load
panic panic-sysrq.txt
boot
run un2 0 start --no-load		# yes: counted, pending quarantined
json un2-counted "j['failures'][-1]['counted']" True
json un2-vigil "j['failures'][-1]['evidence']['involves_vigil']" False
json un2-quar "len(j['quarantined'])" 2
json un2-tries "j['tries_left']" 1
sensor 3
run un2-bless 0 bless
install_set credential-access suspicious-exec
printf 'tries = 3\ncount_unrelated_failures = no\n' >"$R/etc/vigil/bootguard.conf"
boot
run un3 0 start --no-load
expect un3 out "loaded: pending set"
panic panic-sysrq.txt
boot
run un4 0 start --no-load		# no: not counted, pending tried again
expect un4 err "unrelated to vigil; not counted"
expect un4 out "loaded: pending set"
json un4-counted "j['failures'][-1]['counted']" False
json un4-tries "j['tries_left']" 2
json un4-quar "len(j['quarantined'])" 2
panic panic-vigil.txt			# a vigil panic is counted anyway
boot
run un5 0 start --no-load
expect un5 err "quarantined; rolling back"
sensor 3
run un5-bless 0 bless
printf 'tries = 3\n' >"$R/etc/vigil/bootguard.conf"

# -- 7: bless refused --------------------------------------------------------
boot
run br-start 0 start --no-load
run br-unhealthy 1 bless		# no sensor
expect br-unhealthy err "bless refused: the sensor is not loaded"
boot					# start did not run in this boot
run br-other 1 bless
expect br-other err "belongs to boot"
run br-start2 0 start --no-load
sensor 3
run br-ok 0 bless

# -- 8: corrupt, missing and unwritable state -----------------------------------
sed -i 's/^tries_left=3/tries_left=2/' "$S/state"
boot
run corrupt 0 start --no-load
expect corrupt err "state file unreadable (checksum mismatch"
expect corrupt out "loaded: last-known-good set"
[ -f "$S/state.corrupt" ] && ok || bad "state.corrupt not kept"
json corrupt-quar "len(j['quarantined'])" 3
sensor 3
run corrupt-bless 0 bless
printf 'garbage\n' >"$S/state"
run corrupt-status 0 status
expect corrupt-status out "UNREADABLE (no checksum line"
rm -f "$S/state"
boot
run missing 0 start --no-load
expect missing err "state file missing: rebuilt"
expect missing out "loaded: last-known-good set"
json missing-lkg "len(j['sets']['last_known_good']['channels'])" 3
sensor 3
run missing-bless 0 bless
cp "$S/state" "$T/state.before"
mkdir "$S/.state.tmp"			# any write of the state fails
boot
run rofs 0 start --no-load
expect rofs err "state not writable"
expect rofs out "not-loaded: state not writable"
cmp -s "$S/state" "$T/state.before" && ok || bad "state changed on a failed write"
run rofs-check 0 check
rmdir "$S/.state.tmp"

# -- 8b: an unhealthy boot without a panic record: the health check's reason --
boot
run hc-start 0 start --no-load
sensor 3 2
run hc-check 1 check
boot
run hc-next 0 start --no-load
expect hc-next err "the health check failed: the sensor rejected 2 channel(s)"
json hc-src "j['failures'][-1]['evidence']['source']" health
sensor 3
run hc-bless 0 bless

# -- 9: a lower tries in the configuration applies at once ----------------------
printf 'tries = 1\n' >"$R/etc/vigil/bootguard.conf"
boot
run tries1 0 start --no-load
expect tries1 out "0 of 1 tries left"
boot
run tries1-next 0 start --no-load
expect tries1-next out "not-loaded: disabled: 1 failed boots"
printf 'tries = nine\n' >"$R/etc/vigil/bootguard.conf"
run badconf 0 reset
expect badconf err "tries: want 1 to 100: using the defaults"
expect badconf out "armed, 3 of 3 tries left"

# -- 10: the power cut at each step of start and bless -------------------------
# VIGIL_BOOTGUARD_CRASH_AT=POINT kills the process there; the next boot
# must find a readable state that is the old one or the new one.
printf 'tries = 3\n' >"$R/etc/vigil/bootguard.conf"
crash() {		# NAME POINT COMMAND...
	name=$1 point=$2
	shift 2
	VIGIL_BOOTGUARD_CRASH_AT=$point "$BG" --root "$R" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	[ "$rc" -eq 137 ] && ok || bad "$name: crash point $point not reached ($rc)"
}
i=0
for p in start-evidence start-quarantine start-commit start-load; do
	i=$((i + 1))
	boot
	run "cr-$p-reset" 0 reset
	install_set credential-access
	cp build/channels/fifo-c2.vch "$R/etc/vigil/channels/extra-$i.vch"
	echo "extra-$i.vch" >>"$R/etc/vigil/channels/MANIFEST"
	boot
	run "cr-$p-1" 0 start --no-load		# pending, 2 left
	panic panic-vigil.txt
	boot
	crash "cr-$p" "$p" start --no-load
	boot
	run "cr-$p-next" 0 start --no-load
	json "cr-$p-ok" "j['state_file']" ok
	case $p in
	start-evidence | start-quarantine)	# died before its commit
		json "cr-$p-fail" "len(j['failures'])" 1
		json "cr-$p-tries" "j['tries_left']" 1 ;;
	*)					# died after it: a failed boot
		json "cr-$p-fail" "len(j['failures'])" 2
		json "cr-$p-tries" "j['tries_left']" 0 ;;
	esac
	json "cr-$p-quar" "j['sets']['pending']" None
	json "cr-$p-vigil" "j['failures'][0]['evidence']['involves_vigil']" True
done

boot
run cr-bless-reset 0 reset
install_set credential-access kernel-modules
boot
run cr-bless-start 0 start --no-load
sensor 2
crash cr-bless-stage bless-stage bless		# before the commit
[ -d "$S/lkg.new" ] && ok || bad "bless-stage: no lkg.new staged"
boot
run cr-bless-stage-next 0 start --no-load
json cr-bless-stage-fail "len(j['failures'])" 1	# never blessed: failed
json cr-bless-stage-lkg "len(j['sets']['last_known_good']['channels'])" 3
[ -e "$S/lkg.new" ] && bad "bless-stage: lkg.new not cleaned up" || ok
json cr-bless-stage-quar "j['sets']['pending']" None	# ran pending
boot
run cr-bless-reset2 0 reset
install_set kernel-modules suspicious-exec
boot
run cr-bless-start2 0 start --no-load
expect cr-bless-start2 out "loaded: pending set"
sensor 2
crash cr-bless-commit bless-commit bless	# after the commit
json cr-bless-commit-tries "j['tries_left']" 3
boot
run cr-bless-commit-next 0 start --no-load
expect cr-bless-commit-next err "finished promoting"
expect cr-bless-commit-next out "loaded: last-known-good set"
json cr-bless-commit-fail "len(j['failures'])" 0
json cr-bless-commit-lkg "j['sets']['last_known_good']['channels']" \
	"['kernel-modules.vch', 'suspicious-exec.vch']"
[ -e "$S/lkg.new" ] && bad "bless-commit: lkg.new left" || ok

# -- 11: loading for real, under the fake root ---------------------------------
# (Safe: libkmod looks in $R/lib/modules, which holds no module, and the
# built-in sensor's sysfs files are plain files under $R.)
boot
run load-reset 0 reset
run nomod 0 start			# no --no-load: libkmod finds nothing
expect nomod err "module not found"
expect nomod out "not-loaded: module not found"
json nomod-tries "j['tries_left']" 3
json nomod-charge "j['this_boot']['decision']" not-loaded
expect nomod "$S/state" "^charge=none"
run nomod-check 0 check
boot
mkdir -p "$R/sys/kernel/vigil/channels" "$R/sys/module/vigil/parameters"
echo 0 >"$R/sys/kernel/vigil/armed"
: >"$R/sys/module/vigil/parameters/channels_dir"
run built-in 0 start			# a built-in sensor: armed through sysfs
expect built-in out "start: loaded: "
expect built-in "$R/sys/kernel/vigil/armed" "^1$"
expect built-in "$R/sys/module/vigil/parameters/channels_dir" \
	"^/var/lib/vigil/bootguard/lkg$"
run built-in-again 0 start		# armed already: nothing written
expect built-in-again out "already ran this boot"
sensor "$(grep -c . "$S/lkg/MANIFEST")"
run built-in-bless 0 bless

# -- 12: watchdog_wait: start waits for PID 1 to arm the hardware watchdog -----
printf 'tries = 3\nwatchdog_wait = 1\n' >"$R/etc/vigil/bootguard.conf"
rm -rf "$R/sys/kernel/vigil" "$R/sys/module"
boot
run wd-none 0 start
expect wd-none err "no hardware watchdog"
wd=$R/sys/class/watchdog/watchdog0
mkdir -p "$wd"
echo inactive >"$wd/state"
boot
run wd-inactive 0 start
expect wd-inactive err "hardware watchdog still not active after 1 s"
echo active >"$wd/state"
boot
run wd-active 0 start
expect_not wd-active err "watchdog"
printf 'tries = 3\n' >"$R/etc/vigil/bootguard.conf"

# -- 13: lkg/ changed behind the bootguard's back: said so ---------------------
boot
run lkg-reset 0 reset
f=$(head -n 1 "$S/lkg/MANIFEST")
echo tampered >>"$S/lkg/$f"
boot
run lkg-tampered 0 start --no-load
expect lkg-tampered err "lkg does not hold the last-known-good set"

# -- 14: an unreadable installed MANIFEST is no update ------------------------
install_set credential-access persistence
mv "$R/etc/vigil/channels/MANIFEST" "$T/MANIFEST.aside"
mkdir "$R/etc/vigil/channels/MANIFEST"
boot
run unreadable 0 start --no-load
expect unreadable err "MANIFEST unreadable: no pending content this boot"
expect unreadable out "loaded: last-known-good set"
rmdir "$R/etc/vigil/channels/MANIFEST"
mv "$T/MANIFEST.aside" "$R/etc/vigil/channels/MANIFEST"

# a sanitized binary (VIGIL_BOOTGUARD=build/san/vigil-bootguard) reports
# to stderr: any report fails the run
if grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	"$T"/*.err "$T"/*.jerr 2>/dev/null; then
	bad "sanitizer report(s) in the files above"
else
	ok
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
