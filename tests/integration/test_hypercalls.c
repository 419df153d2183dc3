/*
 * Hypercall ABI v1 against real guests: each test places request blocks in
 * guest RAM, runs a snippet that rings the doorbell (port 0xABBA), and checks
 * the console output, status and ret the VMM wrote back, and that wild
 * pointers neither crash vmm nor touch memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guest_access.h"
#include "test_vm.h"

SNIPPET_DECLARE(hypercall);
SNIPPET_DECLARE(hypercall_long);
SNIPPET_DECLARE(hypercall_real);
SNIPPET_DECLARE(hypercall_own_cr3);
SNIPPET_DECLARE(hypercall_narrow);
SNIPPET_DECLARE(numexits_around_printstr);

#define MEM (4u << 20)
#define BLOCK 0x3000
#define UNTOUCHED_STATUS 0x5a5a5a5a

static struct hc_request request(unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return (struct hc_request){ .nr = nr, .status = UNTOUCHED_STATUS, .arg = { a0, a1, a2, 0 },
				    .ret = 0xdeadbeef };
}

static void put_block(struct vm *vm, uint64_t gpa, struct hc_request req)
{
	memcpy(vm_gpa_ptr(vm, gpa, sizeof(req)), &req, sizeof(req));
}

static struct hc_request get_block(struct vm *vm, uint64_t gpa)
{
	struct hc_request req;
	assert_int_equal(vm_read_phys(vm, gpa, &req, sizeof(req)), 0);
	return req;
}

static void set_rbx(struct vm *vm, uint64_t value)
{
	struct kvm_regs regs;
	assert_int_equal(vm_get_regs(vm, &regs), 0);
	regs.rbx = value;
	assert_int_equal(vm_set_regs(vm, &regs), 0);
}

/* Runs one call with its block at block_gpa; returns the guest's output. */
static char *one_call(struct vm *vm, enum cpu_mode mode, uint64_t block_gpa, enum vm_stop_reason want)
{
	struct snippet code = mode == MODE_LONG ? SNIPPET(hypercall_long)
			    : mode == MODE_REAL ? SNIPPET(hypercall_real) : SNIPPET(hypercall);
	test_vm_load(vm, mode, code);
	set_rbx(vm, block_gpa);
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), want);
	return out;
}

static void test_print_calls(void **state)
{
	(void)state;
	static const struct { unsigned nr; uint64_t arg; const char *out; } cases[] = {
		{ HC_PRINT8, 'A', "A" },
		{ HC_PRINT8, 0x142, "B" }, /* only the low byte */
		{ HC_PRINT32, 2048, "2048\n" },
		{ HC_PRINT32, 4294967295u, "4294967295\n" },
		{ HC_PRINT32, 0x100000007ull, "7\n" }, /* a u32 */
		{ HC_PRINT64, 0xdeadbeefcafef00dull, "0xdeadbeefcafef00d\n" },
		{ HC_PRINT64, 0, "0x0\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm *vm = test_vm_create(MEM);
		put_block(vm, BLOCK, request(cases[i].nr, cases[i].arg, 0, 0));
		char *out = one_call(vm, MODE_PROTECTED, BLOCK, STOP_HALT);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(get_block(vm, BLOCK).status, 0);
		free(out);
		vm_destroy(vm);
	}
}

static void test_printstr_in_every_mode(void **state)
{
	(void)state;
	enum cpu_mode modes[] = { MODE_REAL, MODE_PROTECTED, MODE_LONG };
	for (size_t i = 0; i < 3; i++) {
		struct vm *vm = test_vm_create(MEM);
		strcpy(vm_gpa_ptr(vm, 0x5000, 32), "two\nlines\n");
		put_block(vm, BLOCK, request(HC_PRINTSTR, 0x5000, 0, 0));
		char *out = one_call(vm, modes[i], BLOCK, STOP_HALT);
		assert_string_equal(out, "two\nlines\n");
		assert_int_equal(get_block(vm, BLOCK).status, 0);
		assert_int_equal(vm->stats.by_reason[KVM_EXIT_IO], 1); /* one exit */
		free(out);
		vm_destroy(vm);
	}
}

static void test_numexits_around_printstr_differ_by_one(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	strcpy(vm_gpa_ptr(vm, 0x5000, 8), "x");
	put_block(vm, 0x3000, request(HC_NUM_EXITS, 0, 0, 0));
	put_block(vm, 0x3040, request(HC_PRINTSTR, 0x5000, 0, 0));
	put_block(vm, 0x3080, request(HC_NUM_EXITS, 0, 0, 0));
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(numexits_around_printstr));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "x");
	uint64_t a = get_block(vm, 0x3000).ret, b = get_block(vm, 0x3080).ret;
	assert_int_equal(b - a, 1);
	/* Exits before the first call: none, so the count is the PRINTSTR-free
	 * total: the first NUM_EXITS itself is not counted. */
	assert_int_equal(a, 0);
	free(out);
	vm_destroy(vm);
}

