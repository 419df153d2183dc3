#!/bin/bash
# Interrupts, the timer and `hlt` (issue 10), side by side in one run:
#
#  (a) start-up of guests that use no interrupt: bare_kvm (the baseline),
#      vmm (default: the user-space 8259/8254) and vmm -irqchip kernel (KVM's
#      chips, which cost their teardown at every exit): startup_bench.sh's
#      rounds with one more row, and density (bench/density, N VMs at once).
#      Goals for the default: <= 1.5x bare_kvm, >= 500 starts/s.
#  (b) idle cost: bench/irq_guest.c with `-append idle` (long mode, PIT at
#      100 Hz, `sti; hlt` loop) on vmm, vmm -sandbox off, vmm -irqchip
#      kernel and QEMU (-enable-kvm, default CPU, -kernel), all idling at
#      once: CPU time of each whole process (all its threads,
#      /proc/PID/task/*/schedstat) over IDLE_ROUNDS windows of IDLE_S
#      seconds once every guest has said "idle", as % of one core, the
#      median window. Goal: <= 1%.
#  (c) timer accuracy: the same guest with `-append ACC_S` counts its ticks
#      while the CMOS clock advances ACC_S seconds; at 100 Hz that should be
#      100 * ACC_S ticks (the guest reads the RTC once per tick: +-1 tick).
#      Goal: within 1%.
# Ratios are against rows measured in this same run. No assertion here: the
# goals are printed next to the numbers.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VMM=${VMM:-$BUILD/vmm}
IDLE_S=${IDLE_S:-5}
IDLE_ROUNDS=${IDLE_ROUNDS:-3}
ACC_S=${ACC_S:-10}
DENSITY_N=${DENSITY_N:-100}
DENSITY_TRIALS=${DENSITY_TRIALS:-3}
PARTS=${PARTS:-abc} # which of (a), (b), (c) to run
GUEST=$BUILD/guest/irq_guest-multiboot64.elf
QEMU=$(command -v qemu-system-x86_64 || true)
for f in "$VMM" "$GUEST" "$BUILD/bench/density" "$BUILD/bench/tiny_mb-idle.elf"; do
	[ -f "$f" ] || { echo "irq: needs $f (make bench-bins all)"; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The emulators of (b) and (c): label|command (the kernel and -append follow).
rows=("vmm|$VMM -display none -guest" "vmm -irqchip kernel|$VMM -display none -irqchip kernel -guest")
if [ -n "$QEMU" ]; then
	accel=-enable-kvm
	[ -w /dev/kvm ] || accel=
	# Default CPU model: -cpu host fails on this host's KVM.
	rows+=("QEMU 7.2 ($accel)|$QEMU $accel -nodefaults -display none -no-reboot -monitor none -serial none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel")
fi
failed=
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*\<$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "== irq: interrupts, timer and hlt: start-up, idle cost, timer accuracy (one run) =="
echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; the host is shared: compare ratios)"

