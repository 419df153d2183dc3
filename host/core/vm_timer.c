/*
 * The guest's clock and device timers (vm_timer.h).
 *
 * Armed timers form a list sorted by deadline. While the guest runs, a POSIX
 * timer aimed at the vCPU thread fires at the earliest deadline and kicks it
 * out of KVM_RUN (run.c's kick handler); the run loop then calls
 * vm_timers_run_due(). While the guest idles in hlt, vm_wait_for_event()
 * sleeps until that deadline itself.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* Set on the vCPU thread while it runs (a thread-local flag: asking for
 * the thread id at every timer change would be a system call each time). */
static _Thread_local bool on_vcpu_thread;

uint64_t host_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vm_clock_ns(struct vm *vm)
{
	uint64_t now = vm->clock_paused_at ? vm->clock_paused_at : host_monotonic_ns();
	return now - vm->clock_paused_total;
}

void vm_clock_pause(struct vm *vm)
{
	if (!vm->clock_paused_at)
		vm->clock_paused_at = host_monotonic_ns();
}

void vm_clock_resume(struct vm *vm)
{
	uint64_t at = atomic_load(&vm->clock_paused_at);
	if (at) {
		/* The total first: a reader on another thread may then count
		 * the pause twice for a moment, never miss it (a -timeout must
		 * not fire because of it). */
		atomic_fetch_add(&vm->clock_paused_total, host_monotonic_ns() - at);
		atomic_store(&vm->clock_paused_at, 0);
	}
}

uint64_t vm_clock_paused_ns(struct vm *vm)
{
	uint64_t at = atomic_load(&vm->clock_paused_at); /* before the total: see above */
	return atomic_load(&vm->clock_paused_total) + (at ? host_monotonic_ns() - at : 0);
}

void vm_timer_init(struct vm_timer *t, vm_timer_fn fn, void *opaque)
{
	*t = (struct vm_timer){ .fn = fn, .opaque = opaque };
}

static void unlink_timer(struct vm *vm, struct vm_timer *t)
{
	for (struct vm_timer **p = &vm->timers; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->next = NULL;
	t->armed = false;
}

/* Aims the POSIX timer at the earliest deadline, so that a guest that runs
 * without exits still leaves KVM_RUN when a device's time comes. Created on
 * first use: a guest without timers costs nothing. */
static void aim_posix_timer(struct vm *vm)
{
	uint64_t deadline = vm->timers ? vm->timers->deadline_ns : 0;
	if (deadline == vm->posix_timer_deadline)
		return;
	/* The timer signals the vCPU thread; timers armed before it runs (at
	 * setup) are aimed when it starts. */
	if (!on_vcpu_thread)
		return;
	if (!vm->posix_timer_created) {
		if (!deadline)
			return;
		struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = VM_KICK_SIGNAL };
		sev.sigev_notify_thread_id = vm->vcpu_tid;
		timer_t id;
		if (timer_create(CLOCK_MONOTONIC, &sev, &id) < 0) {
			perror("vmm: timer_create");
			return;
		}
		vm->posix_timer = id;
		vm->posix_timer_created = true;
	}
	/* Back from the guest clock to CLOCK_MONOTONIC (they differ by the time
	 * spent paused); 0 disarms. */
	struct itimerspec its = { 0 };
	if (deadline) {
		uint64_t host = deadline + vm->clock_paused_total;
		if (host == 0)
			host = 1;
		its.it_value.tv_sec = (time_t)(host / 1000000000ull);
		its.it_value.tv_nsec = (long)(host % 1000000000ull);
	}
	timer_settime((timer_t)vm->posix_timer, TIMER_ABSTIME, &its, NULL);
	vm->posix_timer_deadline = deadline;
}

void vm_timer_arm(struct vm *vm, struct vm_timer *t, uint64_t deadline_ns)
{
	if (t->armed)
		unlink_timer(vm, t);
	t->deadline_ns = deadline_ns;
	t->armed = true;
	struct vm_timer **p = &vm->timers;
	while (*p && (*p)->deadline_ns <= deadline_ns)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	aim_posix_timer(vm);
}

void vm_timer_cancel(struct vm *vm, struct vm_timer *t)
{
	if (!t->armed)
		return;
	unlink_timer(vm, t);
	aim_posix_timer(vm);
}

uint64_t vm_timers_run_due(struct vm *vm)
{
	if (!vm->timers)
		return UINT64_MAX;
	uint64_t now = vm_clock_ns(vm);
	/* A callback may re-arm its timer, even for a time already past: bound
	 * the rounds so that a device cannot hold the vCPU thread here. */
	for (int rounds = 0; vm->timers && vm->timers->deadline_ns <= now && rounds < 64; rounds++) {
		struct vm_timer *t = vm->timers;
		unlink_timer(vm, t);
		t->fn(vm, t->opaque);
	}
	aim_posix_timer(vm);
	return vm->timers ? vm->timers->deadline_ns : UINT64_MAX;
}

void vm_timers_thread_start(struct vm *vm)
{
	vm->vcpu_tid = (pid_t)syscall(SYS_gettid);
	on_vcpu_thread = true;
	vm->posix_timer_deadline = UINT64_MAX; /* not aimed yet */
	aim_posix_timer(vm);
}

void vm_timers_thread_stop(struct vm *vm)
{
	if (vm->posix_timer_created)
		timer_delete((timer_t)vm->posix_timer);
	vm->posix_timer_created = false;
	vm->vcpu_tid = 0;
	on_vcpu_thread = false;
}
