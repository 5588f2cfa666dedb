#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vigil-chan from the outside: exit codes (0 ok, 1 rejected, 2 usage), the
# "FILE: offset N: reason" lines of validate, atomic and all-or-nothing
# output, signing.  Uses build/vigil-chan (or $VIGIL_CHAN); scratch files
# and throwaway keys go to build/tmp/channels-cli.
#
# Usage: channels/tests/cli.sh       last line: "N passed, N failed"
set -u
cd "$(dirname "$0")/../.."

VC=${VIGIL_CHAN:-build/vigil-chan}
T=build/tmp/channels-cli
pass=0
fail=0

[ -x "$VC" ] || { echo "cli.sh: $VC is not built" >&2; exit 2; }
rm -rf "$T" && mkdir -p "$T"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME EXPECTED_RC CMD...: stdout to $T/NAME.out, stderr to $T/NAME.err
run() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		bad "$name: exit $rc, expected $want: $*"
		sed 's/^/    /' "$T/$name.err" | head -5
	fi
}

# has NAME out|err REGEX: the output matches
has() {
	if grep -Eq -- "$3" "$T/$1.$2"; then ok; else
		bad "$1: $2 does not match /$3/"
		sed 's/^/    /' "$T/$1.$2" | head -5
	fi
}

# lines NAME out|err N: the output has exactly N lines
lines() {
	n=$(wc -l <"$T/$1.$2")
	if [ "$n" -eq "$3" ]; then ok; else bad "$1: $2 has $n lines, expected $3"; fi
}

cat >"$T/good.yaml" <<'EOF'
channel: {id: 4242, version: 7}
rules:
  - id: 1
    title: pipe in tmp
    event: fifo
    severity: high
    detection:
      tmp:
        path|startswith: /tmp/
      pm:
        comm: dpkg
      condition: tmp and not pm
EOF
cat >"$T/bad.yaml" <<'EOF'
channel: {id: 4242, version: 7}
rules:
  - id: 1
    title: t
    event: fifo
    severity: high
    detection:
      s:
        pth: /tmp/
EOF
cat >"$T/good.jsonl" <<'EOF'
{"event": "fifo", "fields": {"path": "/tmp/p"}, "expect": [1]}
{"event": "fifo", "fields": {"path": "/tmp/p", "comm": "dpkg"}, "expect": []}
{"event": "fifo", "fields": {"path": "/run/p"}, "expect": []}
EOF
cat >"$T/wrong.jsonl" <<'EOF'
{"event": "fifo", "fields": {"path": "/run/p"}, "expect": [1]}
EOF
cat >"$T/thin.jsonl" <<'EOF'
{"event": "fifo", "fields": {"path": "/run/p"}, "expect": []}
EOF
cat >"$T/typo.jsonl" <<'EOF'
{"event": "fifo", "fields": {"pth": "/tmp/p"}}
EOF

# usage and help
run help 0 "$VC" --help
has help out '^SYNOPSIS'
has help out 'EXIT STATUS'
run noargs 2 "$VC"
run unknown-cmd 2 "$VC" frobnicate
run build-help 0 "$VC" build --help
has build-help out 'vigil-chan build -o OUT'

# build
run build 0 "$VC" build -o "$T/good.vch" "$T/good.yaml"
[ -s "$T/good.vch" ] && ok || bad "build wrote no file"
run build-noout 2 "$VC" build "$T/good.yaml"
run build-nosrc 2 "$VC" build -o "$T/x.vch"
run build-badopt 2 "$VC" build --frob -o "$T/x.vch" "$T/good.yaml"
run build-badid 2 "$VC" build --id 0 -o "$T/x.vch" "$T/good.yaml"
cp "$T/good.vch" "$T/keep.vch"
run build-bad 1 "$VC" build -o "$T/keep.vch" "$T/bad.yaml"
has build-bad err "^$T/bad.yaml:9:9: field 'pth' does not exist for event 'fifo'"
cmp -s "$T/good.vch" "$T/keep.vch" && ok || bad "a failed build changed its output"
run build-missing 1 "$VC" build -o "$T/y.vch" "$T/nonexistent.yaml"
[ -e "$T/y.vch" ] && bad "a failed build created its output" || ok
ls "$T" | grep -q '\.tmp' && bad "temporary files left behind" || ok
run build-id 0 "$VC" build --id 77 --version 9 --level 3 -o "$T/id.vch" "$T/good.yaml"
run inspect-id 0 "$VC" inspect "$T/id.vch"
has inspect-id out '"channel_id": 77'
has inspect-id out '"content_version": 9'

