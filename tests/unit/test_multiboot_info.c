/*
 * Unit tests for the Multiboot pieces that need no VM: the memory sizes a
 * BIOS derives from its memory map (multiboot_memory_sizes), and the
 * Multiboot2 boot information's bytes (multiboot2_build_info), checked
 * against offsets and values worked out by hand from the specification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "multiboot2.h"
#include "multiboot_common.h"

#define MIB (1ull << 20)

static uint32_t u32_at(const struct boot_blob *b, size_t off)
{
	uint32_t v;
	assert_true(off + 4 <= b->len);
	memcpy(&v, b->buf + off, 4);
	return v;
}

/* QEMU 7.2's e820 map for -m 64 (SeaBIOS keeps 0x9FC00-0xA0000 and the top
 * 128 KiB): its Multiboot kernels see mem_lower 639, mem_upper 64384. */
static void test_sizes_from_qemu_map(void **state)
{
	(void)state;
	const struct hc_memmap_entry map[] = {
		{ 0, 0x9FC00, HC_MEM_USABLE, 0 },
		{ 0x9FC00, 0x400, HC_MEM_RESERVED, 0 },
		{ 0xF0000, 0x10000, HC_MEM_RESERVED, 0 },
		{ 0x100000, 0x3FE0000 - 0x100000, HC_MEM_USABLE, 0 },
		{ 0x3FE0000, 0x20000, HC_MEM_RESERVED, 0 },
		{ 0xFFFC0000, 0x40000, HC_MEM_RESERVED, 0 },
	};
	uint32_t lower, upper;
	multiboot_memory_sizes(map, 6, &lower, &upper);
	assert_int_equal(lower, 639);
	assert_int_equal(upper, 64384);
}

/* vmm's map for -mem 64M: no BIOS, so 640 KiB and 63 MiB. */
static void test_sizes_from_vmm_map(void **state)
{
	(void)state;
	const struct hc_memmap_entry map[] = {
		{ 0, 0xA0000, HC_MEM_USABLE, 0 },
		{ 0xC0000, 0x40000, HC_MEM_RESERVED, 0 },
		{ 0x100000, 63 * MIB, HC_MEM_USABLE, 0 },
	};
	uint32_t lower, upper;
	multiboot_memory_sizes(map, 3, &lower, &upper);
	assert_int_equal(lower, 640);
	assert_int_equal(upper, 63 * 1024);
}

/* mem_upper stops at the first hole above 1 MiB (a reserved block at 2 MiB),
 * and usable entries that touch count as one. */
static void test_sizes_stop_at_a_hole(void **state)
{
	(void)state;
	const struct hc_memmap_entry map[] = {
		{ 0, 0xA0000, HC_MEM_USABLE, 0 },
		{ 0x100000, 0x80000, HC_MEM_USABLE, 0 },
		{ 0x180000, 0x80000, HC_MEM_USABLE, 0 },
		{ 2 * MIB, 0x1000, HC_MEM_RESERVED, 0 },
		{ 2 * MIB + 0x1000, 10 * MIB, HC_MEM_USABLE, 0 },
	};
	uint32_t lower, upper;
	multiboot_memory_sizes(map, 5, &lower, &upper);
	assert_int_equal(lower, 640);
	assert_int_equal(upper, 1024);
}

/*
 * The Multiboot2 information for -append "ab", one module [0x200000,
 * 0x200005) with arguments "x", a two-entry map. Offsets by hand (each tag
 * 8-aligned; size excludes padding):
 *   0   total_size, reserved
 *   8   cmdline: type 1, size 8 + 3 = 11             -> next at 24
 *   24  loader name "vmm": size 12                   -> 40
 *   40  module: size 8 + 8 + 2 = 18                  -> 64
 *   64  basic meminfo: size 16                       -> 80
 *   80  bootdev: size 20                             -> 104
 *   104 mmap: size 16 + 2 * 24 = 64                  -> 168
 *   168 framebuffer: size 32                         -> 200
 *   200 end: size 8                                  -> total 208
 */
