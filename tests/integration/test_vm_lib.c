/*
 * The core library under test with real guests: each test builds a VM,
 * runs a snippet from snippets.S and checks what a user relies on: output,
 * stop reason, registers and memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpuid.h"
#include "layout.h"
#include "test_vm.h"
#include "x86.h"

SNIPPET_DECLARE(hello_real);
SNIPPET_DECLARE(hello_protected);
SNIPPET_DECLARE(hello_long);
SNIPPET_DECLARE(rep_outsb);
SNIPPET_DECLARE(rep_insb);
SNIPPET_DECLARE(unclaimed_port);
SNIPPET_DECLARE(unclaimed_mmio);
SNIPPET_DECLARE(debug_exit);
SNIPPET_DECLARE(triple_fault);
SNIPPET_DECLARE(endless_loop);
SNIPPET_DECLARE(cpuid);
SNIPPET_DECLARE(uart);
SNIPPET_DECLARE(coalesced_writes);

static void run_hello(enum cpu_mode mode, struct snippet code, const char *expected)
{
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, mode, code);
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, expected);
	assert_int_equal(test_vm_rax(vm) & 0xffffffff, 42);
	assert_int_equal(test_vm_read32(vm, 0x400), 42);
	free(out);
	vm_destroy(vm);
}

static void test_real_mode(void **state)
{
	(void)state;
	run_hello(MODE_REAL, SNIPPET(hello_real), "real\n");
}

static void test_protected_mode(void **state)
{
	(void)state;
	run_hello(MODE_PROTECTED, SNIPPET(hello_protected), "protected\n");
}

static void test_paged32_mode(void **state)
{
	(void)state;
	if (!host_runs_paged32())
		skip();
	run_hello(MODE_PAGED32, SNIPPET(hello_protected), "protected\n");
}

static void test_long_mode(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(8 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(hello_long));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "long\n");
	uint64_t wide;
	assert_int_equal(vm_read_phys(vm, 0x408, &wide, 8), 0);
	assert_true(wide == 0x1122334455667788ull);
	free(out);
	vm_destroy(vm);
}

/* vm_get_sregs answers from the copy KVM leaves in the run area at each exit;
 * after vm_setup_cpu changes mode it must not hand out that old copy. */
static void test_sregs_follow_mode_changes(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(8 << 20);
	test_vm_load(vm, MODE_LONG, SNIPPET(hello_long));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	free(out);
	struct kvm_sregs sregs;
	assert_int_equal(vm_get_sregs(vm, &sregs), 0);
	assert_true(sregs.efer & EFER_LMA);
	assert_int_equal(sregs.cr3, PML4_ADDR);

	test_vm_load(vm, MODE_PROTECTED, SNIPPET(hello_protected));
	assert_int_equal(vm_get_sregs(vm, &sregs), 0);
	assert_false(sregs.efer & EFER_LMA);
	assert_false(sregs.cr0 & CR0_PG);
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "protected\n");
	assert_int_equal(vm_get_sregs(vm, &sregs), 0);
	assert_false(sregs.cr0 & CR0_PG);
	assert_true(sregs.cr0 & CR0_PE);
	free(out);
	vm_destroy(vm);
}

static void test_string_output(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(rep_outsb));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "abcdefghijklmnopqrstuvwxyz");
	free(out);
	vm_destroy(vm);
}

/* KVM batches rep ins into one exit with io.count > 1 (rep outs exits per
 * element in KVM's emulator), so this is the test of count > 1. */
static void test_string_input_is_one_exit(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(rep_insb));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	assert_int_equal(test_vm_read32(vm, 0x2000), 0xe9e9e9e9);
	assert_int_equal(test_vm_read32(vm, 0x2004), 0xe9e9e9e9);
	assert_int_equal(test_vm_read32(vm, 0x2008), 0); /* not one byte more */
	assert_int_equal(vm->stats.by_reason[KVM_EXIT_IO], 1);
	vm_destroy(vm);
}

static void test_unclaimed_port_reads_all_ones(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(unclaimed_port));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	assert_int_equal(test_vm_read32(vm, 0x2000) & 0xff, 0xff);
	assert_int_equal(test_vm_read32(vm, 0x2004) & 0xffff, 0xffff);
	assert_int_equal(test_vm_read32(vm, 0x2008), 0xffffffff);
	vm_destroy(vm);
}

static void test_unclaimed_mmio(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(unclaimed_mmio));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	assert_int_equal(test_vm_read32(vm, 0x2000), 0xffffffff);
	assert_int_equal(vm->stats.by_reason[KVM_EXIT_MMIO], 2);
	vm_destroy(vm);
}

static void test_debug_exit_port(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(debug_exit));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_GUEST_EXIT);
	assert_int_equal(vm->exit_status, (0x20 << 1) | 1);
	vm_destroy(vm);
}

static void test_triple_fault(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(triple_fault));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_TRIPLE_FAULT);
	vm_destroy(vm);
}

static void test_timeout_stops_endless_loop(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(endless_loop));
	assert_int_equal(test_vm_run(vm, 0.2, NULL), STOP_TIMEOUT);
	vm_destroy(vm);
}

