#!/bin/bash
# The exit trace: -trace exits[=FILE] and -trace-format json (README.md,
# "Tracing exits"). Every run keeps the default sandbox (on; off in the
# sanitizer build, whose runtime makes calls of its own): what the trace
# does while the guest runs must be on its list.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

# A real-mode snippet loaded at 0 (-vga trapped, so that its VGA accesses
# exit): one exit of each kind the trace decodes, then hlt with IF=0.
#   0x00 mov al,'H' / out 0xe9,al        debug console write
#   0x04 in al,0xe9                      debug console read (returns 0xE9)
#   0x06 mov eax,0x100 / mov dx,0xabba / out dx,eax
#                                        PRINT32(42): the block at 0x100
#   0x11 mov ax,0xb800 / mov es,ax / mov word es:[0],0x0748
#                                        MMIO write
#   0x1d mov ax,es:[0]                   MMIO read
#   0x21 hlt
{
	printf '\xb0\x48\xe6\xe9\xe4\xe9\x66\xb8\x00\x01\x00\x00\xba\xba\xab\x66\xef'
	printf '\xb8\x00\xb8\x8e\xc0\x26\xc7\x06\x00\x00\x48\x07\x26\xa1\x00\x00\xf4'
	head -c $((0x100 - 34)) /dev/zero
	printf '\x02\x00\x00\x00\x00\x00\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00' # nr 2, status, arg0 42
	head -c 32 /dev/zero # arg1..3, ret
} >"$TMP/snippet.bin"
SNIPPET=(-guest "$TMP/snippet.bin" -vga trapped)

# The time column masked, the rest is exact. RIP is what KVM reports: past
# the instruction for a write and for hlt, at the instruction for a read.
cat >"$TMP/snippet.want" <<'EOF'
T io out port=0xe9 size=1 value=0x48 rip=0x4
T io in port=0xe9 size=1 value=0xe9 rip=0x4
T io out port=0xabba size=4 value=0x100 rip=0x11 hypercall=PRINT32(value=0x2a) status=OK ret=0x0
T mmio write addr=0xb8000 size=2 value=0x748 rip=0x1d
T mmio read addr=0xb8000 size=2 value=0x748 rip=0x1d
T hlt if=0 rip=0x22
T stop halt status=0
EOF
mask_time() { sed -E 's/^ *[0-9]+\.[0-9]{3} /T /' "$1"; }

run text-file "$VMM" "${SNIPPET[@]}" -trace "exits=$TMP/snippet.trace"
if [ "$rc" -ne 0 ] || [ "$(cat "$TMP/text-file.out")" != "H42" ]; then
	fail trace-text "status $rc, stdout '$(cat "$TMP/text-file.out")'; stderr: $(head -c 300 "$TMP/text-file.err")"
elif ! diff <(mask_time "$TMP/snippet.trace") "$TMP/snippet.want" >"$TMP/text.diff"; then
	fail trace-text "the trace differs from the expectation: $(tr '\n' '|' <"$TMP/text.diff")"
else
	pass trace-text
fi

# Without =FILE the trace goes to stderr; the guest's output stays on stdout.
run text-stderr "$VMM" "${SNIPPET[@]}" -trace exits
if [ "$rc" -ne 0 ] || [ "$(cat "$TMP/text-stderr.out")" != "H42" ]; then
	fail trace-stderr "status $rc, stdout '$(cat "$TMP/text-stderr.out")'"
elif ! diff <(mask_time "$TMP/text-stderr.err") "$TMP/snippet.want" >"$TMP/stderr.diff"; then
	fail trace-stderr "stderr differs from the expectation: $(tr '\n' '|' <"$TMP/stderr.diff")"
else
	pass trace-stderr
fi

# JSON: every line one object with the documented fields, the same records.
run json "$VMM" "${SNIPPET[@]}" -trace "exits=$TMP/snippet.json" -trace-format json
if [ "$rc" -ne 0 ]; then
	fail trace-json "status $rc; stderr: $(head -c 300 "$TMP/json.err")"
elif ! python3 - "$TMP/snippet.json" >"$TMP/json.check" 2>&1 <<'PY'
import json, sys
want = [
    {"event": "exit", "reason": "io", "dir": "out", "port": 0xE9, "size": 1, "count": 1, "value": 0x48, "rip": 4},
    {"event": "exit", "reason": "io", "dir": "in", "port": 0xE9, "size": 1, "count": 1, "value": 0xE9, "rip": 4},
    {"event": "exit", "reason": "io", "dir": "out", "port": 0xABBA, "size": 4, "count": 1, "value": 0x100, "rip": 0x11,
     "hypercall": {"nr": 2, "name": "PRINT32", "args": {"value": 42}, "status": 0, "status_name": "OK", "ret": 0}},
    {"event": "exit", "reason": "mmio", "dir": "write", "addr": 0xB8000, "size": 2, "value": 0x748, "rip": 0x1D},
    {"event": "exit", "reason": "mmio", "dir": "read", "addr": 0xB8000, "size": 2, "value": 0x748, "rip": 0x1D},
    {"event": "exit", "reason": "hlt", "if": 0, "rip": 0x22},
    {"event": "stop", "reason": "halt", "status": 0},
]
lines = open(sys.argv[1]).read().splitlines()
got = [json.loads(line) for line in lines]
last = -1.0
for record in got:
    t = record.pop("t_us")
    assert isinstance(t, (int, float)) and t >= last, ("t_us", t)
    last = t
