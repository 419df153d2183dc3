#!/bin/bash
# The CMOS clock (host/devices/cmos_rtc.c) seen by the RTC guest
# (guest/programs/rtc_test.c): the date and time it reads in each mode, the
# updates it sets up itself, the alarm and periodic flags, IRQ 8 in a
# long-mode handler, the CMOS bytes;
# on vmm and, where it is installed, on QEMU with the same -rtc base.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

GUEST=$G/rtc_test-multiboot.elf
QEMU=$(command -v qemu-system-x86_64)
BASE=2026-01-02T03:04:05

qemu_rtc() { # NAME QEMU-ARGS...: the guest on QEMU, output in $TMP/NAME.out
	local name=$1 accel=-enable-kvm; shift
	[ -w /dev/kvm ] || accel=
	# Default CPU model: -cpu host fails on this host's KVM.
	timeout 120 "$QEMU" $accel -nodefaults -display none -no-reboot -monitor none -serial none \
		-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$GUEST" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
	rc=$?
}

# The four lines that read the running clock, their seconds replaced by SS:
# only those depend on how long the guest took to start.
mask_seconds() {
	sed -E 's/^((bcd|binary) (24h|12h): [0-9-]+ [A-Za-z]+ [0-9]{2}:[0-9]{2}):[0-9]{2}/\1:SS/' "$1"
}

# What the guest prints with -rtc base=2026-01-02T03:04:05 (a Friday).
cat >"$TMP/want" <<'EOF'
reg A 26 B 02 D 80
index port reads ff; index 0x8d reads register D: 80
century 0x32 20, 0x37 20
bcd 24h: 2026-01-02 Fri 03:04:SS hour byte 03
binary 24h: 2026-01-02 Fri 03:04:SS hour byte 03
binary 12h: 2026-01-02 Fri 03:04:SS hour byte 03
bcd 12h: 2026-01-02 Fri 03:04:SS hour byte 03
12h bcd midnight: SET holds yes
12h bcd midnight: then 2027-01-01 Fri 00:00:00 hour byte 12 century 20
12h binary noon: SET holds yes
12h binary noon: then 2026-03-03 Tue 12:00:00 hour byte 8c century 14
24h binary leap: SET holds yes
24h binary leap: then 2028-02-29 Tue 00:00:00 hour byte 00 century 14
24h bcd century: SET holds yes
24h bcd century: then 2100-01-01 Fri 00:00:00 hour byte 00 century 21
alarm 10:00:01: AF at 10:00:01, IRQF set
alarm don't care: AF at 10:00:11, UF set, IRQF clear
periodic rate 6: 16 PF flags with IRQF
done
EOF

# The seconds the guest read: at or after the base's 05, in order (each
# reading comes after the one before). No bound above but the minute's end:
# a loaded host may take seconds to start a guest, and QEMU's firmware does.
seconds_ok() { # FILE
	local secs
	secs=$(grep -oE '^(bcd|binary) (24h|12h): [0-9-]+ [A-Za-z]+ 03:04:[0-9]{2}' "$1" | grep -oE '[0-9]{2}$')
	[ "$(wc -l <<<"$secs")" -eq 4 ] || return 1
	sort -c -n <<<"$secs" 2>/dev/null && [ "$(head -1 <<<"$secs")" -ge 5 ]
}

# The guest's main returns 16: status 16 on vmm, (16 << 1) | 1 = 33 on QEMU.
check_fixed_date() { # NAME OUTFILE [STATUS]: the guest's output against $TMP/want
	local name=$1 out=$2 status=${3:-16}
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "exit status $rc, expected $status; stderr: $(head -c 300 "${out%.out}.err")"
	elif ! diff <(mask_seconds "$out") "$TMP/want" >"$TMP/$name.diff"; then
		fail "$name" "output differs: $(head -8 "$TMP/$name.diff" | tr '\n' '|')"
	elif ! seconds_ok "$out"; then
		fail "$name" "seconds not from 05 on and in order: $(grep ' 03:04:' "$out" | tr '\n' '|')"
	else
		pass "$name"
	fi
}

run rtc-fixed-date "$VMM" -rtc base=$BASE -guest "$GUEST" -timeout 60
check_fixed_date rtc-fixed-date "$TMP/rtc-fixed-date.out"

# expect_clock NAME WANT RTC-BASE: the guest's clock lines (-append clock),
# seconds masked, against WANT.
expect_clock() {
	local name=$1 want=$2 base=$3
	run "$name" "$VMM" -rtc "$base" -guest "$GUEST" -append clock -timeout 60
	if [ "$rc" -ne 16 ]; then
		fail "$name" "exit status $rc, expected 16; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ "$(mask_seconds "$TMP/$name.out")" != "$want" ]; then
		fail "$name" "stdout was '$(tr '\n' '|' <"$TMP/$name.out")'"
	else
		pass "$name"
	fi
}
CLOCK_HEAD='reg A 26 B 02 D 80
index port reads ff; index 0x8d reads register D: 80
century 0x32 20, 0x37 20'

# 15:30 in 12-hour mode: the PM bit (0x80 | 3); binary 24 h: 0x0f.
expect_clock rtc-pm-hour "$CLOCK_HEAD
bcd 24h: 2026-07-04 Sat 15:30:SS hour byte 15
binary 24h: 2026-07-04 Sat 15:30:SS hour byte 0f
binary 12h: 2026-07-04 Sat 15:30:SS hour byte 83
bcd 12h: 2026-07-04 Sat 15:30:SS hour byte 83" base=2026-07-04T15:30:00

