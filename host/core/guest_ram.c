/* Records of who uses guest RAM, the allocator for vmm's own structures, and
 * the memory map derived from both (guest_ram.h). */
#include "guest_ram.h"

#include <stdbool.h>
#include <stdlib.h>

#include "layout.h"
#include "vm.h"

#define PAGE 4096ull
/* Conventional RAM vm_ram_alloc may use: above the real-mode IVT and BIOS
 * data area, below the 64 KiB under the real-mode stack. */
#define ALLOC_LOW_BASE 0x1000ull
#define ALLOC_LOW_END  (REAL_MODE_STACK - STACK_RESERVE)
#define ALLOC_LIMIT    (1ull << 32) /* 32-bit boot information and CR3 */

void vm_ram_reset(struct vm *vm)
{
	vm->ram_use.n = 0;
	vm->ram_use.cpu_tables = 0;
}

const struct ram_range *vm_ram_overlap(const struct vm *vm, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	for (int i = 0; i < vm->ram_use.n; i++) {
		const struct ram_range *r = &vm->ram_use.ranges[i];
		if (base < r->end && r->base < end)
			return r;
	}
	return NULL;
}

static bool overlaps_owner(const struct vm *vm, uint64_t base, uint64_t end, enum ram_owner owner)
{
	for (int i = 0; i < vm->ram_use.n; i++) {
		const struct ram_range *r = &vm->ram_use.ranges[i];
		if (r->owner == owner && base < r->end && r->base < end)
			return true;
	}
	return false;
}

int vm_ram_claim(struct vm *vm, uint64_t base, uint64_t size, enum ram_owner owner,
		 const char *what)
{
	struct guest_ram_use *use = &vm->ram_use;
	if (size == 0)
		return 0;
	/* Guest ranges may overlap each other (ELF segments sharing a page);
	 * nothing may overlap vmm's. */
	if (overlaps_owner(vm, base, base + size, RAM_VMM))
		return -1;
	/* A piece that touches one of the same kind extends it (an image's
	 * segments one after the other): the table stays short. */
	for (int i = 0; i < use->n; i++) {
		struct ram_range *r = &use->ranges[i];
		if (r->owner == owner && r->what == what && base <= r->end && r->base <= base + size) {
			if (base < r->base)
				r->base = base;
			if (base + size > r->end)
				r->end = base + size;
			return 0;
		}
	}
	if (use->n == RAM_MAX_RANGES)
		return -1;
	use->ranges[use->n++] = (struct ram_range){ base, base + size, owner, what };
	return 0;
}

/* The lowest (or highest) aligned [a, a + size) inside [lo, hi) that no
 * recorded range overlaps. Candidates are lo and the end of each range
 * (going up), or hi - size and each range's base - size (going down). */
static bool fit(const struct vm *vm, uint64_t lo, uint64_t hi, uint64_t size, uint64_t align,
		bool top_down, uint64_t *out)
{
	bool found = false;
	uint64_t best = 0;
	for (int i = -1; i < vm->ram_use.n; i++) {
		const struct ram_range *r = i >= 0 ? &vm->ram_use.ranges[i] : NULL;
		uint64_t a;
		if (top_down) {
			uint64_t below = r ? r->base : hi;
			if (below < size)
				continue;
			a = (below - size) & ~(align - 1);
		} else {
			a = r ? r->end : lo;
			a = (a + align - 1) & ~(align - 1);
		}
		if (a < lo || a + size > hi || a + size < a || vm_ram_overlap(vm, a, size))
			continue;
		if (!found || (top_down ? a > best : a < best))
			best = a, found = true;
	}
	*out = best;
	return found;
}

int vm_ram_alloc(struct vm *vm, uint64_t size, uint64_t align, enum ram_owner owner,
		 const char *what, uint64_t *gpa)
{
	if (size == 0 || align == 0 || (align & (align - 1)))
		return -1;
	uint64_t top = vm->mem_size - STACK_RESERVE;
	if (top > ALLOC_LIMIT)
		top = ALLOC_LIMIT;
	uint64_t image_end = HIGH_RAM_BASE;
	for (int i = 0; i < vm->ram_use.n; i++)
		if (vm->ram_use.ranges[i].owner == RAM_GUEST && vm->ram_use.ranges[i].end > image_end &&
		    vm->ram_use.ranges[i].end <= top)
			image_end = vm->ram_use.ranges[i].end;
	const struct { uint64_t lo, hi; bool top_down; } regions[] = {
		{ RESERVED_BASE, RESERVED_END, false },
		{ BIOS_AREA_BASE, RESERVED_BASE, false },
		{ image_end, top, false },
		{ ALLOC_LOW_BASE, ALLOC_LOW_END, true },
		{ HIGH_RAM_BASE, top, false },
	};
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		uint64_t a;
		if (regions[i].lo < regions[i].hi &&
		    fit(vm, regions[i].lo, regions[i].hi, size, align, regions[i].top_down, &a)) {
			if (vm_ram_claim(vm, a, size, owner, what) < 0)
				return -1;
			*gpa = a;
			return 0;
		}
	}
	return -1;
}

int vm_ram_cpu_tables(struct vm *vm, uint64_t *gpa)
{
	if (!vm->ram_use.cpu_tables &&
	    vm_ram_alloc(vm, CPU_TABLES_SIZE, PAGE, RAM_VMM, "GDT and page tables",
			 &vm->ram_use.cpu_tables) < 0)
		return -1;
	*gpa = vm->ram_use.cpu_tables;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The type of the piece [a, b) of RAM, which no boundary splits. */
static uint32_t piece_type(const struct vm *vm, uint64_t a, uint64_t b)
{
	if (overlaps_owner(vm, a, b, RAM_VMM))
		return HC_MEM_RESERVED;
	if (overlaps_owner(vm, a, b, RAM_GUEST))
		return HC_MEM_USABLE;
	return a >= BIOS_AREA_BASE && a < HIGH_RAM_BASE ? HC_MEM_RESERVED : HC_MEM_USABLE;
}

int vm_memmap(const struct vm *vm, struct hc_memmap_entry *out, int max)
{
	/* Cut RAM at every boundary: the fixed ones and each range's ends. */
	uint64_t cut[5 + 2 * RAM_MAX_RANGES];
	int n = 0;
	cut[n++] = 0, cut[n++] = LOW_RAM_END, cut[n++] = BIOS_AREA_BASE;
	cut[n++] = HIGH_RAM_BASE, cut[n++] = vm->mem_size;
	for (int i = 0; i < vm->ram_use.n; i++) {
		cut[n++] = vm->ram_use.ranges[i].base;
		cut[n++] = vm->ram_use.ranges[i].end;
	}
	qsort(cut, (size_t)n, sizeof(cut[0]), cmp_u64);

	int count = 0;
	struct hc_memmap_entry last = { 0 };
	for (int i = 0; i + 1 < n; i++) {
		uint64_t a = cut[i], b = cut[i + 1];
		if (a == b || b > vm->mem_size || (a >= LOW_RAM_END && b <= BIOS_AREA_BASE))
			continue;
		uint32_t type = piece_type(vm, a, b);
		if (count > 0 && last.type == type && last.base + last.length == a) {
			last.length += b - a; /* extends the entry */
		} else {
			if (count > 0 && count <= max)
				out[count - 1] = last;
			last = (struct hc_memmap_entry){ a, b - a, type, 0 };
			count++;
		}
	}
	if (count > 0 && count <= max)
		out[count - 1] = last;
	return count;
}
