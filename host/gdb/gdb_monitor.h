/*
 * gdb's `monitor` commands (qRcmd): system state gdb cannot show itself.
 * The stub (gdb_stub.c) decodes qRcmd's hex into a NUL-terminated command
 * line and calls gdb_monitor_command() with the vCPU stopped (registers may
 * be read with vm_get_regs/vm_get_sregs, memory through paging.h/guest_access.h).
 */
#ifndef VMM_GDB_MONITOR_H
#define VMM_GDB_MONITOR_H

#include <stddef.h>

struct vm;

/*
 * Runs `cmd` (e.g. "regs", "translate 0x1000", "phys 0x1000 64", "stats",
 * "quit"). Writes the text for gdb's console into out (NUL-terminated,
 * truncated to outlen; the stub sends it as O packets / the qRcmd reply).
 * Returns 0 when the command was understood (even if it printed an error
 * such as an address outside RAM), -1 for an unknown command (the stub then
 * answers with an error so that gdb says so).
 * `monitor quit` sets *quit (the stub then ends the run as `k` does).
 */
int gdb_monitor_command(struct vm *vm, const char *cmd, char *out, size_t outlen, int *quit);

#endif
