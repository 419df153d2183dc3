/*
 * The guest's clock and device timers.
 *
 * vm_clock_ns() is the time devices see: CLOCK_MONOTONIC nanoseconds, except
 * that it stands still while the guest is paused (a debugger holds it), so
 * timers neither advance nor replay missed ticks when it resumes.
 *
 * A device arms a timer for an absolute vm_clock_ns() deadline; its callback
 * runs on the vCPU thread (like every device handler) once that time has
 * come: after the next exit, or by waking the vCPU out of KVM_RUN or out of
 * an idle `hlt`. Callbacks may re-arm their own timer (periodic devices do).
 */
#ifndef VMM_VM_TIMER_H
#define VMM_VM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

typedef void (*vm_timer_fn)(struct vm *vm, void *opaque);

struct vm_timer {
	uint64_t deadline_ns;   /* on vm_clock_ns()'s scale */
	vm_timer_fn fn;
	void *opaque;
	bool armed;
	struct vm_timer *next;  /* the VM's list, earliest first */
};

uint64_t vm_clock_ns(struct vm *vm);
/* The host's CLOCK_MONOTONIC in nanoseconds: run-time accounting, the
 * -timeout deadline, the display's frame clock (never paused). */
uint64_t host_monotonic_ns(void);

void vm_timer_init(struct vm_timer *t, vm_timer_fn fn, void *opaque);
/* Arms (or re-arms) t for deadline_ns; a deadline already past fires at the
 * next opportunity. vCPU thread only. */
void vm_timer_arm(struct vm *vm, struct vm_timer *t, uint64_t deadline_ns);
void vm_timer_cancel(struct vm *vm, struct vm_timer *t);

/* For the run loop: runs every callback whose deadline has come and returns
 * the earliest deadline still armed (UINT64_MAX if none). */
uint64_t vm_timers_run_due(struct vm *vm);
/* For the run loop: the vCPU thread starts and stops (the POSIX timer that
 * kicks it belongs to that thread). */
void vm_timers_thread_start(struct vm *vm);
void vm_timers_thread_stop(struct vm *vm);
/* Pause and resume the guest's clock (a debugger stop). */
void vm_clock_pause(struct vm *vm);
void vm_clock_resume(struct vm *vm);
/* Nanoseconds the guest's clock has stood still so far, the pause going on
 * included (-timeout counts running time only). Any thread. */
uint64_t vm_clock_paused_ns(struct vm *vm);

#endif
