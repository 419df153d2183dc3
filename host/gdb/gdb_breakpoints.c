/*
 * Breakpoints and watchpoints (the policy is in gdb_breakpoints.h): the
 * table of what gdb set, the four debug-register slots, and the checks made
 * at each debug exit.
 */
#include <string.h>

#include "gdb_breakpoints.h"
#include "guest_access.h"

#define DR6_HITS 0xfu
#define DR6_BS (1u << 14)
#define INT3 0xcc

void gdb_bp_init(struct gdb_breakpoints *b, bool int3_works, bool data_watch_works)
{
	memset(b, 0, sizeof(*b));
	b->int3_works = int3_works;
	b->data_watch_works = data_watch_works;
	for (int i = 0; i < GDB_DEBUG_SLOTS; i++)
		b->slot_owner[i] = -1;
}

static int free_slot(const struct gdb_breakpoints *b)
{
	for (int i = 0; i < GDB_DEBUG_SLOTS; i++)
		if (b->slot_owner[i] < 0)
			return i;
	return -1;
}

/* A slot for a Z1-Z4: a free one, or one a Z0 gives up (it moves to
 * stepping). -1 when all four hold Z1-Z4. */
static int claim_slot(struct gdb_breakpoints *b)
{
	int slot = free_slot(b);
	if (slot >= 0)
		return slot;
	for (int i = 0; i < GDB_DEBUG_SLOTS; i++) {
		struct gdb_bp *owner = &b->bp[b->slot_owner[i]];
		if (owner->type == GDB_BP_SW) {
			owner->how = GDB_BY_STEPPING;
			owner->slot = -1;
			b->slot_owner[i] = -1;
			return i;
		}
	}
	return -1;
}

static struct gdb_bp *find(struct gdb_breakpoints *b, enum gdb_bp_type type, uint64_t addr,
			   unsigned len)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_bp *p = &b->bp[i];
		/* gdb sends the breakpoint's kind (1 for int3) as len for Z0/Z1. */
		if (p->used && p->type == type && p->addr == addr &&
		    (type <= GDB_BP_HW || p->len == len))
			return p;
	}
	return NULL;
}

static bool slot_watch_len_ok(uint64_t addr, unsigned len)
{
	return (len == 1 || len == 2 || len == 4 || len == 8) && (addr & (len - 1)) == 0;
}

int gdb_bp_insert(struct gdb_breakpoints *b, struct vm *vm, enum gdb_bp_type type,
		  uint64_t addr, unsigned len)
{
	if (find(b, type, addr, len))
		return 0; /* gdb may insert again after a reconnect */
	bool is_watch = type >= GDB_WATCH_WRITE;
	if (is_watch && (len == 0 || len > GDB_WATCH_MAX_LEN))
		return -1;
	if ((type == GDB_WATCH_READ || type == GDB_WATCH_ACCESS) && !b->data_watch_works)
		return 1; /* a read cannot be seen by comparing: let gdb say so */
	int idx = -1;
	for (int i = 0; i < GDB_MAX_BREAKPOINTS && idx < 0; i++)
		if (!b->bp[i].used)
			idx = i;
	if (idx < 0)
		return -1;
	struct gdb_bp p = { .used = true, .type = type, .addr = addr, .len = len, .slot = -1 };
	if (type == GDB_BP_SW && b->int3_works) {
		uint8_t int3 = INT3;
		if (vm_copy_from_gva(vm, addr, &p.saved, 1) < 0 || vm_copy_to_gva(vm, addr, &int3, 1) < 0)
			return -1;
		p.how = GDB_BY_INT3;
	} else if (type == GDB_BP_SW) {
		p.slot = free_slot(b);
		p.how = p.slot >= 0 ? GDB_BY_SLOT : GDB_BY_STEPPING;
	} else if (type == GDB_WATCH_WRITE && !b->data_watch_works) {
		p.how = GDB_BY_STEPPING;
	} else {
		if (is_watch && !slot_watch_len_ok(addr, len))
			return -1;
		p.slot = claim_slot(b);
		if (p.slot < 0)
			return -1;
		p.how = GDB_BY_SLOT;
	}
	if (p.how == GDB_BY_SLOT)
		b->slot_owner[p.slot] = idx;
	b->bp[idx] = p;
	if (p.how == GDB_BY_STEPPING && is_watch)
		b->bp[idx].have_value = vm_copy_from_gva(vm, addr, b->bp[idx].value, len) == 0;
	return 0;
}

