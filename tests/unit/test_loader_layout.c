/*
 * Where images and vmm's own structures go in guest RAM (issue 11), and the
 * memory map that reports it: after every load, each range vmm uses is
 * reported reserved and never overlaps the image, the image is never
 * reported reserved, and the map is sorted, disjoint, inside RAM and clear
 * of the VGA window. Needs /dev/kvm (vm_create); skipped without it.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest_ram.h"
#include "layout.h"
#include "loader.h"
#include "vm.h"

#define MEM (16ull << 20)

static struct vm *new_vm(void)
{
	if (access("/dev/kvm", R_OK | W_OK) != 0)
		skip();
	char err[256];
	struct vm_config cfg = { .mem_size = MEM };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm)
		fail_msg("vm_create: %s", err);
	return vm;
}

struct seg { uint32_t vaddr, paddr, size; };

/* An ELF32 executable whose PT_LOAD segments are segs (each size bytes of
 * 0x90 in the file), entry e_entry. Returns its size; *out is malloc'd. */
static size_t make_elf(const struct seg *segs, int n, uint32_t entry, uint8_t **out)
{
	size_t data_off = 4096, size = data_off;
	for (int i = 0; i < n; i++)
		size += segs[i].size;
	uint8_t *b = calloc(1, size);
	Elf32_Ehdr eh = { .e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
			  .e_entry = entry, .e_phoff = sizeof(Elf32_Ehdr), .e_ehsize = sizeof(Elf32_Ehdr),
			  .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = (uint16_t)n };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(b, &eh, sizeof(eh));
	size_t off = data_off;
	for (int i = 0; i < n; i++) {
		Elf32_Phdr ph = { .p_type = PT_LOAD, .p_offset = (uint32_t)off, .p_vaddr = segs[i].vaddr,
				  .p_paddr = segs[i].paddr, .p_filesz = segs[i].size,
				  .p_memsz = segs[i].size, .p_flags = PF_R | PF_X, .p_align = 4096 };
		memcpy(b + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		memset(b + off, 0x90, segs[i].size);
		off += segs[i].size;
	}
	*out = b;
	return size;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The invariants every load must keep. */
static void check_memmap(struct vm *vm)
{
	struct hc_memmap_entry map[64];
	int n = vm_memmap(vm, map, 64);
	assert_true(n > 0 && n <= 64);
	uint64_t covered = 0;
	for (int i = 0; i < n; i++) {
		assert_true(map[i].length > 0);
		assert_true(map[i].base + map[i].length <= vm->mem_size);
		assert_false(overlap(map[i].base, map[i].length, VGA_WINDOW_BASE, VGA_WINDOW_END - VGA_WINDOW_BASE));
		if (i > 0)
			assert_true(map[i - 1].base + map[i - 1].length <= map[i].base);
		covered += map[i].length;
	}
	/* Every byte of RAM is listed once. */
	assert_true(covered == vm->mem_size - (VGA_WINDOW_END - VGA_WINDOW_BASE));
	for (int r = 0; r < vm->ram_use.n; r++) {
		const struct ram_range *u = &vm->ram_use.ranges[r];
		for (int i = 0; i < n; i++) {
			if (!overlap(u->base, u->end - u->base, map[i].base, map[i].length))
				continue;
			/* vmm's ranges reserved, the image's never. */
			if (u->owner == RAM_VMM)
				assert_int_equal(map[i].type, HC_MEM_RESERVED);
			else
				assert_int_equal(map[i].type, HC_MEM_USABLE);
		}
		/* vmm's ranges never overlap the guest's. */
		for (int o = 0; o < vm->ram_use.n; o++) {
			const struct ram_range *v = &vm->ram_use.ranges[o];
			if (u->owner == RAM_VMM && v->owner == RAM_GUEST)
				assert_false(overlap(u->base, u->end - u->base, v->base, v->end - v->base));
		}
	}
}

static int count_owner(const struct vm *vm, enum ram_owner owner)
{
	int n = 0;
	for (int i = 0; i < vm->ram_use.n; i++)
		n += vm->ram_use.ranges[i].owner == owner;
	return n;
}

/* ld -Ttext=0x100000: a segment at 0xff000, in the BIOS area. It loads,
 * and 0xff000 is reported usable (it is the image's), the rest of the BIOS
 * area reserved. */
static void test_segment_in_bios_area(void **state)
{
	(void)state;
	struct vm *vm = new_vm();
	const struct seg segs[] = { { 0xff000, 0xff000, 0x200 }, { 0x100000, 0x100000, 0x1000 } };
	uint8_t *img;
	size_t len = make_elf(segs, 2, 0x100000, &img);
	struct load_options opt = { .name = "t.elf" };
	struct load_result res;
	char err[256] = "";
	assert_int_equal(guest_load(vm, img, len, &opt, &res, err, sizeof(err)), 0);
	assert_int_equal(vm->ram[0xff000], 0x90);
	check_memmap(vm);
	assert_int_equal(count_owner(vm, RAM_VMM), 1); /* the GDT and page tables */
	struct hc_memmap_entry map[16];
	int n = vm_memmap(vm, map, 16);
	bool image_usable = false;
	for (int i = 0; i < n; i++)
		if (map[i].base <= 0xff000 && map[i].base + map[i].length >= 0xff200)
			image_usable = map[i].type == HC_MEM_USABLE;
	assert_true(image_usable);
	free(img);
	vm_destroy(vm);
}

/* A flat image over all of 0xE0000-0xFFFFF in long mode: the GDT and page
 * tables go elsewhere and are reported reserved. */
static void test_tables_move_out_of_the_image(void **state)
{
	(void)state;
	struct vm *vm = new_vm();
	size_t len = 0x20000;
	uint8_t *img = malloc(len);
	memset(img, 0xf4, len);
	struct load_options opt = { .mode = MODE_LONG, .load_addr = 0xe0000 };
	struct load_result res;
	char err[256] = "";
	assert_int_equal(guest_load(vm, img, len, &opt, &res, err, sizeof(err)), 0);
	uint64_t tables = vm->ram_use.cpu_tables;
	assert_true(tables != 0);
	assert_false(overlap(tables, CPU_TABLES_SIZE, 0xe0000, len));
	struct kvm_sregs sregs;
	assert_int_equal(vm_get_sregs(vm, &sregs), 0);
	assert_true(sregs.cr3 == tables + CPU_TABLES_PML4);
	assert_true(sregs.gdt.base == tables + CPU_TABLES_GDT);
	check_memmap(vm);
	free(img);
	vm_destroy(vm);
}

/* A Multiboot kernel (a.out kludge at 1 MiB): its information area is vmm's
 * and reserved; the kernel usable. */
static void test_multiboot_info_reserved(void **state)
{
	(void)state;
	struct vm *vm = new_vm();
	uint32_t h[8] = { 0x1BADB002, 0x10002, 0, 0x100000, 0x100000, 0, 0, 0x100020 };
	h[2] = (uint32_t)-(h[0] + h[1]);
	uint8_t img[64];
	memset(img, 0xf4, sizeof(img));
	memcpy(img, h, sizeof(h));
	struct load_options opt = { .name = "k" };
	struct load_result res;
	char err[256] = "";
	assert_int_equal(guest_load(vm, img, sizeof(img), &opt, &res, err, sizeof(err)), 0);
	assert_true(count_owner(vm, RAM_VMM) >= 2); /* tables and Multiboot information */
	check_memmap(vm);
	vm_destroy(vm);
}

/* A higher-half ELF: e_entry in a segment's virtual range is started at its
 * physical address; -entry too. */
static void test_entry_translation(void **state)
{
	(void)state;
	struct vm *vm = new_vm();
	const struct seg segs[] = { { 0xc0100000, 0x100000, 0x1000 } };
	uint8_t *img;
	size_t len = make_elf(segs, 1, 0xc010000c, &img);
	struct load_options opt = { 0 };
	struct load_result res;
	char err[256] = "";
	assert_int_equal(guest_load(vm, img, len, &opt, &res, err, sizeof(err)), 0);
	assert_true(res.entry == 0x10000c);
	assert_true(res.file_entry == 0xc010000c);
	opt.entry = 0xc0100100;
	opt.entry_set = true;
	assert_int_equal(guest_load(vm, img, len, &opt, &res, err, sizeof(err)), 0);
	assert_true(res.entry == 0x100100);
	/* Outside every segment's virtual range: taken as physical. */
	opt.entry = 0x200000;
	assert_int_equal(guest_load(vm, img, len, &opt, &res, err, sizeof(err)), 0);
	assert_true(res.entry == 0x200000);
	free(img);
	vm_destroy(vm);
}

/* vm_ram_alloc's order: the old area, the rest of the BIOS area, after the
 * image, free conventional RAM from its top, and nothing when RAM is full. */
static void test_allocator_order(void **state)
{
	(void)state;
	struct vm *vm = new_vm();
	uint64_t a;
	assert_int_equal(vm_ram_alloc(vm, 0x1000, 0x1000, RAM_VMM, "a", &a), 0);
	assert_true(a == RESERVED_BASE);
	vm_ram_reset(vm);
	assert_int_equal(vm_ram_claim(vm, 0xe0000, 0x20000, RAM_GUEST, "image"), 0);
	assert_int_equal(vm_ram_alloc(vm, 0x1000, 0x1000, RAM_VMM, "b", &a), 0);
	assert_true(a == BIOS_AREA_BASE);
	vm_ram_reset(vm);
	assert_int_equal(vm_ram_claim(vm, 0xc0000, 0x40000, RAM_GUEST, "image"), 0);
	assert_int_equal(vm_ram_claim(vm, 0x100000, 0x123456, RAM_GUEST, "image"), 0);
	assert_int_equal(vm_ram_alloc(vm, 0x100, 8, RAM_VMM, "c", &a), 0);
	assert_true(a == 0x223458); /* right after the image, 8-aligned */
	vm_ram_reset(vm);
	assert_int_equal(vm_ram_claim(vm, 0xc0000, MEM - 0xc0000, RAM_GUEST, "image"), 0);
	assert_int_equal(vm_ram_alloc(vm, 0x8000, 0x1000, RAM_VMM, "d", &a), 0);
	assert_true(a + 0x8000 <= REAL_MODE_STACK - STACK_RESERVE && a >= 0x1000);
	check_memmap(vm);
	assert_int_equal(vm_ram_claim(vm, 0, 0xa0000, RAM_GUEST, "image2"), -1); /* over vmm's */
	assert_int_equal(vm_ram_claim(vm, 0, a, RAM_GUEST, "image2"), 0);
	assert_int_equal(vm_ram_claim(vm, a + 0x8000, 0xa0000 - a - 0x8000, RAM_GUEST, "image2"), 0);
	assert_int_equal(vm_ram_alloc(vm, 0x1000, 0x1000, RAM_VMM, "e", &a), -1);
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_in_bios_area),
		cmocka_unit_test(test_tables_move_out_of_the_image),
		cmocka_unit_test(test_multiboot_info_reserved),
		cmocka_unit_test(test_entry_translation),
		cmocka_unit_test(test_allocator_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
