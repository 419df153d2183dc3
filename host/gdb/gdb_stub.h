/*
 * vmm's gdb remote stub (docs/debugging.md): `-gdb tcp::PORT` (or -s) lets
 * one gdb at a time debug the guest over the remote protocol.
 *
 * Threads. The stub runs on a thread of its own: it accepts the client,
 * reads packets and answers them. The vCPU thread never waits for gdb's
 * socket; when the guest must stop (Ctrl-C, -S, a breakpoint, a crash) the
 * vCPU thread "parks" in the stub: it records why, tells the stub thread
 * (an eventfd), pauses the guest clock and waits on a condition variable
 * until gdb resumes it, detaches, kills, or vmm is asked to stop. While it is
 * parked the stub thread reads and writes registers, memory and the guest
 * debug state with the vCPU's ioctls (KVM serializes them; the vCPU is not
 * in KVM_RUN). A stop is requested with the run loop's own protocol: a flag,
 * then immediate_exit and a kick (vm_wake_vcpu); never pthread_cancel.
 *
 * The hooks for the run loop (run.c) do nothing when vm->gdb is NULL.
 */
#ifndef VMM_GDB_STUB_H
#define VMM_GDB_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb_regs.h"

struct vm;
struct gdb_stub;

/* gdb's signal numbers for stop replies. */
#define GDB_SIGINT  2
#define GDB_SIGILL  4
#define GDB_SIGTRAP 5
#define GDB_SIGSEGV 11

/* The status vmm exits with when gdb kills the guest (`kill`, `k`). */
#define GDB_KILL_STATUS 119

struct gdb_stub_config {
	const char *spec;   /* tcp::PORT, tcp:HOST:PORT or unix:PATH */
	bool wait;          /* -S: stop before the first instruction */
	bool arch_forced;   /* -gdb-arch */
	enum gdb_arch arch;
	bool verbose;       /* -v: the host's breakpoint support */
};

/* Checks a -gdb spec without opening anything: 0, or -1 with a message. */
int gdb_stub_parse_spec(const char *spec, char *err, size_t errlen);
/*
 * Opens the listening socket (before the sandbox: it forbids socket and
 * bind), probes the host's debug support, chooses the register layout from
 * the vCPU's mode now (after the loader set it up) unless forced, starts the
 * stub's thread and sets vm->gdb. Returns 0, or -1 with a message in err
 * (*usage set when the spec itself is bad).
 */
int gdb_stub_start(struct vm *vm, const struct gdb_stub_config *cfg, char *err, size_t errlen,
		   bool *usage);
/* The run ended with `status`: an attached gdb is told (W packet) and let go. */
void gdb_stub_guest_ended(struct vm *vm, int status);
/* Stops the stub's thread, closes its sockets; vm->gdb becomes NULL. */
void gdb_stub_stop(struct vm *vm);

/* --- run loop hooks (vCPU thread) ---------------------------------------- */

/* Before entering the guest: parks the vCPU if gdb asked for a stop.
 * Returns true if it parked (the caller re-checks what changed meanwhile). */
bool gdb_stub_hold(struct vm *vm);
/* True while gdb single-steps the guest ('s'): the run loop injects no
 * interrupt then, so a step does not land in an interrupt handler (QEMU's
 * default too); pending interrupts come at the next continue. */
bool gdb_stub_single_stepping(struct vm *vm);
/* KVM_EXIT_DEBUG: returns false if no stub is there to take it. */
bool gdb_stub_debug_exit(struct vm *vm);
/* A triple fault (GDB_SIGSEGV) or an emulation failure / failed entry /
 * unknown exit (GDB_SIGILL): with gdb attached, the vCPU parks with its
 * state intact until gdb lets it go; the caller then ends the run as usual. */
void gdb_stub_crash(struct vm *vm, int gdb_signal);

#endif
