/*
 * Unit tests for the software page walker. Each test builds page tables by
 * hand in an 8 MiB buffer that stands in for guest RAM, then checks the
 * walker against addresses worked out by hand (indices and results are
 * spelled out in the comments, never derived from the code under test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "paging.h"

#define RAM_SIZE (8u << 20)

#define CR0_PE 0x1u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_LA57 0x1000u
#define EFER_LME 0x100u
#define EFER_LMA 0x400u

#define SIZE_4K 0x1000u
#define SIZE_2M 0x200000u
#define SIZE_4M 0x400000u
#define SIZE_1G 0x40000000u

static const struct paging_regs REAL_REGS = { .cr0 = 0 };
static const struct paging_regs NONE_REGS = { .cr0 = CR0_PE };

/* Guest RAM for the current test: zeroed for every test, so an entry the
 * test does not write is non-present. */
static uint8_t *ram;
static unsigned ram_reads;

static int ram_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	(void)opaque;
	ram_reads++;
	/* Written so that a huge gpa cannot overflow the check. */
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -1;
	memcpy(buf, ram + gpa, len);
	return 0;
}

/* Entries are stored little-endian byte by byte, as the guest would see
 * them, independent of the host's byte order. */
static void put_le(uint64_t gpa, uint64_t value, unsigned width)
{
	assert_true(gpa + width <= RAM_SIZE);
	for (unsigned i = 0; i < width; i++)
		ram[gpa + i] = (uint8_t)(value >> (8 * i));
}

static void set_entry32(uint64_t table, unsigned index, uint32_t value)
{
	put_le(table + index * 4u, value, 4);
}

static void set_entry64(uint64_t table, unsigned index, uint64_t value)
{
	put_le(table + index * 8u, value, 8);
}

static int setup_ram(void **state)
{
	(void)state;
	ram = calloc(1, RAM_SIZE);
	ram_reads = 0;
	return ram ? 0 : -1;
}