/*
 * Long mode with the test's own page tables: virtual 0x40000000 maps to
 * physical 0x200000 and 0x40001000 to 0x180000 (backwards), so a string
 * crossing the virtual page boundary lives in two non-adjacent frames.
 */
static void build_split_mapping(struct vm *vm)
{
	uint64_t *pml4 = vm_gpa_ptr(vm, 0x10000, 4096), *pdpt = vm_gpa_ptr(vm, 0x11000, 4096);
	uint64_t *pd0 = vm_gpa_ptr(vm, 0x12000, 4096), *pd1 = vm_gpa_ptr(vm, 0x13000, 4096);
	uint64_t *pt = vm_gpa_ptr(vm, 0x14000, 4096);
	memset(pml4, 0, 5 * 4096);
	pml4[0] = 0x11000 | 3;
	pdpt[0] = 0x12000 | 3;               /* first GiB: identity, 2 MiB pages */
	for (uint64_t i = 0; i < 512; i++)
		pd0[i] = (i << 21) | 0x83;
	pdpt[1] = 0x13000 | 3;               /* second GiB: one 4 KiB table */
	pd1[0] = 0x14000 | 3;
	pt[0] = 0x200000 | 3;
	pt[1] = 0x180000 | 3;
}

/* Runs one call in long mode with CR3 = the tables build_split_mapping made. */
static char *call_with_own_tables(struct vm *vm, uint64_t block_gpa)
{
	test_vm_load(vm, MODE_LONG, SNIPPET(hypercall_own_cr3));
	struct kvm_regs regs;
	assert_int_equal(vm_get_regs(vm, &regs), 0);
	regs.rax = 0x10000;
	regs.rbx = block_gpa;
	assert_int_equal(vm_set_regs(vm, &regs), 0);
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	return out;
}

static void test_printstr_across_noncontiguous_pages(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	build_split_mapping(vm);
	memcpy(vm_gpa_ptr(vm, 0x200ffa, 6), "Hello,", 6);
	strcpy(vm_gpa_ptr(vm, 0x180000, 16), " pages!\n");
	put_block(vm, BLOCK, request(HC_PRINTSTR, 0x40000ffa, 0, 0));
	put_block(vm, 0x3040, request(HC_PRINTSTR, 0x40001ffc, 0, 0)); /* runs into unmapped page 2 */
	memset(vm_gpa_ptr(vm, 0x180ffc, 4), 'z', 4);
	put_block(vm, 0x3080, request(HC_GVA_TO_HVA, 0x40001004, 0, 0));

	char *out = call_with_own_tables(vm, BLOCK);
	assert_string_equal(out, "Hello, pages!\n");
	assert_int_equal(get_block(vm, BLOCK).status, 0);
	free(out);

	/* Same tables: an unterminated string at the end of the mapping. */
	out = call_with_own_tables(vm, 0x3040);
	assert_string_equal(out, ""); /* nothing printed */
	assert_int_equal(get_block(vm, 0x3040).status, HC_EFAULT);
	free(out);

	/* GVA_TO_HVA follows the guest's tables too. */
	free(call_with_own_tables(vm, 0x3080));
	struct hc_request r = get_block(vm, 0x3080);
	assert_int_equal(r.status, 0);
	assert_true(r.ret == (uint64_t)(uintptr_t)(vm->ram + 0x180004));
	vm_destroy(vm);
}

/* A long-mode vCPU that has not run, with CR3 = build_split_mapping's
 * tables: the accessors can then be called directly. */
static struct vm *vm_with_own_tables(void)
{
	struct vm *vm = test_vm_create(MEM);
	test_vm_load(vm, MODE_LONG, SNIPPET(hypercall_long));
	build_split_mapping(vm);
	struct kvm_sregs sregs;
	assert_int_equal(vm_get_sregs(vm, &sregs), 0);
	sregs.cr3 = 0x10000;
	assert_int_equal(vm_set_sregs(vm, &sregs), 0);
	return vm;
}

