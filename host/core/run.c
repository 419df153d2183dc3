/*
 * The run loop: KVM_RUN on the vCPU's own thread, each exit dispatched to the
 * port or MMIO bus (no device logic here), and the stop protocol: whoever
 * wants the guest stopped sets immediate_exit and signals the vCPU thread,
 * which makes KVM_RUN return at once (never pthread_cancel).
 *
 * Between two KVM_RUNs the loop also runs what came due: event hooks posted
 * by other threads (events.h), device timers (vm_timer.h), and the
 * injection of a pending interrupt (irq.h). A `hlt` with interrupts enabled
 * waits here for the next interrupt, as on hardware; with interrupts
 * disabled nothing can wake it, and the run ends with status 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "console.h"
#include "gdb_stub.h"
#include "trace.h"
#include "vm.h"

#define CONSOLE_FLUSH_INTERVAL_NS 50000000ull /* 50 ms */

/* The vCPU thread's run area, for the kick handler (which runs on that
 * thread): setting immediate_exit there makes a KVM_RUN about to start
 * return at once, so a kick that lands just before KVM_RUN is not lost. */
static _Thread_local struct kvm_run *kicked_run;

/*
 * The deadline timeout_sec from now on host_monotonic_ns()'s clock, or 0 for none. A
 * timeout that is not a positive number (0, NaN) has none, and so has one too
 * long for 64-bit nanoseconds: converting a double beyond 2^64 to uint64_t
 * is undefined (it made -timeout 1e20 stop the guest at once), and anything
 * past 2^63 ns (292 years; infinity included) is "never" in practice.
 */
static uint64_t deadline_after(double timeout_sec)
{
	if (!(timeout_sec > 0) || timeout_sec * 1e9 >= 0x1p63)
		return 0;
	/* host_monotonic_ns() counts from boot, far below 2^63: the sum cannot wrap. */
	return host_monotonic_ns() + (uint64_t)(timeout_sec * 1e9);
}

void vm_request_stop(struct vm *vm, enum vm_stop_reason reason, int status)
{
	int expected = STOP_NONE;
	if (!atomic_compare_exchange_strong(&vm->stop_reason, &expected, reason))
		return; /* an earlier stop wins */
	vm->exit_status = status;
	vm->run->immediate_exit = 1;
	vm_wake_vcpu(vm); /* out of KVM_RUN or out of hlt's wait */
}

static void report_unclaimed_port(struct vm *vm, uint16_t port, bool is_write)
{
	uint8_t bit = (uint8_t)(1u << (port % 8));
	if (!vm->cfg.verbose || (vm->unclaimed_port_seen[port / 8] & bit))
		return;
	vm->unclaimed_port_seen[port / 8] |= bit;
	fprintf(stderr, "vmm: guest %s unclaimed port 0x%x (reported once)\n",
		is_write ? "wrote" : "read", port);
}

/* Like ports, each unclaimed MMIO page is reported once (a guest polling
 * one would otherwise flood stderr); past the table's size, no more. */
static void report_unclaimed_mmio(struct vm *vm, uint64_t addr, bool is_write)
{
	if (!vm->cfg.verbose)
		return;
	uint64_t page = addr >> 12;
	for (int i = 0; i < vm->n_unclaimed_mmio; i++)
		if (vm->unclaimed_mmio_seen[i] == page)
			return;
	if (vm->n_unclaimed_mmio == VM_UNCLAIMED_MMIO_REPORTS)
		return;
	vm->unclaimed_mmio_seen[vm->n_unclaimed_mmio++] = page;
	fprintf(stderr, "vmm: guest %s unclaimed MMIO address 0x%llx (reported once per page)\n",
		is_write ? "wrote" : "read", (unsigned long long)addr);
}

/* Port I/O, including string I/O: KVM hands us `count` elements of `size`
 * bytes at data_offset in the run area; all of them are done in this exit. */
static void handle_io(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		uint64_t value = 0;
		if (is_write)
			memcpy(&value, data, run->io.size);
		if (!bus_access(&vm->pio, run->io.port, is_write, run->io.size, &value, i == 0))
			report_unclaimed_port(vm, run->io.port, is_write);
		if (!is_write)
			memcpy(data, &value, run->io.size);
	}
}

static void handle_mmio(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t value = 0;
	unsigned len = run->mmio.len > 8 ? 8 : run->mmio.len;
	if (run->mmio.is_write)
		memcpy(&value, run->mmio.data, len);
	if (!bus_access(&vm->mmio, run->mmio.phys_addr, run->mmio.is_write, len, &value, true))
		report_unclaimed_mmio(vm, run->mmio.phys_addr, run->mmio.is_write);
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &value, len);
}

