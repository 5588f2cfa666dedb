#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The bootguard's systemd units and drop-ins.  The units go through
# `systemd-analyze verify --root=R`, with R a folder holding this host's
# unit files (for the targets they name), the units, and the binary at
# /usr/sbin/vigil-bootguard (verify checks that ExecStart= exists and is
# executable under R); once more without the binary, which must fail, so a
# verify that checks nothing is noticed.  Then the dependencies the
# contract fixes, the sysctl keys against this kernel's /proc/sys, and
# that the shipped bootguard.conf parses.
#
# Usage: bootguard/tests/units.sh     last line: "N passed, N failed"
# "COND && ok || bad": ok and bad always succeed
# shellcheck disable=SC2015
set -u
cd "$(dirname "$0")/../.." || exit 2

BG=${VIGIL_BOOTGUARD:-build/vigil-bootguard}
T=$(pwd)/build/tmp/bootguard-units
U=bootguard/units
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$BG" ] || { echo "units.sh: $BG is not built" >&2; exit 2; }
command -v systemd-analyze >/dev/null ||
	{ echo "units.sh: systemd-analyze missing (apt-get install systemd)" >&2; exit 2; }

rm -rf "$T" && mkdir -p "$T/usr/lib/systemd" "$T/usr/sbin" \
	"$T/etc/systemd/system"
cp -r /usr/lib/systemd/system "$T/usr/lib/systemd/"
cp "$U"/*.service "$T/etc/systemd/system/"
units="$T/etc/systemd/system/vigil-bootguard.service
$T/etc/systemd/system/vigil-health.service
$T/etc/systemd/system/vigil-bless.service"

cp "$BG" "$T/usr/sbin/vigil-bootguard"
# shellcheck disable=SC2086
if systemd-analyze verify --root="$T" $units >"$T/verify.out" 2>&1; then
	ok
else
	bad "systemd-analyze verify:"
	sed 's/^/  | /' "$T/verify.out"
fi
rm "$T/usr/sbin/vigil-bootguard"
# shellcheck disable=SC2086
if systemd-analyze verify --root="$T" $units >"$T/verify2.out" 2>&1; then
	bad "verify passes without the binary: it checks nothing"
elif grep -q "vigil-bootguard is not executable" "$T/verify2.out"; then
	ok
else
	bad "verify without the binary: unexpected output"
	sed 's/^/  | /' "$T/verify2.out"
fi

# has UNIT KEY VALUE: the unit sets KEY to (a list holding) VALUE
has() {
	if systemd-analyze cat-config --root="$T" "systemd/system/$1" \
		2>/dev/null | grep -E "^$2=" | tr ' ' '\n' |
		sed "s/^$2=//" | grep -qx -e "$3"; then
		ok
	else
		bad "$1: no $2=$3"
	fi
}
cp "$U"/*.service "$T/etc/systemd/system/"
has vigil-bootguard.service DefaultDependencies no
for a in local-fs.target systemd-remount-fs.service systemd-pstore.service \
	systemd-modules-load.service systemd-sysctl.service; do
	has vigil-bootguard.service After "$a"
done
has vigil-bootguard.service Before sysinit.target
has vigil-bootguard.service ExecStart "/usr/sbin/vigil-bootguard"
has vigil-health.service RequiredBy boot-complete.target
has vigil-health.service Before boot-complete.target
has vigil-health.service After vigil-bootguard.service
has vigil-bless.service Requires boot-complete.target
has vigil-bless.service After boot-complete.target
has vigil-bless.service WantedBy multi-user.target
for u in "$U"/*.service; do
	grep -q '^ExecStart=/usr/sbin/vigil-bootguard \(start\|check\|bless\)$' "$u" &&
		ok || bad "$u: ExecStart is not vigil-bootguard start|check|bless"
done

# the sysctl keys exist in this kernel (those marked "-" may not)
keys=$(sed -n 's/^\([a-z][a-z_.]*\) *=.*/\1/p' bootguard/sysctl/50-vigil.conf)
[ -n "$keys" ] || bad "no keys in 50-vigil.conf"
for k in $keys; do
	[ -e "/proc/sys/$(echo "$k" | tr . /)" ] && ok ||
		bad "50-vigil.conf: $k does not exist in /proc/sys"
done
grep -q '^kernel.panic = [1-9]' bootguard/sysctl/50-vigil.conf && ok ||
	bad "50-vigil.conf: kernel.panic must reboot"
grep -q '^\[Manager\]' bootguard/systemd/50-vigil-watchdog.conf &&
	grep -q '^RuntimeWatchdogSec=[1-9]' bootguard/systemd/50-vigil-watchdog.conf &&
	ok || bad "50-vigil-watchdog.conf: no [Manager] RuntimeWatchdogSec="

# the shipped configuration parses (a bad key would print "using the defaults")
mkdir -p "$T/conf-root"
if "$BG" --root "$T/conf-root" --config bootguard/bootguard.conf status \
	>/dev/null 2>"$T/conf.err" && [ ! -s "$T/conf.err" ]; then
	ok
else
	bad "bootguard.conf does not parse:"
	sed 's/^/  | /' "$T/conf.err"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