/*
 * Defect 1 of issue 9 at the accessor: the buffer's first page is the page
 * table that maps it (0x40000000 -> the table at 0x14000), and the bytes
 * copied there point the next page's entry past RAM. The whole range is
 * translated before any byte moves, so the second page still lands at
 * 0x180000, where the entry pointed at the time of the call. (Before, the
 * copy re-translated the second page after writing the first and wrote
 * through NULL.)
 */
static void test_copy_over_own_page_table(void **state)
{
	(void)state;
	struct vm *vm = vm_with_own_tables();
	uint64_t *pt = vm_gpa_ptr(vm, 0x14000, 4096);
	pt[0] = 0x14000 | 3;
	static uint8_t buf[8192];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	const uint64_t past_ram = (1ull << 40) | 3;
	memcpy(buf, pt, 8);
	memcpy(buf + 8, &past_ram, 8);
	assert_int_equal(vm_copy_to_gva(vm, 0x40000000, buf, sizeof(buf)), 0);
	assert_memory_equal(vm_gpa_ptr(vm, 0x14000, 4096), buf, 4096);
	assert_memory_equal(vm_gpa_ptr(vm, 0x180000, 4096), buf + 4096, 4096);
	/* Now the entry does point past RAM: a new call sees it and fails. */
	uint8_t back[8];
	assert_int_equal(vm_copy_from_gva(vm, 0x40001000, back, 8), -EFAULT);
	vm_destroy(vm);
}

/* All or nothing: a range whose last page is unmapped moves no byte, in
 * either direction; a range longer than RAM is refused up front. */
static void test_accessors_all_or_nothing(void **state)
{
	(void)state;
	struct vm *vm = vm_with_own_tables();
	memset(vm_gpa_ptr(vm, 0x180000, 4096), 0x77, 4096);
	static uint8_t buf[8192];
	memset(buf, 0x11, sizeof(buf));
	/* 0x40001000 is mapped, 0x40002000 is not. */
	assert_int_equal(vm_copy_to_gva(vm, 0x40001000, buf, sizeof(buf)), -EFAULT);
	assert_int_equal(vm->ram[0x180000], 0x77);
	assert_int_equal(vm->ram[0x180fff], 0x77);
	assert_int_equal(vm_copy_from_gva(vm, 0x40001000, buf, sizeof(buf)), -EFAULT);
	assert_int_equal(buf[0], 0x11);
	assert_int_equal(vm_check_gva_range(vm, 0x40001000, 4096), 0);
	assert_int_equal(vm_check_gva_range(vm, 0x40001000, 4097), -EFAULT);
	struct guest_spans spans;
	assert_int_equal(vm_map_gva_range(vm, 0, (uint64_t)MEM + 1, &spans), -EFAULT);
	vm_destroy(vm);
}

/* The span list stays short: pages contiguous in RAM are one span, however
 * many page-table entries map them; moves continue where the last stopped. */
static void test_span_list_merges_contiguous_pages(void **state)
{
	(void)state;
	struct vm *vm = vm_with_own_tables();
	uint64_t *pt = vm_gpa_ptr(vm, 0x14000, 4096);
	for (uint64_t i = 0; i < 64; i++) /* 0x40000000.. -> 0x300000.., 4 KiB each */
		pt[i] = (0x300000 + i * 4096) | 3;
	pt[64] = 0x200000 | 3; /* then a jump */
	struct guest_spans spans;
	assert_int_equal(vm_map_gva_range(vm, 0x40000100, 64 * 4096, &spans), 0);
	assert_int_equal(spans.count, 2);
	assert_int_equal(spans.len, 64 * 4096);
	static uint8_t data[64 * 4096];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i >> 8);
	assert_int_equal(guest_spans_put(&spans, data, 1000), 1000);
	assert_int_equal(guest_spans_put(&spans, data + 1000, sizeof(data)), sizeof(data) - 1000);
	assert_memory_equal(vm_gpa_ptr(vm, 0x300100, 63 * 4096 + 0xf00), data, 63 * 4096 + 0xf00);
	assert_memory_equal(vm_gpa_ptr(vm, 0x200000, 0x100), data + 63 * 4096 + 0xf00, 0x100);
	guest_spans_release(&spans);
	/* The identity-mapped first GiB, in 2 MiB pages: one span. */
	assert_int_equal(vm_map_gva_range(vm, 0x100000, 3u << 20, &spans), 0);
	assert_int_equal(spans.count, 1);
	guest_spans_release(&spans);
	vm_destroy(vm);
}

