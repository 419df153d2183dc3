/*
 * The gdb stub's breakpoint policy (host/gdb/gdb_breakpoints.h) on a host
 * like this one (no int3, no data breakpoints) and on hardware KVM's: who
 * gets the four debug-register slots, who yields, what is refused, and the
 * DR7 that KVM_SET_GUEST_DEBUG receives. Slot breakpoints never touch guest
 * memory, so no VM is needed (vm is NULL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gdb_breakpoints.h"

static int slot_of(const struct gdb_breakpoints *b, enum gdb_bp_type type, uint64_t addr)
{
	for (int i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (b->bp[i].used && b->bp[i].type == type && b->bp[i].addr == addr)
			return b->bp[i].how == GDB_BY_SLOT ? b->bp[i].slot : -1;
	fail_msg("no breakpoint at 0x%llx", (unsigned long long)addr);
	return -2;
}

/* This host: four `break`s take the slots, the fifth is served by stepping. */
static void test_fifth_break_steps(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, false, false);
	for (uint64_t a = 0x1000; a < 0x1005; a++)
		assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_SW, a, 1), 0);
	for (uint64_t a = 0x1000; a < 0x1004; a++)
		assert_true(slot_of(&b, GDB_BP_SW, a) >= 0);
	assert_int_equal(slot_of(&b, GDB_BP_SW, 0x1004), -1);
	assert_true(gdb_bp_needs_stepping(&b));

	struct kvm_guest_debug dbg;
	gdb_bp_debug_config(&b, false, GDB_NO_ADDR, &dbg);
	assert_int_equal(dbg.control, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP |
					  KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(dbg.arch.debugreg[7], 0x55); /* L0-L3, execute, length 0 */

	/* Removing a slotted one gives its slot to the stepped one. */
	assert_int_equal(gdb_bp_remove(&b, NULL, GDB_BP_SW, 0x1001, 1), 0);
	assert_true(slot_of(&b, GDB_BP_SW, 0x1004) >= 0);
	assert_false(gdb_bp_needs_stepping(&b));
}

/* hbreak has first claim: a `break` in a slot yields it and steps. */
static void test_hbreak_takes_slot_from_break(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, false, false);
	for (uint64_t a = 0x2000; a < 0x2004; a++)
		assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_SW, a, 1), 0);
	assert_false(gdb_bp_needs_stepping(&b));
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_HW, 0x3000, 1), 0);
	assert_true(slot_of(&b, GDB_BP_HW, 0x3000) >= 0);
	assert_true(gdb_bp_needs_stepping(&b)); /* one break moved to stepping */
	assert_true(gdb_bp_slot_exec_at(&b, 0x3000));
}

/* Four hbreaks hold every slot: a fifth is refused with an error. */
static void test_fifth_hbreak_refused(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, false, false);
	for (uint64_t a = 0x4000; a < 0x4004; a++)
		assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_HW, a, 1), 0);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_HW, 0x4004, 1), -1);
	/* Removing what is not there is an error for the table. */
	assert_int_equal(gdb_bp_remove(&b, NULL, GDB_BP_HW, 0x4004, 1), -1);
}

/* Without data breakpoints: rwatch/awatch get the empty reply (1). */
static void test_read_watch_unsupported_here(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, false, false);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_WATCH_READ, 0x5000, 4), 1);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_WATCH_ACCESS, 0x5000, 4), 1);
}

/* With data breakpoints (hardware KVM): a write watch is a slot, DR7 has
 * R/W = 01 and the length code of 4 bytes (11); a misaligned one is refused. */
static void test_write_watch_in_slot(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, true, true);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_WATCH_WRITE, 0x6000, 4), 0);
	assert_int_equal(slot_of(&b, GDB_WATCH_WRITE, 0x6000), 0);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_WATCH_WRITE, 0x6002, 4), -1);
	struct kvm_guest_debug dbg;
	gdb_bp_debug_config(&b, false, GDB_NO_ADDR, &dbg);
	assert_int_equal(dbg.arch.debugreg[0], 0x6000);
	assert_int_equal(dbg.arch.debugreg[7], 0x1 | (0x1 | 0x3 << 2) << 16);
	assert_int_equal(dbg.control, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP);

	/* DR6 bit 0: the watch in slot 0 hit. */
	struct kvm_debug_exit_arch exit = { .exception = 1, .dr6 = 0x1 };
	uint64_t addr = 0;
	assert_int_equal(gdb_bp_check(&b, NULL, &exit, &addr), GDB_HIT_WATCH);
	assert_int_equal(addr, 0x6000);
}

/* Stepping off an instruction breakpoint leaves just that one out. */
static void test_step_over_leaves_one_out(void **state)
{
	(void)state;
	struct gdb_breakpoints b;
	gdb_bp_init(&b, false, false);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_HW, 0x7000, 1), 0);
	assert_int_equal(gdb_bp_insert(&b, NULL, GDB_BP_HW, 0x7010, 1), 0);
	struct kvm_guest_debug dbg;
	gdb_bp_debug_config(&b, true, 0x7000, &dbg);
	assert_int_equal(dbg.arch.debugreg[7], 0x4); /* only L1 */
	assert_true(dbg.control & KVM_GUESTDBG_SINGLESTEP);
	/* Nothing set, no stepping: guest debugging off. */
	gdb_bp_remove_all(&b, NULL);
	gdb_bp_debug_config(&b, false, GDB_NO_ADDR, &dbg);
	assert_int_equal(dbg.control, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifth_break_steps),
		cmocka_unit_test(test_hbreak_takes_slot_from_break),
		cmocka_unit_test(test_fifth_hbreak_refused),
		cmocka_unit_test(test_read_watch_unsupported_here),
		cmocka_unit_test(test_write_watch_in_slot),
		cmocka_unit_test(test_step_over_leaves_one_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