assert got == want, (got, want)
PY
then
	fail trace-json "$(tail -c 400 "$TMP/json.check")"
else
	pass trace-json
fi

# Interrupts: the timer guest takes 3 ticks of IRQ 0, vector 0x20 (the SDK
# programs the master 8259's base to 0x20), each after a hlt wait.
run interrupts "$VMM" -guest "$G/timer_test-multiboot64.elf" -append 3 \
	-trace "exits=$TMP/timer.trace" -timeout 20
touch "$TMP/timer.trace" # the counts below are 0 when vmm wrote none
injected=$(grep -cE '^ *[0-9.]+ inject vector=0x20 irq=0$' "$TMP/timer.trace")
raised=$(grep -cE '^ *[0-9.]+ irq line=0$' "$TMP/timer.trace")
waits=$(grep -cE '^ *[0-9.]+ wake waited_us=[0-9]+\.[0-9]{3}$' "$TMP/timer.trace")
if [ "$rc" -ne 0 ] || [ "$injected" -lt 3 ] || [ "$raised" -lt 3 ] || [ "$waits" -lt 1 ]; then
	fail trace-interrupts "status $rc, $injected injections of 0x20, $raised raises of IRQ 0, $waits hlt waits: $(grep -vE ' io ' "$TMP/timer.trace" | head -c 400 | tr '\n' '|')"
elif ! grep -qE '^ *[0-9.]+ hlt if=1 rip=0x[0-9a-f]+$' "$TMP/timer.trace" ||
	! grep -qE 'hypercall=EXIT\(status=0x0\) status=OK' "$TMP/timer.trace" ||
	[ "$(tail -1 "$TMP/timer.trace" | sed -E 's/^ *[0-9.]+ //')" != "stop guest-exit status=0" ]; then
	fail trace-interrupts "no hlt with IF=1, EXIT hypercall or stop record: $(tail -3 "$TMP/timer.trace" | tr '\n' '|')"
else
	pass trace-interrupts
fi

# A slave line: the RTC's IRQ 8 arrives as vector 0x28 (slave base 0x28),
# while the masked timer line 0 keeps rising: each injection names line 8,
# the line the guest's 8259 programming gives that vector.
run rtc-irq8 "$VMM" -guest "$G/rtc_test-multiboot64.elf" -append irq \
	-trace "exits=$TMP/rtc.trace" -timeout 60
touch "$TMP/rtc.trace"
slave=$(grep -cE '^ *[0-9.]+ inject vector=0x28 irq=8$' "$TMP/rtc.trace")
other=$(grep -E ' inject ' "$TMP/rtc.trace" | grep -cvE ' inject vector=0x28 irq=8$')
if [ "$rc" -ne 16 ] || [ "$slave" -lt 3 ] || [ "$other" -ne 0 ]; then
	fail trace-slave-irq "status $rc (want 16), $slave injections of 0x28 from IRQ 8, $other others: $(grep ' inject ' "$TMP/rtc.trace" | sed -E 's/^ *[0-9.]+ //' | sort | uniq -c | tr '\n' '|')"
else
	pass trace-slave-irq
fi

# Refused before the guest runs: exit 2, one line, nothing on stdout.
expect_error trace-bad-spec "unknown -trace 'bogus'" "$VMM" "${SNIPPET[@]}" -trace bogus
expect_error trace-empty-file "unknown -trace 'exits='" "$VMM" "${SNIPPET[@]}" -trace exits=
expect_error trace-bad-format "unknown -trace-format 'xml'" "$VMM" "${SNIPPET[@]}" -trace exits -trace-format xml
expect_error trace-unwritable "cannot open trace file '$TMP/no/such/dir/t': No such file or directory" \
	"$VMM" "${SNIPPET[@]}" -trace "exits=$TMP/no/such/dir/t"

# A trace that cannot be written is not lost in silence: one line on stderr,
# exit status 121 (as for lost guest output); the guest's output is whole.
run trace-lost "$VMM" "${SNIPPET[@]}" -trace exits=/dev/full
if [ "$rc" -ne 121 ] || [ "$(cat "$TMP/trace-lost.out")" != "H42" ] ||
	[ "$(grep -c '^vmm: trace output lost: No space left on device$' "$TMP/trace-lost.err")" -ne 1 ]; then
	fail trace-lost "status $rc (want 121), stdout '$(cat "$TMP/trace-lost.out")', stderr: $(head -c 300 "$TMP/trace-lost.err")"
else
	pass trace-lost
fi
