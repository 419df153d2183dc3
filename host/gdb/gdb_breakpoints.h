/*
 * Breakpoints and watchpoints for the gdb stub, served the best way this
 * host's KVM allows (gdb_probe.h finds out at start-up):
 *
 *   Z0 (breakpoint)  int3 patched into guest memory where KVM reports int3
 *                    (KVM_GUESTDBG_USE_SW_BP); else a debug-register slot
 *                    (DR0-DR3, an instruction breakpoint); else, beyond the
 *                    four slots, single-stepping with an address check.
 *   Z1 (hbreak)      a debug-register slot.
 *   Z2 (watch)       a debug-register slot where KVM reports data
 *                    breakpoints; else single-stepping and comparing the
 *                    watched bytes after each instruction.
 *   Z3/Z4 (rwatch/awatch)  a debug-register slot, and only where data
 *                    breakpoints work (reads cannot be seen by comparing):
 *                    otherwise refused with an empty reply.
 *
 * Who yields a slot: Z1, Z2-Z4 have first claim on the four slots. A Z0
 * served from a slot gives its slot up to them and moves to single-stepping
 * (still correct, slower); a Z1-Z4 finding all four slots held by Z1-Z4
 * is refused with an error (gdb: "Could not insert hardware breakpoint").
 *
 * This module is data only: the stub applies gdb_bp_debug_config() with
 * KVM_SET_GUEST_DEBUG and asks gdb_bp_check() after each debug exit.
 */
#ifndef VMM_GDB_BREAKPOINTS_H
#define VMM_GDB_BREAKPOINTS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

enum gdb_bp_type { GDB_BP_SW = 0, GDB_BP_HW, GDB_WATCH_WRITE, GDB_WATCH_READ, GDB_WATCH_ACCESS };
enum gdb_bp_how { GDB_BY_INT3, GDB_BY_SLOT, GDB_BY_STEPPING };

#define GDB_MAX_BREAKPOINTS 64
#define GDB_DEBUG_SLOTS 4
#define GDB_WATCH_MAX_LEN 8

struct gdb_bp {
	bool used;
	enum gdb_bp_type type;
	enum gdb_bp_how how;
	uint64_t addr;
	unsigned len;
	int slot;                              /* GDB_BY_SLOT */
	uint8_t saved;                         /* GDB_BY_INT3: the byte under 0xCC */
	bool have_value;                       /* GDB_BY_STEPPING watch: value known */
	uint8_t value[GDB_WATCH_MAX_LEN];      /* ... the watched bytes last seen */
};

struct gdb_breakpoints {
	bool int3_works, data_watch_works;
	struct gdb_bp bp[GDB_MAX_BREAKPOINTS];
	int slot_owner[GDB_DEBUG_SLOTS]; /* index in bp[], or -1 */
};

void gdb_bp_init(struct gdb_breakpoints *b, bool int3_works, bool data_watch_works);
/* 0: inserted; 1: not supported here (reply empty: gdb falls back);
 * -1: refused (no slot, memory not writable, table full). */
int gdb_bp_insert(struct gdb_breakpoints *b, struct vm *vm, enum gdb_bp_type type,
		  uint64_t addr, unsigned len);
/* 0, or -1 if there was no such breakpoint. */
int gdb_bp_remove(struct gdb_breakpoints *b, struct vm *vm, enum gdb_bp_type type,
		  uint64_t addr, unsigned len);
/* Removes everything, restoring patched bytes (detach, kill). */
void gdb_bp_remove_all(struct gdb_breakpoints *b, struct vm *vm);

/* True when continuing must single-step (a breakpoint or watch served by
 * stepping is set). */
bool gdb_bp_needs_stepping(const struct gdb_breakpoints *b);
/* Records the watched bytes now (before each resume: gdb may have written
 * them while the guest was stopped). */
void gdb_bp_snapshot(struct gdb_breakpoints *b, struct vm *vm);
/* KVM_SET_GUEST_DEBUG's argument for the breakpoints set, plus single-step;
 * an instruction breakpoint in a slot at skip_exec_at is left out (stepping
 * over it: nothing else makes a debug-register breakpoint let the vCPU
 * leave its address; pass GDB_NO_ADDR to leave nothing out). */
#define GDB_NO_ADDR UINT64_MAX
void gdb_bp_debug_config(const struct gdb_breakpoints *b, bool single_step,
			 uint64_t skip_exec_at, struct kvm_guest_debug *dbg);
/* True if a slot holds an instruction breakpoint at addr. */
bool gdb_bp_slot_exec_at(const struct gdb_breakpoints *b, uint64_t addr);
/* After gdb wrote [addr, addr+len): the written bytes under a patched int3
 * become its saved byte, and the int3 goes back (gdb keeps its breakpoint). */
void gdb_bp_repatch_write(struct gdb_breakpoints *b, struct vm *vm, uint64_t addr,
			  const uint8_t *buf, size_t len);
/* Puts back the bytes int3 patching hid in [addr, addr+len) of a read. */
void gdb_bp_unpatch_read(const struct gdb_breakpoints *b, uint64_t addr, uint8_t *buf, size_t len);

/* What a debug exit means. */
enum gdb_hit { GDB_HIT_NONE, GDB_HIT_SWBREAK, GDB_HIT_HWBREAK, GDB_HIT_WATCH,
	       GDB_HIT_RWATCH, GDB_HIT_AWATCH, GDB_HIT_STEP };
/* Decides from KVM's debug exit (and, for stepping, the guest's pc and
 * memory) what stopped the guest; *addr gets a watch's address.
 * GDB_HIT_STEP: a single-step exit with nothing of gdb's hit (a stop only
 * if gdb asked for a step); GDB_HIT_NONE: not gdb's exit. */
enum gdb_hit gdb_bp_check(struct gdb_breakpoints *b, struct vm *vm,
			  const struct kvm_debug_exit_arch *exit, uint64_t *addr);

#endif