static void drop(struct gdb_breakpoints *b, struct vm *vm, struct gdb_bp *p)
{
	if (p->how == GDB_BY_INT3)
		vm_copy_to_gva(vm, p->addr, &p->saved, 1); /* a page unmapped since: nothing to restore */
	if (p->how == GDB_BY_SLOT)
		b->slot_owner[p->slot] = -1;
	p->used = false;
}

int gdb_bp_remove(struct gdb_breakpoints *b, struct vm *vm, enum gdb_bp_type type,
		  uint64_t addr, unsigned len)
{
	struct gdb_bp *p = find(b, type, addr, len);
	if (!p)
		return -1;
	drop(b, vm, p);
	/* A Z0 moved to stepping takes a slot freed now back. */
	int slot = free_slot(b);
	for (int i = 0; i < GDB_MAX_BREAKPOINTS && slot >= 0; i++) {
		struct gdb_bp *q = &b->bp[i];
		if (q->used && q->type == GDB_BP_SW && q->how == GDB_BY_STEPPING) {
			q->how = GDB_BY_SLOT;
			q->slot = slot;
			b->slot_owner[slot] = i;
			slot = free_slot(b);
		}
	}
	return 0;
}

void gdb_bp_remove_all(struct gdb_breakpoints *b, struct vm *vm)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (b->bp[i].used)
			drop(b, vm, &b->bp[i]);
}

bool gdb_bp_needs_stepping(const struct gdb_breakpoints *b)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (b->bp[i].used && b->bp[i].how == GDB_BY_STEPPING)
			return true;
	return false;
}

void gdb_bp_snapshot(struct gdb_breakpoints *b, struct vm *vm)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_bp *p = &b->bp[i];
		if (p->used && p->how == GDB_BY_STEPPING && p->type == GDB_WATCH_WRITE)
			p->have_value = vm_copy_from_gva(vm, p->addr, p->value, p->len) == 0;
	}
}

/* DR7's R/W field: 00 execute, 01 write, 11 read or write (x86 has no
 * read-only watch: a read watch is an access watch that gdb sorts out). */
static unsigned dr7_rw(enum gdb_bp_type type)
{
	switch (type) {
	case GDB_WATCH_WRITE: return 1;
	case GDB_WATCH_READ:
	case GDB_WATCH_ACCESS: return 3;
	default: return 0;
	}
}

/* DR7's LEN field: 1, 2, 8, 4 bytes are 00, 01, 10, 11; 00 for execution. */
static unsigned dr7_len(const struct gdb_bp *p)
{
	if (p->type <= GDB_BP_HW)
		return 0;
	switch (p->len) {
	case 2: return 1;
	case 8: return 2;
	case 4: return 3;
	default: return 0;
	}
}

bool gdb_bp_slot_exec_at(const struct gdb_breakpoints *b, uint64_t addr)
{
	for (int s = 0; s < GDB_DEBUG_SLOTS; s++)
		if (b->slot_owner[s] >= 0 && b->bp[b->slot_owner[s]].type <= GDB_BP_HW &&
		    b->bp[b->slot_owner[s]].addr == addr)
			return true;
	return false;
}

void gdb_bp_debug_config(const struct gdb_breakpoints *b, bool single_step,
			 uint64_t skip_exec_at, struct kvm_guest_debug *dbg)
{
	memset(dbg, 0, sizeof(*dbg));
	uint64_t dr7 = 0;
	bool any_int3 = false;
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		any_int3 |= b->bp[i].used && b->bp[i].how == GDB_BY_INT3;
	for (int s = 0; s < GDB_DEBUG_SLOTS; s++) {
		if (b->slot_owner[s] < 0)
			continue;
		const struct gdb_bp *p = &b->bp[b->slot_owner[s]];
		if (p->type <= GDB_BP_HW && p->addr == skip_exec_at)
			continue;
		dbg->arch.debugreg[s] = p->addr;
		dr7 |= 1ull << (2 * s);                              /* L0..L3 */
		dr7 |= (uint64_t)(dr7_rw(p->type) | dr7_len(p) << 2) << (16 + 4 * s);
	}
	dbg->arch.debugreg[7] = dr7;
	bool stepping = single_step || gdb_bp_needs_stepping(b);
	if (!dr7 && !any_int3 && !stepping)
		return; /* control 0: guest debugging off */
	dbg->control = KVM_GUESTDBG_ENABLE;
	if (stepping)
		dbg->control |= KVM_GUESTDBG_SINGLESTEP;
	if (any_int3)
		dbg->control |= KVM_GUESTDBG_USE_SW_BP;
	if (dr7)
		dbg->control |= KVM_GUESTDBG_USE_HW_BP;
}