static int teardown_ram(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

/* Translates and checks success, the address and the page size. */
static void expect_map(const struct paging_regs *r, uint64_t gva, uint64_t want_gpa,
		       uint64_t want_size)
{
	uint64_t gpa = 0xDEAD, size = 0xDEAD;

	assert_int_equal(paging_translate(r, gva, ram_read, NULL, &gpa, &size), 0);
	assert_int_equal(gpa, want_gpa);
	assert_int_equal(size, want_size);
}

static void expect_unmapped(const struct paging_regs *r, uint64_t gva)
{
	uint64_t gpa = 0xDEAD, size = 0xDEAD;

	assert_int_equal(paging_translate(r, gva, ram_read, NULL, &gpa, &size), -1);
}

/* ------------------------------------------------------------------ */
/* Mode selection                                                     */

static void test_mode_of(void **state)
{
	(void)state;
	static const struct {
		struct paging_regs regs;
		enum paging_mode mode;
		const char *name;
	} cases[] = {
		{ { .cr0 = 0 }, PAGING_REAL, "real" },
		/* PG without PE cannot be loaded; PE decides. */
		{ { .cr0 = CR0_PG }, PAGING_REAL, "real" },
		{ { .cr0 = CR0_PE }, PAGING_NONE, "none" },
		/* CR4.PAE and EFER.LME mean nothing while PG is off. */
		{ { .cr0 = CR0_PE, .cr4 = CR4_PAE, .efer = EFER_LME }, PAGING_NONE, "none" },
		{ { .cr0 = CR0_PE | CR0_PG }, PAGING_32, "32" },
		{ { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PSE }, PAGING_32, "32" },
		{ { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE }, PAGING_PAE, "pae" },
		/* LME alone is a request; only LMA means long mode is active. */
		{ { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .efer = EFER_LME }, PAGING_PAE, "pae" },
		{ { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA },
		  PAGING_LONG4, "long4" },
		{ { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE | CR4_LA57, .efer = EFER_LME | EFER_LMA },
		  PAGING_LONG5, "long5" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum paging_mode m = paging_mode_of(&cases[i].regs);
		assert_int_equal(m, cases[i].mode);
		assert_string_equal(paging_mode_name(m), cases[i].name);
	}
	assert_string_equal(paging_mode_name((enum paging_mode)99), "?");
}

/* ------------------------------------------------------------------ */
/* Real mode and protected mode without paging                        */

static void test_real_mode_identity(void **state)
{
	(void)state;
	expect_map(&REAL_REGS, 0x0, 0x0, SIZE_4K);
	expect_map(&REAL_REGS, 0x12345, 0x12345, SIZE_4K);
	/* 0xFFFF:0xFFFF = 0x10FFEF is the last byte real mode can address. */
	expect_map(&REAL_REGS, 0x10FFEF, 0x10FFEF, SIZE_4K);
	expect_unmapped(&REAL_REGS, 0x10FFF0);
	expect_unmapped(&REAL_REGS, 0xFFFFFFFF);
	/* Nothing to walk, so guest memory is never read. */
	assert_int_equal(ram_reads, 0);
}

static void test_no_paging_identity(void **state)
{
	(void)state;
	expect_map(&NONE_REGS, 0x00ABCDEF, 0x00ABCDEF, SIZE_4K);
	expect_map(&NONE_REGS, 0xFFFFFFFF, 0xFFFFFFFF, SIZE_4K);
	expect_unmapped(&NONE_REGS, 0x100000000);
	expect_unmapped(&NONE_REGS, UINT64_MAX);
	assert_int_equal(ram_reads, 0);
}

static void test_page_size_may_be_null(void **state)
{
	(void)state;
	uint64_t gpa = 0;

	assert_int_equal(paging_translate(&NONE_REGS, 0x5000, ram_read, NULL, &gpa, NULL), 0);
	assert_int_equal(gpa, 0x5000);
}

/* ------------------------------------------------------------------ */
/* 32-bit paging                                                      */

/*
 * Page directory at 0x1000 (CR3 = 0x1018: PWT/PCD in bits 3 and 4 must be
 * masked off). Directory index = gva bits 31:22, table index = bits 21:12.
 *   PD[1] -> page table at 0x2000
 *     PT[3] = 0x00567E67: page 0x567000; flags and ignored bits 11:9 set
 *     PT[5] = 0x00567006: R/W and U/S but not present
 *   PD[2] = 0x00C01083: PS, page 0x00C00000, PAT (bit 12) set
 *   PD[3] = 0x00003083: PS; as a 4 MiB page: base 0, bit 13 set so
 *           PSE-36 phys bit 32; as a table pointer: table at 0x3000
 *     PT(0x3000)[0x12] = 0x00777001
 *   PD[5] = 0x014B4083: PS, base 0x01400000, bits 20:13 = 0x5A (PSE-36)
 *   PD[6] = 0x7FFFF001: table at 0x7FFFF000, outside the 8 MiB of RAM
 */
static void build_32bit_tables(void)
{
	set_entry32(0x1000, 1, 0x00002027);
	set_entry32(0x2000, 3, 0x00567E67);
	set_entry32(0x2000, 5, 0x00567006);
	set_entry32(0x1000, 2, 0x00C01083);
	set_entry32(0x1000, 3, 0x00003083);
	set_entry32(0x3000, 0x12, 0x00777001);
	set_entry32(0x1000, 5, 0x014B4083);
	set_entry32(0x1000, 6, 0x7FFFF001);
}

static const struct paging_regs PAGING32_REGS = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1018 };
static const struct paging_regs PAGING32_PSE_REGS = {
	.cr0 = CR0_PE | CR0_PG, .cr3 = 0x1018, .cr4 = CR4_PSE,
};

static void test_32bit_4k(void **state)
{
	(void)state;
	build_32bit_tables();
	/* 0x00403ABC: PD index 1, PT index 3, offset 0xABC. */
	ram_reads = 0;
	expect_map(&PAGING32_REGS, 0x00403ABC, 0x00567ABC, SIZE_4K);
	assert_int_equal(ram_reads, 2); /* PDE and PTE */
	/* PSE on changes nothing for a PDE without PS. */
	expect_map(&PAGING32_PSE_REGS, 0x00403ABC, 0x00567ABC, SIZE_4K);
}

static void test_32bit_4m_with_pse(void **state)
{
	(void)state;
	build_32bit_tables();
	/* 0x00812345: PD index 2, offset in the 4 MiB page 0x012345. The
	 * PAT bit 12 of the PDE is not part of the address. */
	ram_reads = 0;
	expect_map(&PAGING32_PSE_REGS, 0x00812345, 0x00C12345, SIZE_4M);
	assert_int_equal(ram_reads, 1); /* the PDE is the leaf */
}

static void test_32bit_ps_ignored_without_pse(void **state)
{
	(void)state;
	build_32bit_tables();
	/* 0x00C12345: PD index 3, PT index 0x12, offset 0x345. With PSE off,
	 * PD[3]'s PS bit is ignored and it points at the table at 0x3000. */
	expect_map(&PAGING32_REGS, 0x00C12345, 0x00777345, SIZE_4K);
	/* The same entry with PSE on is a 4 MiB page at base 0 whose bit 13
	 * supplies physical bit 32: 0x1_0000_0000 + 0x012345. */
	expect_map(&PAGING32_PSE_REGS, 0x00C12345, 0x100012345, SIZE_4M);
}

static void test_32bit_pse36_high_bits(void **state)
{
	(void)state;
	build_32bit_tables();
	/* 0x01433333: PD index 5, offset 0x033333; base 0x01400000 with
	 * physical bits 39:32 = 0x5A. */
	expect_map(&PAGING32_PSE_REGS, 0x01433333, 0x5A01433333, SIZE_4M);
}

static void test_32bit_not_present(void **state)
{
	(void)state;
	build_32bit_tables();
	expect_unmapped(&PAGING32_PSE_REGS, 0x00001000); /* PD[0] empty */
	expect_unmapped(&PAGING32_PSE_REGS, 0x00404000); /* PD[1] -> PT[4] empty */
	expect_unmapped(&PAGING32_PSE_REGS, 0x00405000); /* PT[5] has bits but no P */
	expect_unmapped(&PAGING32_REGS, 0x00C13000);     /* PT(0x3000)[0x13] empty */
}

static void test_32bit_above_4g(void **state)
{
	(void)state;
	build_32bit_tables();
	/* Would alias 0x00403ABC if the walker truncated to 32 bits. */
	expect_unmapped(&PAGING32_PSE_REGS, 0x100403ABC);
}

static void test_32bit_table_outside_ram(void **state)
{
	(void)state;
	build_32bit_tables();
	/* 0x01800000: PD index 6, whose table lies at 0x7FFFF000. */
	expect_unmapped(&PAGING32_PSE_REGS, 0x01800000);
	/* The directory itself outside RAM. */
	struct paging_regs bad_cr3 = PAGING32_PSE_REGS;
	bad_cr3.cr3 = 0x80000000;
	expect_unmapped(&bad_cr3, 0x00403ABC);
}

/* ------------------------------------------------------------------ */
/* PAE paging                                                         */

/*
 * CR3 = 0x5028: the PDPT is at bits 31:5 = 0x5020 (bit 3, PWT, ignored).
 * PDPT index = gva bits 31:30, PD index = bits 29:21, PT index = 20:12.
 *   PDPT[2] (at 0x5030) = 0x6001 -> page directory at 0x6000
 *     PD[3] = 0x7003 -> page table at 0x7000
 *       PT[0x54] = 0xFFF0001234567E63: XD and ignored bits 62:52 set,
 *                  page 0x0000001234567000
 *     PD[4] = 0x800000000AC01083: XD, PS, PAT, 2 MiB page 0x0AC00000
 */
static void build_pae_tables(void)
{
	set_entry64(0x5020, 2, 0x6001);
	set_entry64(0x6000, 3, 0x7003);
	set_entry64(0x7000, 0x54, 0xFFF0001234567E63);
	set_entry64(0x6000, 4, 0x800000000AC01083);
}

static const struct paging_regs PAE_REGS = {
	.cr0 = CR0_PE | CR0_PG, .cr3 = 0x5028, .cr4 = CR4_PAE,
};

static void test_pae_4k(void **state)
{
	(void)state;
	build_pae_tables();
	/* 0x80654321: PDPT index 2, PD index 3, PT index 0x54, offset 0x321.
	 * Physical address above 4 GiB: PAE has 52-bit physical addresses. */
	ram_reads = 0;
	expect_map(&PAE_REGS, 0x80654321, 0x1234567321, SIZE_4K);
	assert_int_equal(ram_reads, 3);
}

static void test_pae_2m(void **state)
{
	(void)state;
	build_pae_tables();
	/* 0x80812345: PDPT index 2, PD index 4, offset 0x012345. */
	expect_map(&PAE_REGS, 0x80812345, 0x0AC12345, SIZE_2M);
}

static void test_pae_not_present(void **state)
{
	(void)state;
	build_pae_tables();
	expect_unmapped(&PAE_REGS, 0x40000000); /* PDPT[1] empty */
	expect_unmapped(&PAE_REGS, 0x80A00000); /* PD[5] empty */
	expect_unmapped(&PAE_REGS, 0x80655000); /* PT[0x55] empty */
	/* Above 4 GiB; would alias 0x80654321 if truncated. */
	expect_unmapped(&PAE_REGS, 0x180654321);
}

static void test_pae_table_outside_ram(void **state)
{
	(void)state;
	build_pae_tables();
	/* PDPT[3] points at a directory at 1 GiB, outside RAM. */
	set_entry64(0x5020, 3, 0x40000001);
	expect_unmapped(&PAE_REGS, 0xC0000000);
}

/* ------------------------------------------------------------------ */
/* Long mode                                                          */

/*
 * CR3 = 0x10005: PML4 at 0x10000; bits 11:0 (PCID here) are not address.
 * Indices: PML4 = gva bits 47:39, PDPT = 38:30, PD = 29:21, PT = 20:12.
 *
 * 0x00007FEAD9BEF123 = PML4 0xFF, PDPT 0x1AB, PD 0xCD, PT 0x1EF, off 0x123
 *   PML4[0xFF]  = 0x8000000000011003 (XD set) -> PDPT at 0x11000
 *   PDPT[0x1AB] = 0x12003 -> PD at 0x12000
 *   PD[0xCD]    = 0x13003 -> PT at 0x13000
 *   PT[0x1EF]   = 0xFFFFFABCDE0F0E63: XD, bits 62:52, 11:9 set;
 *                 page 0x000FFABCDE0F0000 (bits 51:12)
 *   PT[0x1EE]   = 0x13002: not present
 * 0xFFFF800040654321 = PML4 0x100, PDPT 1, PD 3, off 0x054321 (2 MiB)
 *   PML4[0x100] = 0x14003 -> PDPT at 0x14000
 *   PDPT[1]     = 0x15003 -> PD at 0x15000
 *   PD[3]       = 0x8000012345601083: PS, PAT, page 0x12345600000
 * 0xFFFF800092345678 = PML4 0x100, PDPT 2, off 0x12345678 (1 GiB)
 *   PDPT[2]     = 0x000000ABC0001083: PS, PAT, page 0xABC0000000
 * PDPT[3] (0x14000) = 0x40000003: PD at 1 GiB, outside RAM
 */
static void build_long_tables(void)
{
	set_entry64(0x10000, 0xFF, 0x8000000000011003);
	set_entry64(0x11000, 0x1AB, 0x12003);
	set_entry64(0x12000, 0xCD, 0x13003);
	set_entry64(0x13000, 0x1EF, 0xFFFFFABCDE0F0E63);
	set_entry64(0x13000, 0x1EE, 0x13002);

	set_entry64(0x10000, 0x100, 0x14003);
	set_entry64(0x14000, 1, 0x15003);
	set_entry64(0x15000, 3, 0x8000012345601083);
	set_entry64(0x14000, 2, 0x000000ABC0001083);
	set_entry64(0x14000, 3, 0x40000003);
}

static const struct paging_regs LONG_REGS = {
	.cr0 = CR0_PE | CR0_PG, .cr3 = 0x10005, .cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA,
};

static void test_long_4k(void **state)
{
	(void)state;
	build_long_tables();
	ram_reads = 0;
	expect_map(&LONG_REGS, 0x00007FEAD9BEF123, 0x000FFABCDE0F0123, SIZE_4K);
	assert_int_equal(ram_reads, 4);
}

static void test_long_2m(void **state)
{
	(void)state;
	build_long_tables();
	expect_map(&LONG_REGS, 0xFFFF800040654321, 0x12345654321, SIZE_2M);
}

static void test_long_1g(void **state)
{
	(void)state;
	build_long_tables();
	expect_map(&LONG_REGS, 0xFFFF800092345678, 0xABD2345678, SIZE_1G);
}

static void test_long_not_present_each_level(void **state)
{
	(void)state;
	build_long_tables();
	expect_unmapped(&LONG_REGS, 0x0000008000000000); /* PML4[1] empty */
	expect_unmapped(&LONG_REGS, 0x00007F8000000000); /* PML4 0xFF, PDPT[0] empty */
	expect_unmapped(&LONG_REGS, 0x00007FEAC0000000); /* ... PDPT 0x1AB, PD[0] empty */
	expect_unmapped(&LONG_REGS, 0x00007FEAD9A00000); /* ... PD 0xCD, PT[0] empty */
	expect_unmapped(&LONG_REGS, 0x00007FEAD9BEE000); /* PT[0x1EE]: bits but no P */
}

static void test_long_non_canonical(void **state)
{
	(void)state;
	build_long_tables();
	/* PML4 slot 0x100 is mapped, so these fail only for being
	 * non-canonical (bits 63:48 differ from bit 47). */
	expect_unmapped(&LONG_REGS, 0x0000800040654321);
	expect_unmapped(&LONG_REGS, 0x7FFF800040654321);
	/* And slot 0xFF with the upper bits set. */
	expect_unmapped(&LONG_REGS, 0xFFFF7FEAD9BEF123);
	expect_unmapped(&LONG_REGS, 0x8000000000000000);
}

static void test_long_table_outside_ram(void **state)
{
	(void)state;
	build_long_tables();
	/* PML4 0x100, PDPT 3 -> PD at 1 GiB. */
	expect_unmapped(&LONG_REGS, 0xFFFF8000C0000000);
	struct paging_regs bad_cr3 = LONG_REGS;
	bad_cr3.cr3 = 0x000FFFFFFFFFF000; /* the highest table address */
	expect_unmapped(&bad_cr3, 0x00007FEAD9BEF123);
}

/*
 * 5-level paging, PML5 at 0x20000. PML5 index = gva bits 56:48.
 * 0x0000800000001000 = PML5 0, PML4 0x100, PDPT 0, PD 0, PT 1: canonical
 *   only with 57-bit addresses.
 *   0x20000[0] -> 0x21000[0x100] -> 0x22000[0] -> 0x23000[0] -> 0x24000[1]
 *   = 0x456003
 * 0xFFFF0100C0805678 = PML5 0x1FF, PML4 2, PDPT 3, PD 4, PT 5, off 0x678
 *   0x20000[0x1FF] -> 0x25000[2] -> 0x26000[3] -> 0x27000[4] -> 0x28000[5]
 *   = 0x789003
 */
static void test_long5(void **state)
{
	(void)state;
	set_entry64(0x20000, 0, 0x21003);
	set_entry64(0x21000, 0x100, 0x22003);
	set_entry64(0x22000, 0, 0x23003);
	set_entry64(0x23000, 0, 0x24003);
	set_entry64(0x24000, 1, 0x456003);

	set_entry64(0x20000, 0x1FF, 0x25003);
	set_entry64(0x25000, 2, 0x26003);
	set_entry64(0x26000, 3, 0x27003);
	set_entry64(0x27000, 4, 0x28003);
	set_entry64(0x28000, 5, 0x789003);

	struct paging_regs regs = LONG_REGS;
	regs.cr3 = 0x20000;
	regs.cr4 |= CR4_LA57;
	ram_reads = 0;
	expect_map(&regs, 0x0000800000001000, 0x456000, SIZE_4K);
	assert_int_equal(ram_reads, 5);
	expect_map(&regs, 0xFFFF0100C0805678, 0x789678, SIZE_4K);
	/* Bit 56 set but bits 63:57 clear. */
	expect_unmapped(&regs, 0x0100000000000000);

	/* Both are non-canonical under 4-level paging. */
	regs.cr4 &= ~(uint64_t)CR4_LA57;
	expect_unmapped(&regs, 0x0000800000001000);
	expect_unmapped(&regs, 0xFFFF0100C0805678);
}

/* ------------------------------------------------------------------ */
/* Ranges                                                             */

struct chunk {
	uint64_t gpa, len, offset;
};

struct chunk_log {
	struct chunk chunks[16];
	size_t count;
	size_t fail_at; /* return 7 from the call with this index */
	uint8_t *copy;  /* if set, gather the bytes here */
};

static int log_chunk(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset)
{
	struct chunk_log *log = opaque;

	assert_true(log->count < 16);
	log->chunks[log->count] = (struct chunk){ gpa, len, offset };
	if (log->count++ == log->fail_at)
		return 7;
	if (log->copy) {
		assert_true(gpa + len <= RAM_SIZE);
		memcpy(log->copy + offset, ram + gpa, len);
	}
	return 0;
}

static void expect_chunk(const struct chunk_log *log, size_t i, uint64_t gpa, uint64_t len,
			 uint64_t offset)
{
	assert_int_equal(log->chunks[i].gpa, gpa);
	assert_int_equal(log->chunks[i].len, len);
	assert_int_equal(log->chunks[i].offset, offset);
}

/*
 * Long mode, PML4 at 0x10000. gva 0x400000 = PML4 0, PDPT 0, PD 2, PT 0.
 *   0x10000[0] -> 0x11000[0] -> 0x12000[2] -> PT at 0x13000:
 *   PT[0] = 0x300003, PT[1] = 0x100003, PT[2] = 0x200003, PT[3] empty.
 * So virtual pages 0x400000, 0x401000, 0x402000 sit at physical
 * 0x300000, 0x100000, 0x200000: out of order and not contiguous.
 * Also the very top page: 0xFFFFFFFFFFFFF000 = all indices 0x1FF:
 *   0x10000[0x1FF] -> 0x14000[0x1FF] -> 0x15000[0x1FF] -> 0x16000[0x1FF]
 *   = 0x50003.
 */
static void build_range_tables(void)
{
	set_entry64(0x10000, 0, 0x11003);
	set_entry64(0x11000, 0, 0x12003);
	set_entry64(0x12000, 2, 0x13003);
	set_entry64(0x13000, 0, 0x300003);
	set_entry64(0x13000, 1, 0x100003);
	set_entry64(0x13000, 2, 0x200003);

	set_entry64(0x10000, 0x1FF, 0x14003);
	set_entry64(0x14000, 0x1FF, 0x15003);
	set_entry64(0x15000, 0x1FF, 0x16003);
	set_entry64(0x16000, 0x1FF, 0x50003);
}

static const struct paging_regs RANGE_REGS = {
	.cr0 = CR0_PE | CR0_PG, .cr3 = 0x10000, .cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA,
};

static void test_range_split_non_contiguous(void **state)
{
	(void)state;
	build_range_tables();
	/* Distinct contents per physical page, to check the gathered copy. */
	memset(ram + 0x300F00, 'A', 0x100);
	memset(ram + 0x100000, 'B', 0x1000);
	memset(ram + 0x200000, 'C', 0x1000);

	uint8_t *buf = malloc(0x2100);
	assert_non_null(buf);
	struct chunk_log log = { .fail_at = SIZE_MAX, .copy = buf };

	/* [0x400F00, 0x403000): the last 0x100 bytes of virtual page 0, then
	 * all of pages 1 and 2. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x400F00, 0x2100, ram_read, NULL,
					       log_chunk, &log), 0);
	assert_int_equal(log.count, 3);
	expect_chunk(&log, 0, 0x300F00, 0x100, 0x0);
	expect_chunk(&log, 1, 0x100000, 0x1000, 0x100);
	expect_chunk(&log, 2, 0x200000, 0x1000, 0x1100);
	for (size_t i = 0; i < 0x2100; i++)
		assert_int_equal(buf[i], i < 0x100 ? 'A' : i < 0x1100 ? 'B' : 'C');
	free(buf);
}

static void test_range_unmapped_second_page(void **state)
{
	(void)state;
	build_range_tables();
	struct chunk_log log = { .fail_at = SIZE_MAX };

	/* Unmap virtual page 0x401000, then ask for [0x400F00, 0x401100),
	 * which starts in mapped page 0 and runs into it. */
	set_entry64(0x13000, 1, 0);
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x400F00, 0x200, ram_read, NULL,
					       log_chunk, &log), -1);
	assert_int_equal(log.count, 0);
	/* Check-only form gives the same answer. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x400F00, 0x200, ram_read, NULL,
					       NULL, NULL), -1);
	/* The first page alone is still fine. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x400F00, 0x100, ram_read, NULL,
					       NULL, NULL), 0);
}

static void test_range_unmapped_last_page(void **state)
{
	(void)state;
	build_range_tables();
	struct chunk_log log = { .fail_at = SIZE_MAX };

	/* 0x401000..0x403000 inclusive: pages 1 and 2 mapped, PT[3] empty.
	 * Nothing may happen for the two good pages. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x401000, 0x2001, ram_read, NULL,
					       log_chunk, &log), -1);
	assert_int_equal(log.count, 0);
}

static void test_range_empty_and_wrap(void **state)
{
	(void)state;
	build_range_tables();
	struct chunk_log log = { .fail_at = SIZE_MAX };

	/* Empty: valid even at an unmapped address, and fn is not called. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x0000123400000000, 0, ram_read, NULL,
					       log_chunk, &log), 0);
	assert_int_equal(log.count, 0);
	/* Wraps past 2^64 (the top page is mapped; 0 is not the next page). */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0xFFFFFFFFFFFFF000, 0x2000, ram_read,
					       NULL, log_chunk, &log), -1);
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, UINT64_MAX, UINT64_MAX, ram_read,
					       NULL, log_chunk, &log), -1);
	assert_int_equal(log.count, 0);
	/* Ending exactly at 2^64 does not wrap. */
	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0xFFFFFFFFFFFFFF00, 0x100, ram_read,
					       NULL, log_chunk, &log), 0);
	assert_int_equal(log.count, 1);
	expect_chunk(&log, 0, 0x50F00, 0x100, 0);
}