/* Handles one exit; returns false when the guest must stop. */
static bool handle_exit(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(vm);
		return true;
	case KVM_EXIT_MMIO:
		handle_mmio(vm);
		return true;
	case KVM_EXIT_HLT:
		/* Only the user-space irqchip gets here (KVM's own waits in the
		 * kernel). IF=0: no interrupt can end this hlt (vmm has no NMI
		 * source), so the guest is done. IF=1: wait for an interrupt. */
		if (!run->if_flag) {
			vm_request_stop(vm, STOP_HALT, 0);
			return false;
		}
		vm->halted = true;
		vm->stats.halts++;
		return true;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		return true; /* the loop injects the pending interrupt */
	case KVM_EXIT_SHUTDOWN:
		fprintf(stderr, "vmm: guest triple fault\n");
		vm_dump_regs(vm);
		gdb_stub_crash(vm, GDB_SIGSEGV); /* an attached gdb sees the state first */
		vm_request_stop(vm, STOP_TRIPLE_FAULT, 0);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "vmm: KVM internal error, suberror %u%s\n", run->internal.suberror,
			run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
				? " (instruction emulation failed)" : "");
		vm_dump_regs(vm);
		gdb_stub_crash(vm, GDB_SIGILL);
		vm_request_stop(vm, STOP_KVM_ERROR, 0);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(stderr, "vmm: KVM could not enter the guest, hardware reason 0x%llx\n",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vm_dump_regs(vm);
		gdb_stub_crash(vm, GDB_SIGILL);
		vm_request_stop(vm, STOP_KVM_ERROR, 0);
		return false;
	case KVM_EXIT_INTR:
		return true; /* a signal: the loop checks for a stop request */
	case KVM_EXIT_DEBUG: /* a breakpoint or single step of gdb's */
		if (gdb_stub_debug_exit(vm))
			return true;
		/* fall through - no debugger asked for it */
	default:
		fprintf(stderr, "vmm: unexpected KVM exit reason %u\n", run->exit_reason);
		vm_dump_regs(vm);
		gdb_stub_crash(vm, GDB_SIGILL);
		vm_request_stop(vm, STOP_KVM_ERROR, 0);
		return false;
	}
}

/* Set by SIGINT/SIGTERM/SIGHUP; the waiting thread turns it into a stop. */
static volatile sig_atomic_t user_signal;

/*
 * With KVM's in-kernel irqchip a hlt never reaches vmm: the vCPU sleeps in
 * the kernel. The main thread kicks it after 1 ms, 2 ms, 4 ms... and then
 * every CONSOLE_FLUSH_INTERVAL_NS (a short guest ends without waiting 50 ms;
 * a long one is checked 20 times a second); a vCPU found halted with IF=0
 * can never wake, so the run ends as a hlt does with the user-space irqchip.
 */
static void check_kernel_halt(struct vm *vm)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	if (ioctl(vm->vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 && mp.mp_state == KVM_MP_STATE_HALTED &&
	    vm_get_regs(vm, &regs) == 0 && !(regs.rflags & 0x200))
		vm_request_stop(vm, STOP_HALT, 0);
}

/*
 * What runs between two KVM_RUNs: posted events, due timers, and the wait of
 * a halted vCPU. Returns false while the vCPU must stay out of the guest.
 */
static bool ready_to_enter(struct vm *vm)
{
	/* A kick that came while the vCPU was out of KVM_RUN (a timer's
	 * signal during hlt's wait) has done its job: what it asked for runs
	 * below. Cleared first, so a kick from here on still makes KVM_RUN
	 * return at once; a stop sets stop_reason before immediate_exit and
	 * signals the thread, so it is never lost. */
	vm->run->immediate_exit = 0;
	/* A stop stores stop_reason before immediate_exit: if the store above
	 * undid a stop's, the load below sees the stop (the fence keeps the
	 * load from passing the store, which x86 otherwise allows). */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&vm->stop_reason) != STOP_NONE)
		return false;
	if (gdb_stub_hold(vm))
		return false; /* held in gdb: look again at what changed meanwhile */
	vm_run_event_hooks(vm);
	uint64_t next_timer = vm_timers_run_due(vm);
	if (vm->halted) {
		if (!irq_pending(vm)) {
			vm_wait_for_event(vm, next_timer);
			return false;
		}
		vm->halted = false;
		trace_wake(vm);
	}
	if (!gdb_stub_single_stepping(vm) && irq_before_run(vm) < 0) {
		vm_request_stop(vm, STOP_HOST_ERROR, 0);
		return false;
	}
	return true;
}