# QEMU's short form, a date alone: midnight, 12 AM.
expect_clock rtc-date-only "$CLOCK_HEAD
bcd 24h: 2026-01-02 Fri 00:00:SS hour byte 00
binary 24h: 2026-01-02 Fri 00:00:SS hour byte 00
binary 12h: 2026-01-02 Fri 00:00:SS hour byte 0c
bcd 12h: 2026-01-02 Fri 00:00:SS hour byte 12" base=2026-01-02

# The default is the host's clock in UTC (base=utc), and base=localtime the
# host's wall clock in $TZ: the date and hour the guest read are those of
# `date` just before or just after it ran. vmm runs with TZ 14 hours east
# of UTC, so a clock in the wrong zone cannot pass.
host_clock_matches() { # NAME ZONE-WANTED [RTC-ARGS...]
	local name=$1 zone=$2 before after got; shift 2
	before=$(TZ=$zone date '+%Y-%m-%d %H')
	run "$name" env TZ=UTC-14 "$VMM" "$@" -guest "$GUEST" -append clock -timeout 60
	after=$(TZ=$zone date '+%Y-%m-%d %H')
	got=$(sed -nE 's/^bcd 24h: ([0-9-]+) [A-Za-z]+ ([0-9]{2}):.*/\1 \2/p' "$TMP/$name.out")
	if [ "$rc" -ne 16 ]; then
		fail "$name" "exit status $rc; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ "$got" != "$before" ] && [ "$got" != "$after" ]; then
		fail "$name" "guest read '$got', host says '$before' / '$after' in $zone"
	else
		pass "$name"
	fi
}
host_clock_matches rtc-default-utc UTC
host_clock_matches rtc-base-utc UTC -rtc base=utc
host_clock_matches rtc-base-localtime UTC-14 -rtc base=localtime

# Bad values: one line, exit 2, the guest never runs.
for bad in base=2026-02-30 base=2026-01-02T25:00:00 base=yesterday clock=vm; do
	expect_error "rtc-bad-$bad" "^vmm: bad -rtc '$bad'" "$VMM" -rtc "$bad" -guest "$GUEST"
done

# The CMOS bytes after the clock (0x10-0x7F) for three memory sizes; the
# largest (extended memory capped, 0x34/0x35 near the top) against QEMU's
# here, all of them against QEMU's recorded dumps in tests/unit/test_cmos_rtc.c.
for mem in 64 512 3000; do
	run "rtc-cmos-$mem" "$VMM" -mem ${mem}M -guest "$GUEST" -append cmos -timeout 60
	if [ "$rc" -ne 16 ] || [ "$(grep -c '^cmos ' "$TMP/rtc-cmos-$mem.out")" -ne 8 ]; then
		fail "rtc-cmos-$mem" "exit status $rc, output: $(head -c 300 "$TMP/rtc-cmos-$mem.out")"
	else
		pass "rtc-cmos-$mem"
	fi
done
has_lines rtc-cmos-512-memory-bytes "$TMP/rtc-cmos-512.out" \
	"cmos 10: 00 00 00 00 06 80 02 ff ff 00 00 00 00 00 00 00" \
	"cmos 30: ff ff 20 00 00 1f 00 20 30 00 00 00 00 12 00 00"
if [ -z "$QEMU" ]; then
	skip rtc-cmos-3000-same-as-qemu "qemu-system-x86_64 is not installed"
else
	qemu_rtc rtc-cmos-3000.qemu -m 3000 -append cmos
	if [ "$rc" -eq 33 ] && diff <(grep -v '^cmos 00' "$TMP/rtc-cmos-3000.out") \
		<(grep -v '^cmos 00' "$TMP/rtc-cmos-3000.qemu.out") >"$TMP/cmos.diff"; then
		pass rtc-cmos-3000-same-as-qemu
	else
		fail rtc-cmos-3000-same-as-qemu "status $rc: $(tr '\n' '|' <"$TMP/cmos.diff")"
	fi
fi

# IRQ 8 taken by a long-mode IDT handler: update-ended and alarm together,
# then 32 periodic interrupts (register C read in the handler each time),
# with vmm's 8259s and with KVM's (where IRQ 8 is KVM_IRQ_LINE).
GUEST64=$G/rtc_test-multiboot64.elf
IRQ_WANT='irq 8: update and alarm at 10:00:01, register C b0
irq 8: 32 periodic interrupts, register C c0
done'
expect rtc-irq8 16 "$IRQ_WANT" "$VMM" -guest "$GUEST64" -append irq -timeout 60
expect rtc-irq8-kernel-irqchip 16 "$IRQ_WANT" "$VMM" -irqchip kernel -guest "$GUEST64" -append irq -timeout 60

# The differential: QEMU with the same -rtc base prints the same lines
# (12-hour PM hours included: the guest's noon and midnight updates).
if [ -z "$QEMU" ]; then
	skip rtc-fixed-date-same-as-qemu "qemu-system-x86_64 is not installed"
	skip rtc-irq8-same-as-qemu "qemu-system-x86_64 is not installed"
else
	qemu_rtc rtc-fixed-date.qemu -rtc base=$BASE
	check_fixed_date rtc-fixed-date-same-as-qemu "$TMP/rtc-fixed-date.qemu.out" 33
	GUEST=$GUEST64 qemu_rtc rtc-irq8.qemu -append irq
	if [ "$rc" -eq 33 ] && [ "$(cat "$TMP/rtc-irq8.qemu.out")" = "$IRQ_WANT" ]; then
		pass rtc-irq8-same-as-qemu
	else
		fail rtc-irq8-same-as-qemu "status $rc, output '$(tr '\n' '|' <"$TMP/rtc-irq8.qemu.out")'"
	fi
fi
