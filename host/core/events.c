/*
 * Waking the vCPU thread (events.h): a flag says "run the event hooks", an
 * eventfd wakes the thread when it sleeps in an idle hlt, and the kick
 * signal makes it leave KVM_RUN. The eventfd keeps a post made just before
 * the thread goes to sleep: nothing is lost between the check and the wait.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

int vm_add_event_hook(struct vm *vm, vm_event_fn fn, void *opaque)
{
	if (vm->n_event_hooks == VM_MAX_EVENT_HOOKS)
		return -1;
	vm->event_hooks[vm->n_event_hooks++] = (struct vm_hook){ fn, opaque };
	return 0;
}

/* Wakes the vCPU thread wherever it is: in hlt's wait (the eventfd) or in
 * KVM_RUN (the kick). */
void vm_wake_vcpu(struct vm *vm)
{
	uint64_t one = 1;
	if (vm->wake_fd >= 0 && write(vm->wake_fd, &one, sizeof(one)) < 0) {
		/* The counter is full only if nobody reads it: already awake. */
	}
	if (atomic_load(&vm->vcpu_running) && !pthread_equal(pthread_self(), vm->vcpu_thread))
		pthread_kill(vm->vcpu_thread, VM_KICK_SIGNAL);
}

void vm_post_event(struct vm *vm)
{
	atomic_store(&vm->event_posted, true);
	vm_wake_vcpu(vm);
}

void vm_run_event_hooks(struct vm *vm)
{
	/* A plain load first: this runs at every exit, and nearly always
	 * finds nothing posted (the exchange is a locked instruction). */
	if (!atomic_load_explicit(&vm->event_posted, memory_order_relaxed) ||
	    !atomic_exchange(&vm->event_posted, false))
		return;
	for (int i = 0; i < vm->n_event_hooks; i++)
		vm->event_hooks[i].fn(vm, vm->event_hooks[i].opaque);
}

void vm_wait_for_event(struct vm *vm, uint64_t deadline_ns)
{
	if (atomic_load(&vm->event_posted) || atomic_load(&vm->stop_reason) != STOP_NONE)
		return;
	struct timespec ts, *timeout = NULL;
	if (deadline_ns != UINT64_MAX) {
		uint64_t now = vm_clock_ns(vm);
		uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
		ts.tv_sec = (time_t)(left / 1000000000ull);
		ts.tv_nsec = (long)(left % 1000000000ull);
		timeout = &ts;
	}
	struct pollfd pfd = { .fd = vm->wake_fd, .events = POLLIN };
	uint64_t t0 = host_monotonic_ns();
	int ready = ppoll(&pfd, 1, timeout, NULL);
	vm->stats.idle_ns += host_monotonic_ns() - t0;
	if (ready > 0) {
		uint64_t count;
		if (read(vm->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN) {
			/* Nothing to do: the next wait simply wakes again. */
		}
	}
}