static void *stop_later(void *arg)
{
	usleep(100000);
	vm_request_stop(arg, STOP_USER, 0);
	return NULL;
}

static void test_stop_from_another_thread(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(endless_loop));
	pthread_t t;
	pthread_create(&t, NULL, stop_later, vm);
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_USER);
	pthread_join(t, NULL);
	vm_destroy(vm);
}

static void test_cpuid_hides_vmx_and_names_vmm(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(cpuid));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	uint32_t ecx1 = test_vm_read32(vm, 0x2000);
	assert_int_equal(ecx1 & (1u << 5), 0);           /* VMX hidden */
	assert_int_not_equal(ecx1 & (1u << 31), 0);      /* hypervisor present */
	assert_int_equal(test_vm_read32(vm, 0x2004), 0x40000000);
	char sig[13] = { 0 };
	assert_int_equal(vm_read_phys(vm, 0x2008, sig, 12), 0);
	assert_string_equal(sig, "vmmvmmvmmvmm");
	vm_destroy(vm);
}

static void test_uart(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(uart));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "ok\n");
	assert_int_equal(test_vm_read32(vm, 0x2000) & 0xff, 0x5a); /* scratch */
	assert_int_equal(test_vm_read32(vm, 0x2004) & 0x60, 0x60); /* THRE | TEMT */
	free(out);
	vm_destroy(vm);
}

/* A device that records the bytes written to it; a read returns how many
 * it has seen. */
struct recorder {
	uint8_t seen[16];
	unsigned count;
};

static uint64_t recorder_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset, (void)size;
	return ((struct recorder *)opaque)->count;
}

static void recorder_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct recorder *r = opaque;
	(void)offset, (void)size;
	if (r->count < sizeof(r->seen))
		r->seen[r->count] = (uint8_t)value;
	r->count++;
}

static const struct io_ops recorder_ops = { recorder_read, recorder_write };

/* Coalesced port writes skip the exit but reach the device, in order,
 * before the guest's next read is answered. */
static void test_coalesced_writes_replayed_in_order(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	struct recorder rec = { { 0 }, 0 };
	assert_int_equal(vm_register_pio(vm, 0x500, 2, "recorder", &recorder_ops, &rec), 0);
	if (vm_coalesce_pio(vm, 0x500, 1) < 0) {
		vm_destroy(vm);
		skip(); /* this host's KVM has no KVM_CAP_COALESCED_PIO */
	}
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(coalesced_writes));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	assert_int_equal(test_vm_read32(vm, 0x2000) & 0xff, 10); /* all ten seen first */
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(rec.seen[i], i);
	assert_int_equal(vm->stats.coalesced_writes, 10);
	assert_int_equal(vm->stats.by_reason[KVM_EXIT_IO], 1); /* only the read exited */
	vm_destroy(vm);
}

static void test_guest_memory_bounds(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(2 << 20);
	assert_non_null(vm_gpa_ptr(vm, 0, 4096));
	assert_non_null(vm_gpa_ptr(vm, LOW_RAM_END - 8, 8));
	assert_null(vm_gpa_ptr(vm, LOW_RAM_END - 8, 9));        /* into the VGA hole */
	assert_null(vm_gpa_ptr(vm, VGA_WINDOW_BASE, 1));
	assert_non_null(vm_gpa_ptr(vm, (2 << 20) - 48, 48));
	assert_null(vm_gpa_ptr(vm, (2 << 20) - 40, 48));        /* straddles the end */
	assert_null(vm_gpa_ptr(vm, UINT64_MAX - 3, 8));         /* wraps */
	vm_destroy(vm);
}

static void test_memory_map(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(16 << 20);
	struct hc_memmap_entry map[8];
	assert_int_equal(vm_memmap(vm, map, 8), 3);
	assert_true(map[0].base == 0 && map[0].length == 0xa0000 && map[0].type == HC_MEM_USABLE);
	assert_true(map[1].base == 0xc0000 && map[1].length == 0x40000 && map[1].type == HC_MEM_RESERVED);
	assert_true(map[2].base == 0x100000 && map[2].length == (16 << 20) - 0x100000 &&
		    map[2].type == HC_MEM_USABLE);
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_mode),
		cmocka_unit_test(test_protected_mode),
		cmocka_unit_test(test_paged32_mode),
		cmocka_unit_test(test_long_mode),
		cmocka_unit_test(test_sregs_follow_mode_changes),
		cmocka_unit_test(test_string_output),
		cmocka_unit_test(test_string_input_is_one_exit),
		cmocka_unit_test(test_unclaimed_port_reads_all_ones),
		cmocka_unit_test(test_unclaimed_mmio),
		cmocka_unit_test(test_debug_exit_port),
		cmocka_unit_test(test_triple_fault),
		cmocka_unit_test(test_timeout_stops_endless_loop),
		cmocka_unit_test(test_stop_from_another_thread),
		cmocka_unit_test(test_cpuid_hides_vmx_and_names_vmm),
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_coalesced_writes_replayed_in_order),
		cmocka_unit_test(test_guest_memory_bounds),
		cmocka_unit_test(test_memory_map),
	};
	return cmocka_run_group_tests_name("vm library", tests, NULL, NULL);
}
