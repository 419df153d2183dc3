/*
 * vm_run()'s timeout at the edges (issue 9, defect 2): a timeout too long
 * for the 64-bit nanosecond deadline, infinity, NaN, zero or a negative
 * number means "no limit", never "stop at once". The guest counts down a
 * loop (about 0.1 s on a slow software KVM) before it prints and halts, so a
 * deadline that wrapped to "now" stops it before it prints.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_vm.h"

/* Real mode: mov ecx, 100000; 1: dec ecx; jnz 1b; mov al, 'L'; out 0xe9, al; hlt */
static const uint8_t count_then_print[] = { 0x66, 0xb9, 0xa0, 0x86, 0x01, 0x00, 0x66, 0x49,
					    0x75, 0xfc, 0xb0, 0x4c, 0xe6, 0xe9, 0xf4 };

static void runs_to_the_end(double timeout_sec)
{
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_REAL,
		     (struct snippet){ count_then_print, count_then_print + sizeof(count_then_print) });
	char *out;
	assert_int_equal(test_vm_run(vm, timeout_sec, &out), STOP_HALT);
	assert_string_equal(out, "L");
	free(out);
	vm_destroy(vm);
}

static void test_huge_timeouts_do_not_wrap(void **state)
{
	(void)state;
	runs_to_the_end(1e20);
	runs_to_the_end(2e10);
	runs_to_the_end(1.8446744073709552e10); /* 2^64 ns */
	runs_to_the_end(INFINITY);
}

static void test_no_timeout(void **state)
{
	(void)state;
	runs_to_the_end(0);
	runs_to_the_end(-1);
	runs_to_the_end(NAN);
}

static void test_long_finite_timeout(void **state)
{
	(void)state;
	runs_to_the_end(1e9); /* the longest -timeout vmm accepts */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_timeouts_do_not_wrap),
		cmocka_unit_test(test_no_timeout),
		cmocka_unit_test(test_long_finite_timeout),
	};
	return cmocka_run_group_tests_name("vm_run timeout", tests, NULL, NULL);
}
