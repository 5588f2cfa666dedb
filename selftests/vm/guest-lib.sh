# shellcheck shell=sh
# Helpers for test scripts that run inside a run-guest guest (busybox sh):
# a TAP-like harness and the sensor's match records.  A suite's run script
# copies this file into its overlay as /test/lib.sh; the guest script
# sources it after setting EV (the file records go to).
#
#   t NAME CMD...      run one test: "ok N - NAME" or "not ok N - NAME",
#                      its output as "# ..." lines; counts passed/failed
#   skip NAME WHY      "ok N - NAME # SKIP WHY"
#   die MSG            print MSG, return 1: `check || die "why" || return 1`
#   eq GOT WANT WHAT   GOT = WANT, else die
#   counter NAME       /sys/kernel/vigil/counters/NAME
#   ev_start, ev_stop  follow match records (vigilctl events) into $EV
#   ev_wait RULE [N]   wait up to 10 s for N records of RULE
#   ev_has RULE PAT... some record of RULE contains every PAT
#   dmesg_clean        no oops, WARN, BUG, sanitizer or lockup report

V=/sys/kernel/vigil
n=0
passed=0
failed=0

t() {
	name=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $name"
		passed=$((passed + 1))
	else
		echo "not ok $n - $name"
		failed=$((failed + 1))
	fi
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

die() {
	echo "$*"
	return 1
}

eq() {
	[ "$1" = "$2" ] || die "expected '$2', got '$1' ($3)"
}

counter() {
	cat "$V/counters/$1"
}

ev_start() {
	# truncate here: a "following events" line left by the last run
	# would let us go on before this vigilctl has subscribed
	: > "$EV"
	: > /tmp/ev.err
	vigilctl events > "$EV" 2> /tmp/ev.err &
	EVPID=$!
	i=0
	while ! grep -q "following events" /tmp/ev.err 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat /tmp/ev.err; ev_stop; return 1; }
		sleep 0.1
	done
}

ev_stop() {
	kill "$EVPID" 2>/dev/null
	wait "$EVPID" 2>/dev/null
	return 0
}

ev_wait() {
	want=${2:-1}
	i=0
	while [ "$(grep -c "\"rule\":$1," "$EV")" -lt "$want" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { die "no record of rule $1 (want $want)"; return 1; }
		sleep 0.1
	done
}

ev_has() {
	rule=$1
	shift
	ev_wait "$rule" || return 1
	lines=$(grep "\"rule\":$rule," "$EV")
	for p in "$@"; do
		lines=$(echo "$lines" | grep -F -- "$p")
		[ -n "$lines" ] || {
			echo "rule $rule: no record with: $p"
			grep "\"rule\":$rule," "$EV" | head -3
			return 1
		}
	done
}

dmesg_clean() {
	if dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|UBSAN|KASAN|kernel BUG|RCU stall|soft lockup|hung task'; then
		return 1
	fi
	return 0
}
