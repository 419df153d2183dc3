/*
 * Waking the vCPU thread from other threads.
 *
 * Device state belongs to the vCPU thread: it changes only in exit handlers,
 * timer callbacks and event hooks, all run there, so devices need no locks.
 * A thread that has input for a device (the display's key presses, the
 * serial console's stdin reader) puts it in a queue of the device's own
 * (under the device's mutex), then calls vm_post_event(); the vCPU thread
 * leaves KVM_RUN or its idle `hlt`, and runs every event hook, where the
 * device moves the queued input into its registers and raises its line.
 */
#ifndef VMM_EVENTS_H
#define VMM_EVENTS_H

#include <signal.h>
#include <stdint.h>

/* The signal that makes the vCPU thread leave KVM_RUN (its handler sets
 * kvm_run.immediate_exit, so a kick just before KVM_RUN is not lost). */
#define VM_KICK_SIGNAL SIGUSR1

struct vm;

typedef void (*vm_event_fn)(struct vm *vm, void *opaque);

/* Registers fn to run on the vCPU thread after vm_post_event() (setup time). */
int vm_add_event_hook(struct vm *vm, vm_event_fn fn, void *opaque);
/* Any thread, async-signal-safe: makes the vCPU thread run the event hooks
 * soon (within one exit, or at once when it idles in hlt). */
void vm_post_event(struct vm *vm);

/* Wakes the vCPU thread (idle wait or KVM_RUN) without posting an event. */
void vm_wake_vcpu(struct vm *vm);
/* For the run loop: runs the hooks if an event was posted. */
void vm_run_event_hooks(struct vm *vm);
/* For the run loop: sleeps until an event is posted, a stop is requested, or
 * the guest clock reaches deadline_ns (UINT64_MAX: no deadline). */
void vm_wait_for_event(struct vm *vm, uint64_t deadline_ns);

#endif