static void test_gva_to_hva(void **state)
{
	(void)state;
	static const struct { enum cpu_mode mode; uint64_t gva; bool valid; } cases[] = {
		{ MODE_PROTECTED, 1024, true },
		{ MODE_LONG, 1024, true },
		{ MODE_REAL, 1024, true },
		{ MODE_PROTECTED, 4294967295u, false }, /* KVM_TRANSLATE alone accepts it */
		{ MODE_LONG, 4294967295u, false },      /* not mapped by vmm's tables */
		{ MODE_REAL, 4294967295u, false },
		{ MODE_PROTECTED, 0xa0000, false },     /* the VGA window is not RAM */
		{ MODE_PROTECTED, MEM, false },         /* just past the end of RAM */
		{ MODE_LONG, 0xffff800000000000ull, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm *vm = test_vm_create(MEM);
		put_block(vm, BLOCK, request(HC_GVA_TO_HVA, cases[i].gva, 0, 0));
		char *out = one_call(vm, cases[i].mode, BLOCK, STOP_HALT);
		struct hc_request r = get_block(vm, BLOCK);
		if (cases[i].valid) {
			assert_string_equal(out, "");
			assert_int_equal(r.status, 0);
			assert_true(r.ret == (uint64_t)(uintptr_t)(vm->ram + cases[i].gva));
		} else {
			assert_string_equal(out, "Invalid GVA\n");
			assert_int_equal(r.status, HC_EFAULT);
			assert_true(r.ret == 0);
		}
		free(out);
		vm_destroy(vm);
	}
}

/* -no-hva: -EPERM and ret 0 for any address, nothing printed. */
static void test_gva_to_hva_refused_with_no_hva(void **state)
{
	(void)state;
	const uint64_t gvas[] = { 1024, 4294967295u };
	for (size_t i = 0; i < 2; i++) {
		struct vm *vm = test_vm_create(MEM);
		vm->cfg.no_hva = true;
		put_block(vm, BLOCK, request(HC_GVA_TO_HVA, gvas[i], 0, 0));
		char *out = one_call(vm, MODE_LONG, BLOCK, STOP_HALT);
		struct hc_request r = get_block(vm, BLOCK);
		assert_string_equal(out, "");
		assert_int_equal(r.status, HC_EPERM);
		assert_true(r.ret == 0);
		free(out);
		vm_destroy(vm);
	}
}

static void test_wild_blocks_are_ignored(void **state)
{
	(void)state;
	/* Misaligned, outside RAM, in the VGA hole, straddling the end of RAM:
	 * nothing is written and the guest runs on to its hlt. */
	const uint64_t wild[] = { BLOCK + 4, 0xfffff000, 0xa0000, MEM - 40 };
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		struct vm *vm = test_vm_create(MEM);
		uint8_t before[64];
		uint8_t *near = vm_gpa_ptr(vm, (wild[i] & ~0xfffull) == 0xfffff000 ? BLOCK : wild[i] - 8, 8);
		if (wild[i] < MEM && wild[i] != 0xa0000) {
			struct hc_request req = request(HC_PRINT8, 'X', 0, 0);
			memcpy(vm_gpa_ptr(vm, wild[i], MEM - wild[i] < 48 ? MEM - wild[i] : 48), &req,
			       MEM - wild[i] < 48 ? MEM - wild[i] : 48);
		}
		memcpy(before, near, 8);
		char *out = one_call(vm, MODE_PROTECTED, wild[i], STOP_HALT);
		assert_string_equal(out, "");
		assert_memory_equal(before, near, 8);
		if (wild[i] < MEM && wild[i] != 0xa0000) {
			uint32_t status;
			memcpy(&status, vm->ram + wild[i] + 4, 4);
			assert_int_equal(status, UNTOUCHED_STATUS);
		}
		assert_int_equal(vm->stats.hypercalls_failed, 1);
		free(out);
		vm_destroy(vm);
	}
}

