/*
 * The hypercall doorbell on port 0xABBA and the calls of ABI v1 that belong
 * to the core (console, exits, time, memory). A call is one table entry and
 * one function: devices add theirs with vm_register_hypercall().
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

struct vm;

/* Claims port 0xABBA and registers the core calls. */
int hypercall_register(struct vm *vm);
/* The ABI's core calls (hc_core_calls.c); hypercall_register adds them. */
void hypercall_register_core_calls(struct vm *vm);

/* For the exit trace (host/core/trace.c): a call's name and its arguments'
 * names as abi.h gives them (NULL past the last), or NULL for a number ABI
 * v1 does not define; a status value's name ("OK", "EFAULT"...) or NULL. */
struct hypercall_info {
	const char *name;
	const char *args[4];
};
const struct hypercall_info *hypercall_info(unsigned nr);
const char *hypercall_status_name(int status);

#endif