static void test_range_callback_error_stops(void **state)
{
	(void)state;
	build_range_tables();
	struct chunk_log log = { .fail_at = 1 };

	assert_int_equal(paging_for_each_chunk(&RANGE_REGS, 0x400F00, 0x2100, ram_read, NULL,
					       log_chunk, &log), 7);
	assert_int_equal(log.count, 2); /* the third chunk is never offered */
}

static void test_range_large_page_is_one_chunk(void **state)
{
	(void)state;
	build_long_tables();
	struct chunk_log log = { .fail_at = SIZE_MAX };

	/* Three 4 KiB boundaries inside the 2 MiB page at 0x12345600000
	 * (gva 0xFFFF800040600000): one piece. */
	assert_int_equal(paging_for_each_chunk(&LONG_REGS, 0xFFFF800040654321, 0x3000, ram_read,
					       NULL, log_chunk, &log), 0);
	assert_int_equal(log.count, 1);
	expect_chunk(&log, 0, 0x12345654321, 0x3000, 0);
}

static void test_range_real_mode(void **state)
{
	(void)state;
	struct chunk_log log = { .fail_at = SIZE_MAX };

	/* Split at the 4 KiB boundary even without paging. */
	assert_int_equal(paging_for_each_chunk(&REAL_REGS, 0xFFF, 2, ram_read, NULL, log_chunk,
					       &log), 0);
	assert_int_equal(log.count, 2);
	expect_chunk(&log, 0, 0xFFF, 1, 0);
	expect_chunk(&log, 1, 0x1000, 1, 1);

	/* Up to and including 0x10FFEF is fine; one byte more is not, even
	 * though it is in the same 4 KiB page. */
	log.count = 0;
	assert_int_equal(paging_for_each_chunk(&REAL_REGS, 0x10FFE0, 0x10, ram_read, NULL,
					       log_chunk, &log), 0);
	assert_int_equal(log.count, 1);
	expect_chunk(&log, 0, 0x10FFE0, 0x10, 0);
	log.count = 0;
	assert_int_equal(paging_for_each_chunk(&REAL_REGS, 0x10FFE0, 0x11, ram_read, NULL,
					       log_chunk, &log), -1);
	assert_int_equal(log.count, 0);
}

