/*
 * What this host's KVM can do for a debugger, found out once at start-up in
 * a throwaway real-mode VM of its own (a few instructions, a few exits):
 * whether an int3 exits to vmm as a breakpoint (KVM_GUESTDBG_USE_SW_BP; on
 * a software KVM it ends in an emulation failure), whether a debug-register
 * write watch fires (on this host it never does), and whether a
 * debug-register instruction breakpoint fires.
 */
#ifndef VMM_GDB_PROBE_H
#define VMM_GDB_PROBE_H

#include <stdbool.h>

struct gdb_host_caps {
	bool int3;        /* software breakpoints (int3 patching) */
	bool data_watch;  /* DR0-DR3 data breakpoints (write/access watches) */
	bool hw_break;    /* DR0-DR3 instruction breakpoints */
};

/* Runs the probe; a host where even the probe VM cannot be made gets all
 * false (the stub then steps for everything). */
void gdb_probe_host(struct gdb_host_caps *caps);

#endif