static void *vcpu_thread_main(void *arg)
{
	struct vm *vm = arg;
	kicked_run = vm->run;
	vm_timers_thread_start(vm);
	uint64_t t = host_monotonic_ns(); /* when vmm last got the vCPU back */
	while (atomic_load(&vm->stop_reason) == STOP_NONE) {
		if (!ready_to_enter(vm))
			continue;
		uint64_t t_enter = host_monotonic_ns();
		vm->stats.vmm_ns += t_enter - t; /* idle hlt waits included */
		vm->sregs_in_run = false;
		int rc = ioctl(vm->vcpu_fd, KVM_RUN, 0);
		int run_errno = errno;
		t = host_monotonic_ns();
		vm->stats.guest_ns += t - t_enter;
		if (rc >= 0)
			vm->sregs_in_run = vm->run->kvm_valid_regs & KVM_SYNC_X86_SREGS;
		/* Writes queued before this return happened before anything that
		 * follows: replay them first, on a kick too (a guest that never
		 * exits otherwise keeps a queued EOI from the 8259 forever). */
		vm_drain_coalesced(vm);
		if (rc < 0) {
			if (run_errno != EINTR && run_errno != EAGAIN) {
				fprintf(stderr, "vmm: KVM_RUN: %s\n", strerror(run_errno));
				vm_request_stop(vm, STOP_HOST_ERROR, 0);
			} else if (vm->cfg.irqchip == IRQCHIP_KERNEL) {
				check_kernel_halt(vm);
			}
		} else {
			vm->stats.exits++;
			if (vm->run->exit_reason < EXIT_REASONS_TRACKED)
				vm->stats.by_reason[vm->run->exit_reason]++;
			handle_exit(vm);
			trace_exit(vm);
		}
	}
	vm->stats.vmm_ns += host_monotonic_ns() - t;
	vm_drain_coalesced(vm); /* writes queued before a stop are not lost */
	vm_timers_thread_stop(vm);
	kicked_run = NULL;
	pthread_mutex_lock(&vm->wait_lock);
	atomic_store(&vm->vcpu_running, false);
	pthread_cond_signal(&vm->vcpu_done);
	pthread_mutex_unlock(&vm->wait_lock);
	return NULL;
}

static void kick_handler(int sig)
{
	(void)sig;
	if (kicked_run)
		kicked_run->immediate_exit = 1;
}

static void user_signal_handler(int sig)
{
	user_signal = sig;
}

static void install_handler(int sig, void (*fn)(int))
{
	/* No SA_RESTART: the kick must make KVM_RUN fail with EINTR. */
	struct sigaction sa = { .sa_handler = fn };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void run_stop_hooks(struct vm *vm)
{
	for (int i = 0; i < vm->n_stop_hooks; i++)
		vm->stop_hooks[i].fn(vm, vm->stop_hooks[i].opaque);
	console_flush();
}

enum vm_stop_reason vm_run(struct vm *vm, double timeout_sec)
{
	install_handler(VM_KICK_SIGNAL, kick_handler);
	install_handler(SIGINT, user_signal_handler);
	install_handler(SIGTERM, user_signal_handler);
	install_handler(SIGHUP, user_signal_handler);
	/* A closed stdout (`vmm ... | head`) is the console's EPIPE, not a
	 * reason to die before the stop hooks flush the disk. */
	signal(SIGPIPE, SIG_IGN);
	user_signal = 0;
	/* A VM may be run again after it stopped (tests do): start afresh. */
	atomic_store(&vm->stop_reason, STOP_NONE);
	vm->run->immediate_exit = 0;
	vm->halted = false;

	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* host_monotonic_ns()'s clock */
	pthread_cond_init(&vm->vcpu_done, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&vm->wait_lock, NULL);

	atomic_store(&vm->vcpu_running, true);
	if (pthread_create(&vm->vcpu_thread, NULL, vcpu_thread_main, vm) != 0) {
		atomic_store(&vm->vcpu_running, false);
		fprintf(stderr, "vmm: cannot start the vCPU thread\n");
		return STOP_HOST_ERROR;
	}
	uint64_t deadline = deadline_after(timeout_sec);
	/* Wake up every flush interval (or at the deadline) while the guest runs:
	 * an idle wait, not a busy one. */
	uint64_t interval = vm->cfg.irqchip == IRQCHIP_KERNEL ? 1000000 : CONSOLE_FLUSH_INTERVAL_NS;
	pthread_mutex_lock(&vm->wait_lock);
	while (atomic_load(&vm->vcpu_running)) {
		uint64_t wake = host_monotonic_ns() + interval;
		if (interval < CONSOLE_FLUSH_INTERVAL_NS)
			interval *= 2;
		if (deadline && deadline < wake)
			wake = deadline;
		struct timespec ts = { (time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull) };
		pthread_cond_timedwait(&vm->vcpu_done, &vm->wait_lock, &ts);
		if (!atomic_load(&vm->vcpu_running))
			break;
		pthread_mutex_unlock(&vm->wait_lock);
		console_flush();
		if (user_signal)
			vm_request_stop(vm, STOP_USER, 128 + user_signal);
		/* -timeout counts running time: not the time held in gdb. */
		if (deadline && host_monotonic_ns() >= deadline + vm_clock_paused_ns(vm))
			vm_request_stop(vm, STOP_TIMEOUT, 0);
		if (vm->cfg.irqchip == IRQCHIP_KERNEL)
			vm_wake_vcpu(vm); /* check_kernel_halt() */
		pthread_mutex_lock(&vm->wait_lock);
	}
	pthread_mutex_unlock(&vm->wait_lock);
	pthread_join(vm->vcpu_thread, NULL);
	pthread_cond_destroy(&vm->vcpu_done);
	pthread_mutex_destroy(&vm->wait_lock);
	run_stop_hooks(vm);
	return (enum vm_stop_reason)atomic_load(&vm->stop_reason);
}