static void test_range_no_paging_4g_limit(void **state)
{
	(void)state;
	struct chunk_log log = { .fail_at = SIZE_MAX };

	assert_int_equal(paging_for_each_chunk(&NONE_REGS, 0xFFFFFF00, 0x100, ram_read, NULL,
					       log_chunk, &log), 0);
	assert_int_equal(log.count, 1);
	expect_chunk(&log, 0, 0xFFFFFF00, 0x100, 0);
	log.count = 0;
	assert_int_equal(paging_for_each_chunk(&NONE_REGS, 0xFFFFFF00, 0x101, ram_read, NULL,
					       log_chunk, &log), -1);
	assert_int_equal(log.count, 0);
}

#define RAM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_ram, teardown_ram)

int main(void)
{
	const struct CMUnitTest tests[] = {
		RAM_TEST(test_mode_of),
		RAM_TEST(test_real_mode_identity),
		RAM_TEST(test_no_paging_identity),
		RAM_TEST(test_page_size_may_be_null),
		RAM_TEST(test_32bit_4k),
		RAM_TEST(test_32bit_4m_with_pse),
		RAM_TEST(test_32bit_ps_ignored_without_pse),
		RAM_TEST(test_32bit_pse36_high_bits),
		RAM_TEST(test_32bit_not_present),
		RAM_TEST(test_32bit_above_4g),
		RAM_TEST(test_32bit_table_outside_ram),
		RAM_TEST(test_pae_4k),
		RAM_TEST(test_pae_2m),
		RAM_TEST(test_pae_not_present),
		RAM_TEST(test_pae_table_outside_ram),
		RAM_TEST(test_long_4k),
		RAM_TEST(test_long_2m),
		RAM_TEST(test_long_1g),
		RAM_TEST(test_long_not_present_each_level),
		RAM_TEST(test_long_non_canonical),
		RAM_TEST(test_long_table_outside_ram),
		RAM_TEST(test_long5),
		RAM_TEST(test_range_split_non_contiguous),
		RAM_TEST(test_range_unmapped_second_page),
		RAM_TEST(test_range_unmapped_last_page),
		RAM_TEST(test_range_empty_and_wrap),
		RAM_TEST(test_range_callback_error_stops),
		RAM_TEST(test_range_large_page_is_one_chunk),
		RAM_TEST(test_range_real_mode),
		RAM_TEST(test_range_no_paging_4g_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