static void test_mb2_info_layout(void **state)
{
	(void)state;
	const struct hc_memmap_entry map[] = {
		{ 0, 0xA0000, HC_MEM_USABLE, 0 },
		{ 0x100000, 3 * MIB, HC_MEM_USABLE, 0 },
	};
	char spec[] = "mod x";
	struct mb_module mod = { spec, spec + 4, 0x200000, 0x200005 };
	struct mb_modules mods = { &mod, 1 };
	struct mb2_info_input in = { .cmdline = "ab", .modules = &mods, .map = map, .map_count = 2 };
	struct boot_blob b = { 0 };
	multiboot2_build_info(&b, &in);
	assert_false(b.failed);
	assert_int_equal(b.len, 208);
	assert_int_equal(u32_at(&b, 0), 208);
	assert_int_equal(u32_at(&b, 4), 0);
	assert_int_equal(u32_at(&b, 8), 1);
	assert_int_equal(u32_at(&b, 12), 11);
	assert_string_equal((const char *)b.buf + 16, "ab");
	assert_int_equal(u32_at(&b, 24), 2);
	assert_string_equal((const char *)b.buf + 32, "vmm");
	assert_int_equal(u32_at(&b, 40), 3);
	assert_int_equal(u32_at(&b, 44), 18);
	assert_int_equal(u32_at(&b, 48), 0x200000);
	assert_int_equal(u32_at(&b, 52), 0x200005);
	assert_string_equal((const char *)b.buf + 56, "x");
	assert_int_equal(u32_at(&b, 64), 4);
	assert_int_equal(u32_at(&b, 72), 640);
	assert_int_equal(u32_at(&b, 76), 3 * 1024);
	assert_int_equal(u32_at(&b, 80), 5);
	assert_int_equal(u32_at(&b, 88), 0x80);
	assert_int_equal(u32_at(&b, 104), 6);
	assert_int_equal(u32_at(&b, 108), 64);
	assert_int_equal(u32_at(&b, 112), 24); /* entry_size */
	assert_int_equal(u32_at(&b, 116), 0);  /* entry_version */
	assert_int_equal(u32_at(&b, 120 + 24 + 0), 0x100000); /* 2nd entry's base */
	assert_int_equal(u32_at(&b, 120 + 24 + 16), 1);       /* its type */
	assert_int_equal(u32_at(&b, 168), 8);
	assert_int_equal(u32_at(&b, 172), 32);
	assert_int_equal(u32_at(&b, 176), 0xB8000);
	assert_int_equal(u32_at(&b, 184), 160); /* pitch */
	assert_int_equal(u32_at(&b, 188), 80);
	assert_int_equal(u32_at(&b, 192), 25);
	assert_int_equal(b.buf[196], 16); /* bpp */
	assert_int_equal(b.buf[197], 2);  /* EGA text */
	assert_int_equal(u32_at(&b, 200), 0);
	assert_int_equal(u32_at(&b, 204), 8);
	blob_free(&b);
}

static void test_mb2_tags_vmm_provides(void **state)
{
	(void)state;
	for (uint32_t t = 0; t <= 6; t++)
		assert_true(multiboot2_info_tag_supported(t));
	assert_true(multiboot2_info_tag_supported(8));
	assert_false(multiboot2_info_tag_supported(7));  /* VBE */
	assert_false(multiboot2_info_tag_supported(14)); /* ACPI */
	assert_false(multiboot2_info_tag_supported(99));
	assert_string_equal(multiboot2_info_tag_name(14), "ACPI old RSDP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_from_qemu_map),
		cmocka_unit_test(test_sizes_from_vmm_map),
		cmocka_unit_test(test_sizes_stop_at_a_hole),
		cmocka_unit_test(test_mb2_info_layout),
		cmocka_unit_test(test_mb2_tags_vmm_provides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