void gdb_bp_repatch_write(struct gdb_breakpoints *b, struct vm *vm, uint64_t addr,
			  const uint8_t *buf, size_t len)
{
	uint8_t int3 = INT3;
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_bp *p = &b->bp[i];
		if (p->used && p->how == GDB_BY_INT3 && p->addr - addr < len) {
			p->saved = buf[p->addr - addr];
			vm_copy_to_gva(vm, p->addr, &int3, 1);
		}
	}
}

void gdb_bp_unpatch_read(const struct gdb_breakpoints *b, uint64_t addr, uint8_t *buf, size_t len)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		const struct gdb_bp *p = &b->bp[i];
		if (p->used && p->how == GDB_BY_INT3 && p->addr - addr < len)
			buf[p->addr - addr] = p->saved;
	}
}

static enum gdb_hit hit_of(const struct gdb_bp *p)
{
	static const enum gdb_hit hits[] = {
		[GDB_BP_SW] = GDB_HIT_SWBREAK, [GDB_BP_HW] = GDB_HIT_HWBREAK,
		[GDB_WATCH_WRITE] = GDB_HIT_WATCH, [GDB_WATCH_READ] = GDB_HIT_RWATCH,
		[GDB_WATCH_ACCESS] = GDB_HIT_AWATCH,
	};
	return hits[p->type];
}

/* After one stepped instruction: a stepped breakpoint at the new pc, or a
 * stepped watch whose bytes changed. */
static enum gdb_hit check_stepped(struct gdb_breakpoints *b, struct vm *vm, uint64_t pc,
				  uint64_t *addr)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		struct gdb_bp *p = &b->bp[i];
		if (!p->used || p->how != GDB_BY_STEPPING)
			continue;
		if (p->type == GDB_BP_SW && p->addr == pc)
			return GDB_HIT_SWBREAK;
		if (p->type != GDB_WATCH_WRITE)
			continue;
		uint8_t now[GDB_WATCH_MAX_LEN];
		bool readable = vm_copy_from_gva(vm, p->addr, now, p->len) == 0;
		bool changed = readable && (!p->have_value || memcmp(now, p->value, p->len) != 0);
		if (readable)
			memcpy(p->value, now, p->len);
		p->have_value = readable;
		if (changed) {
			*addr = p->addr;
			return GDB_HIT_WATCH;
		}
	}
	return GDB_HIT_NONE;
}

enum gdb_hit gdb_bp_check(struct gdb_breakpoints *b, struct vm *vm,
			  const struct kvm_debug_exit_arch *exit, uint64_t *addr)
{
	if (exit->exception == 3) {
		for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
			if (b->bp[i].used && b->bp[i].how == GDB_BY_INT3 && b->bp[i].addr == exit->pc)
				return GDB_HIT_SWBREAK;
		return GDB_HIT_NONE;
	}
	if (exit->exception != 1)
		return GDB_HIT_NONE;
	for (int s = 0; s < GDB_DEBUG_SLOTS; s++) {
		if (!(exit->dr6 & (1u << s)) || b->slot_owner[s] < 0)
			continue;
		const struct gdb_bp *p = &b->bp[b->slot_owner[s]];
		*addr = p->addr;
		return hit_of(p);
	}
	if (exit->dr6 & DR6_BS) {
		enum gdb_hit hit = check_stepped(b, vm, exit->pc, addr);
		return hit != GDB_HIT_NONE ? hit : GDB_HIT_STEP;
	}
	return GDB_HIT_NONE;
}