# validate
run validate 0 "$VC" validate "$T/good.vch"
lines validate out 0
lines validate err 0
run validate-v 0 "$VC" validate -v "$T/good.vch"
has validate-v out "^$T/good.vch: ok: channel 4242 version 7, 1 rules, unsigned$"
run validate-none 2 "$VC" validate
run validate-badopt 2 "$VC" validate --frob "$T/good.vch"

# a flipped byte in the frame: DIGEST, at the digest field's offset
cp "$T/good.vch" "$T/corrupt.vch"
size=$(wc -c <"$T/corrupt.vch")
printf '\377' | dd of="$T/corrupt.vch" bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null
run validate-corrupt 1 "$VC" validate "$T/corrupt.vch"
lines validate-corrupt err 1
has validate-corrupt err "^$T/corrupt.vch: offset [0-9]+: DIGEST: "

# good, bad and missing together: one line per rejected file
head -c 40 "$T/good.vch" >"$T/short.vch"
run validate-mixed 1 "$VC" validate "$T/good.vch" "$T/short.vch" "$T/missing.vch"
lines validate-mixed err 2
has validate-mixed err "^$T/short.vch: offset [0-9]+: TRUNCATED: "
has validate-mixed err "^$T/missing.vch: offset 0: cannot read: "

# a payload the loader rejects, resealed so that only the payload is wrong
if command -v python3 >/dev/null && command -v zstd >/dev/null; then
	python3 - "$T/good.vch" "$T/payload.vch" <<'EOF'
import hashlib, struct, subprocess, sys
d = open(sys.argv[1], "rb").read()
csize = struct.unpack_from("<I", d, 36)[0]
p = bytearray(subprocess.run(["zstd", "-dq", "-c"], input=d[80:80 + csize],
                             stdout=subprocess.PIPE, check=True).stdout)
struct.pack_into("<H", p, 24 + 4, 99)      # rule 0: event type 99
# from a file, so that the frame records the content size
open(sys.argv[2] + ".raw", "wb").write(bytes(p))
f = subprocess.run(["zstd", "-q", "-c", "--content-size", "--no-check",
                    sys.argv[2] + ".raw"],
                   stdout=subprocess.PIPE, check=True).stdout
h = bytearray(d[:80])
struct.pack_into("<I", h, 36, len(f))
h[48:80] = hashlib.sha256(bytes(h[:48]) + f).digest()
open(sys.argv[2], "wb").write(bytes(h) + f)
EOF
	run validate-payload 1 "$VC" validate "$T/payload.vch"
	lines validate-payload err 1
	has validate-payload err "^$T/payload.vch: offset 28: EVENT_TYPE: .*\\(offset in the decompressed payload\\)$"
fi