# ---- (a) start-up and density ----
if [[ $PARTS == *a* ]]; then
	echo
	echo "(a) start-up, guests that use no interrupt (startup_bench.sh with an -irqchip kernel row):"
	COMPARE="vmm-irqchip-kernel=$VMM,-irqchip,kernel" QEMU_RUNS=0 BUILD=$BUILD VMM=$VMM \
		bash bench/startup_bench.sh | tee "$tmp/startup" | grep -v '^==' || failed=1

	echo
	echo "(a) density: $DENSITY_N VMs at once running tiny_mb-idle, median of $DENSITY_TRIALS trials:"
	echo "| command | starts/s | trials | last guest up, ms |"
	echo "|---|---:|---|---:|"
	for row in "vmm|$VMM -display none -guest" "vmm -irqchip kernel|$VMM -display none -irqchip kernel -guest"; do
		name=${row%%|*}
		read -r -a cmd <<<"${row#*|}"
		lines=()
		for _ in $(seq 1 "$DENSITY_TRIALS"); do
			out=$("$BUILD/bench/density" "$DENSITY_N" "$BUILD/bench/tiny_mb-idle.elf" "${cmd[@]}" </dev/null) \
				&& lines+=("$out") || failed=1
		done
		[ ${#lines[@]} -gt 0 ] || continue
		best=$(for l in "${lines[@]}"; do echo "$(field starts_per_s "$l") $l"; done | sort -n |
			awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }' | cut -d' ' -f2-)
		printf '| %s | %s | %s | %s |\n' "$name" "$(field starts_per_s "$best")" \
			"$(for l in "${lines[@]}"; do field starts_per_s "$l"; done | sort -n | paste -sd' ')" \
			"$(field last_ms "$best")"
		echo "$name $(field starts_per_s "$best")" >>"$tmp/density"
	done
fi

# ---- (b) idle cost ----
if [[ $PARTS == *b* ]]; then
	# All the emulators idle at the same time and are sampled over the same
	# windows, so that the host's other work weighs on each alike; IDLE_ROUNDS
	# windows of IDLE_S seconds, the median shown.

	# cpu_ns PID: CPU time of every thread of PID, in ns (schedstat's first field).
	cpu_ns() {
		cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
	}

	idle_rows=("${rows[@]:0:1}" "vmm -sandbox off|$VMM -display none -sandbox off -guest" "${rows[@]:1}")
	idle_pids=()
	for i in "${!idle_rows[@]}"; do
		read -r -a cmd <<<"${idle_rows[$i]#*|}"
		"${cmd[@]}" "$GUEST" -append idle >"$tmp/idle$i.out" 2>"$tmp/idle$i.err" </dev/null &
		idle_pids+=($!)
		pids+=($!)
	done
	for i in "${!idle_rows[@]}"; do
		waited=0
		until grep -q '^idle$' "$tmp/idle$i.out" 2>/dev/null; do
			if ! kill -0 "${idle_pids[$i]}" 2>/dev/null || [ "$waited" -ge 600 ]; then
				echo "irq: ${idle_rows[$i]%%|*} did not reach idle: $(head -c 300 "$tmp/idle$i.err")" >&2
				failed=1
				break
			fi
			sleep 0.1; waited=$((waited + 1))
		done
	done
	sleep 1 # past the start-up's own work
	: >"$tmp/idle.samples"
	for r in $(seq 1 "$IDLE_ROUNDS"); do
		w0=$EPOCHREALTIME
		c0=(); for p in "${idle_pids[@]}"; do c0+=("$(cpu_ns "$p")"); done
		sleep "$IDLE_S"
		w1=$EPOCHREALTIME
		for i in "${!idle_pids[@]}"; do
			kill -0 "${idle_pids[$i]}" 2>/dev/null || continue
			awk -v i="$i" -v c0="${c0[$i]}" -v c1="$(cpu_ns "${idle_pids[$i]}")" -v w0="$w0" -v w1="$w1" \
				'BEGIN { printf "%d %.3f\n", i, (c1 - c0) / ((w1 - w0) * 1e9) * 100 }' >>"$tmp/idle.samples"
		done
	done
	for p in "${idle_pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done

	echo
	echo "(b) idle: irq_guest -append idle (long mode, PIT 100 Hz, sti; hlt), all at once; CPU of all threads,"
	echo "    median of $IDLE_ROUNDS windows of ${IDLE_S} s:"
	echo "| emulator | CPU % of one core | windows | / QEMU |"
	echo "|---|---:|---|---:|"
	: >"$tmp/idle"
	for i in "${!idle_rows[@]}"; do
		vals=$(awk -v i="$i" '$1 == i { print $2 }' "$tmp/idle.samples" | sort -g)
		[ -n "$vals" ] || continue
		echo "${idle_rows[$i]%%|*}|$(median <<<"$vals")|$(paste -sd' ' <<<"$vals")" >>"$tmp/idle"
	done
	qemu_idle=$(awk -F'|' '/^QEMU/ { print $2 }' "$tmp/idle")
	while IFS='|' read -r name pct vals; do
		printf '| %s | %.2f | %s | %s |\n' "$name" "$pct" "$vals" \
			"$([ -n "$qemu_idle" ] && awk -v a="$pct" -v b="$qemu_idle" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
	done <"$tmp/idle"
	echo "goal: vmm <= 1% of a core"
fi

# ---- (c) timer accuracy ----
if [[ $PARTS == *c* ]]; then
	echo
	echo "(c) timer accuracy: ticks at 100 Hz while the guest's RTC advances ${ACC_S} s (expected $((ACC_S * 100)), +-1 tick = +-$(awk -v s="$ACC_S" 'BEGIN { printf "%.2f", 1 / s }')%):"
	echo "| emulator | ticks | error % | wall s |"
	echo "|---|---:|---:|---:|"
	for row in "${rows[@]}"; do
		name=${row%%|*}
		read -r -a cmd <<<"${row#*|}"
		start=$EPOCHREALTIME
		timeout $((ACC_S + 60)) "${cmd[@]}" "$GUEST" -append "$ACC_S" >"$tmp/acc.out" 2>"$tmp/acc.err" </dev/null
		rc=$?
		end=$EPOCHREALTIME
		t=$(sed -n 's/^rtc: \([0-9]*\) ticks in .*/\1/p' "$tmp/acc.out")
		want=16 # main returns 16: the EXIT hypercall on vmm, (16 << 1) | 1 = 33 on QEMU
		[[ $name == QEMU* ]] && want=33
		if [ "$rc" -ne "$want" ] || [ -z "$t" ]; then
			echo "irq: $name accuracy run: status $rc, $(head -c 200 "$tmp/acc.out") $(head -c 200 "$tmp/acc.err")" >&2
			failed=1
			continue
		fi
		err=$(awk -v t="$t" -v s="$ACC_S" 'BEGIN { printf "%+.2f", (t / (100 * s) - 1) * 100 }')
		printf '| %s | %s | %s | %.1f |\n' "$name" "$t" "$err" \
			"$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
		echo "$name|$t|$err" >>"$tmp/acc"
	done
	echo "goal: within 1%"
fi

# ---- summary: the ratios ----
echo
echo "summary (this run):"
[ -f "$tmp/startup" ] && for k in tiny_mb-exit hello_mb; do
	awk -v k="$k" '
		/^kernel / { cur = $2; sub(":", "", cur) }
		cur == k && $2 == "vmm" && $3 == "|" { v = $(NF - 3) }
		cur == k && $2 == "vmm-irqchip-kernel" { kv = $(NF - 3) }
		END { printf "  start-up %s: vmm %.2fx bare_kvm (goal <= 1.5), vmm -irqchip kernel %.2fx\n", k, v, kv }
	' "$tmp/startup"
done
[ -f "$tmp/density" ] && awk '{ n = $NF; $NF = ""; printf "  density: %s%s starts/s\n", $0, n }' "$tmp/density" \
	&& echo "  (goal for vmm: >= 500 starts/s)"
[ -f "$tmp/idle" ] && while IFS='|' read -r name pct _; do
	printf '  idle: %s %.2f%% of a core' "$name" "$pct"
	[ -n "$qemu_idle" ] && awk -v a="$pct" -v b="$qemu_idle" 'BEGIN { if (b > 0) printf " (%.2fx QEMU)", a / b }'
	echo
done <"$tmp/idle"
[ -f "$tmp/acc" ] && while IFS='|' read -r name t err; do
	printf '  timer: %s %s ticks in %s s of RTC time, error %s%%\n' "$name" "$t" "$ACC_S" "$err"
done <"$tmp/acc"
[ -z "$failed" ] || { echo "irq: a measurement failed"; exit 1; }