static void test_unknown_numbers_give_enosys(void **state)
{
	(void)state;
	const unsigned numbers[] = { 0, 15, 255, 256, 0xffffffff };
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		struct vm *vm = test_vm_create(MEM);
		put_block(vm, BLOCK, request(numbers[i], 1, 2, 3));
		char *out = one_call(vm, MODE_PROTECTED, BLOCK, STOP_HALT);
		struct hc_request r = get_block(vm, BLOCK);
		assert_int_equal(r.status, HC_ENOSYS);
		assert_string_equal(out, "");
		free(out);
		vm_destroy(vm);
	}
}

static void test_narrow_access_is_not_a_hypercall(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	put_block(vm, BLOCK, request(HC_PRINT8, 'X', 0, 0));
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(hypercall_narrow));
	char *out;
	assert_int_equal(test_vm_run(vm, 10, &out), STOP_HALT);
	assert_string_equal(out, "");
	assert_int_equal(get_block(vm, BLOCK).status, UNTOUCHED_STATUS);
	assert_int_equal(test_vm_read32(vm, 0x2000), 0xffffffff);
	free(out);
	vm_destroy(vm);
}

static void test_exit_call_sets_status(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	put_block(vm, BLOCK, request(HC_EXIT, 0x17, 0, 0));
	free(one_call(vm, MODE_PROTECTED, BLOCK, STOP_GUEST_EXIT));
	assert_int_equal(vm->exit_status, 0x17);
	vm_destroy(vm);
}

static void test_timestamp_is_monotonic(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	put_block(vm, 0x3000, request(HC_GET_TIMESTAMP, 0, 0, 0));
	put_block(vm, 0x3040, request(HC_GET_TIMESTAMP, 0, 0, 0));
	put_block(vm, 0x3080, request(HC_GET_TIMESTAMP, 0, 0, 0));
	test_vm_load(vm, MODE_PROTECTED, SNIPPET(numexits_around_printstr));
	assert_int_equal(test_vm_run(vm, 10, NULL), STOP_HALT);
	uint64_t t0 = get_block(vm, 0x3000).ret, t1 = get_block(vm, 0x3040).ret,
		 t2 = get_block(vm, 0x3080).ret;
	assert_true(t0 > 0 && t0 < t1 && t1 < t2);
	vm_destroy(vm);
}

static void test_memmap(void **state)
{
	(void)state;
	struct vm *vm = test_vm_create(MEM);
	memset(vm_gpa_ptr(vm, 0x6000, 96), 0xee, 96);
	put_block(vm, BLOCK, request(HC_MEMMAP, 0x6000, 1, 0));
	free(one_call(vm, MODE_PROTECTED, BLOCK, STOP_HALT));
	struct hc_request r = get_block(vm, BLOCK);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.ret, 3); /* all entries counted, one written */
	struct hc_memmap_entry e[2];
	vm_read_phys(vm, 0x6000, e, sizeof(e));
	assert_true(e[0].base == 0 && e[0].length == 0xa0000 && e[0].type == HC_MEM_USABLE);
	assert_int_equal(((uint8_t *)&e[1])[0], 0xee); /* the second slot untouched */

	put_block(vm, BLOCK, request(HC_MEMMAP, MEM - 24, 3, 0)); /* runs past RAM */
	free(one_call(vm, MODE_PROTECTED, BLOCK, STOP_HALT));
	assert_int_equal(get_block(vm, BLOCK).status, HC_EFAULT);
	uint8_t tail[24], zero[24] = { 0 };
	vm_read_phys(vm, MEM - 24, tail, 24);
	assert_memory_equal(tail, zero, 24); /* no partial write */
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_calls),
		cmocka_unit_test(test_printstr_in_every_mode),
		cmocka_unit_test(test_numexits_around_printstr_differ_by_one),
		cmocka_unit_test(test_printstr_across_noncontiguous_pages),
		cmocka_unit_test(test_copy_over_own_page_table),
		cmocka_unit_test(test_accessors_all_or_nothing),
		cmocka_unit_test(test_span_list_merges_contiguous_pages),
		cmocka_unit_test(test_gva_to_hva),
		cmocka_unit_test(test_gva_to_hva_refused_with_no_hva),
		cmocka_unit_test(test_wild_blocks_are_ignored),
		cmocka_unit_test(test_unknown_numbers_give_enosys),
		cmocka_unit_test(test_narrow_access_is_not_a_hypercall),
		cmocka_unit_test(test_exit_call_sets_status),
		cmocka_unit_test(test_timestamp_is_monotonic),
		cmocka_unit_test(test_memmap),
	};
	return cmocka_run_group_tests_name("hypercalls", tests, NULL, NULL);
}