# sign and verify with throwaway keys
gen() {
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
		-subj "/CN=vigil-cli-$1" -keyout "$T/$1.key" -out "$T/$1.crt" \
		>/dev/null 2>&1
}
if gen a && gen b; then
	cp "$T/good.vch" "$T/signed.vch"
	run sign 0 "$VC" sign --key "$T/a.key" --cert "$T/a.crt" "$T/signed.vch"
	run sign-again 1 "$VC" sign --key "$T/a.key" --cert "$T/a.crt" "$T/signed.vch"
	has sign-again err 'already signed'
	run sign-nokey 2 "$VC" sign --cert "$T/a.crt" "$T/good.vch"
	run sign-mismatch 1 "$VC" sign --key "$T/a.key" --cert "$T/b.crt" -o "$T/z.vch" "$T/good.vch"
	[ -e "$T/z.vch" ] && bad "a failed sign created its output" || ok
	run verify 0 "$VC" verify --cert "$T/a.crt" "$T/signed.vch"
	has verify out "^$T/signed.vch: signature ok$"
	run verify-other 1 "$VC" verify --cert "$T/b.crt" "$T/signed.vch"
	has verify-other err "^$T/signed.vch: offset [0-9]+: SIG_BAD: "
	run verify-unsigned 1 "$VC" verify --cert "$T/a.crt" "$T/good.vch"
	has verify-unsigned err "^$T/good.vch: offset [0-9]+: SIG_MISSING: "
	run verify-nocert 2 "$VC" verify "$T/signed.vch"
	run verify-nocertfile 2 "$VC" verify --cert "$T/none.crt" "$T/signed.vch"
	run validate-nocertfile 2 "$VC" validate --cert "$T/none.crt" "$T/signed.vch"
	run validate-req 1 "$VC" validate --require-signature "$T/good.vch" "$T/signed.vch"
	lines validate-req err 1
	has validate-req err "^$T/good.vch: offset [0-9]+: SIG_MISSING: "
	run validate-cert 0 "$VC" validate --require-signature --cert "$T/a.crt" -v "$T/signed.vch"
	has validate-cert out 'signature verified'
	run validate-wrongcert 1 "$VC" validate --cert "$T/b.crt" "$T/signed.vch"
	run inspect-signed 0 "$VC" inspect --cert "$T/a.crt" "$T/signed.vch"
	has inspect-signed out '"signature_verified": true'
else
	bad "openssl could not make test keys"
fi

# inspect
run inspect 0 "$VC" inspect --json "$T/good.vch"
has inspect out '"condition": "\(path\|startswith: \\"/tmp/\\" and not comm: \\"dpkg\\"\)"'
if command -v python3 >/dev/null; then
	python3 -m json.tool "$T/inspect.out" >/dev/null && ok || bad "inspect: not JSON"
fi
run inspect-corrupt 1 "$VC" inspect "$T/corrupt.vch"
has inspect-corrupt err "^$T/corrupt.vch: offset [0-9]+: DIGEST: "
run inspect-noarg 2 "$VC" inspect

# test
run test 0 "$VC" test --coverage "$T/good.vch" "$T/good.jsonl"
has test out '^4 passed, 0 failed$'
run test-yaml 0 "$VC" test --coverage "$T/good.yaml" "$T/good.jsonl"
run test-wrong 1 "$VC" test "$T/good.vch" "$T/wrong.jsonl"
has test-wrong out 'good|wrong'
has test-wrong out '^0 passed, 1 failed$'
run test-thin 1 "$VC" test --coverage "$T/good.vch" "$T/thin.jsonl"
has test-thin out 'no fixture matches it'
has test-thin out 'node 1 decides no match: comm: "dpkg"'
has test-thin out 'node 1 decides no miss: comm: "dpkg"'
run test-typo 1 "$VC" test "$T/good.vch" "$T/typo.jsonl"
has test-typo out "^$T/typo.jsonl:1: unknown field 'pth' for event 'fifo'"
run test-usage 2 "$VC" test "$T/good.vch"
run test-corrupt 1 "$VC" test "$T/corrupt.vch" "$T/good.jsonl"

# fields
run fields 0 "$VC" fields
has fields out '^fifo \(5\)$'
run fields-one 0 "$VC" fields connect
has fields-one out 'daddr +addr'
run fields-bad 1 "$VC" fields nosuch
run fields-two 2 "$VC" fields exec fork

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
