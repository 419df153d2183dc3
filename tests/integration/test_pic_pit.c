/*
 * The user-space 8259 pair and 8254 in a running VM: timer interrupts reach
 * a long-mode guest's IDT handler, both after the guest reprograms the
 * chips and in the state SeaBIOS leaves them; `hlt` waits for an interrupt
 * with IF=1 (until the run's timeout if none can come) and ends the run
 * with IF=0. Guests: tests/integration/pic_snippets.S. No timing is
 * asserted: the timeouts are generous bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "test_vm.h"

SNIPPET_DECLARE(pit_1000hz_ticks);
SNIPPET_DECLARE(untouched_timer_ticks);
SNIPPET_DECLARE(masked_sti_hlt);
SNIPPET_DECLARE(cli_hlt);

#define TICKS_ADDR 0x2000

static void test_pit_ticks_reach_the_idt(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(4 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(pit_1000hz_ticks));
	assert_int_equal(test_vm_run(vm, 30, NULL), STOP_HALT);
	assert_int_equal(test_vm_rax(vm), 200);
	assert_int_equal(test_vm_read32(vm, TICKS_ADDR), 200);
	/* Each tick was IRQ0 injected at the remapped vector, and nothing
	 * else was injected. */
	assert_true(vm->stats.irq_raised[0] >= 200);
	assert_int_equal(vm->stats.injected[0x20], 200);
	assert_int_equal(vm->stats.injected[0x08], 0);
	vm_destroy(vm);
}

static void test_untouched_chips_tick_at_vector_8(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(4 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(untouched_timer_ticks));
	assert_int_equal(test_vm_run(vm, 30, NULL), STOP_HALT);
	assert_int_equal(test_vm_rax(vm), 3);
	assert_int_equal(vm->stats.injected[0x08], 3);
	vm_destroy(vm);
}

static void test_sti_hlt_with_every_line_masked_waits(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(4 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(masked_sti_hlt));
	assert_int_equal(test_vm_run(vm, 0.3, NULL), STOP_TIMEOUT);
	assert_true(vm->stats.halts >= 1);
	for (unsigned v = 0; v < 256; v++)
		assert_int_equal(vm->stats.injected[v], 0);
	vm_destroy(vm);
}

static void test_cli_hlt_ends_the_run(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(4 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(cli_hlt));
	assert_int_equal(test_vm_run(vm, 30, NULL), STOP_HALT);
	assert_int_equal(vm->exit_status, 0);
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pit_ticks_reach_the_idt),
		cmocka_unit_test(test_untouched_chips_tick_at_vector_8),
		cmocka_unit_test(test_sti_hlt_with_every_line_masked_waits),
		cmocka_unit_test(test_cli_hlt_ends_the_run),
	};
	return cmocka_run_group_tests_name("8259 and 8254 in a VM", tests, NULL, NULL);
}
