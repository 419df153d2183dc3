#include "paging.h"

#include <stdbool.h>

#include "x86.h"

#define SIZE_4K (UINT64_C(1) << 12)
#define SIZE_4M (UINT64_C(1) << 22)
#define FOUR_GIB (UINT64_C(1) << 32)

/* Physical address bits 51:12 of a 64-bit entry (PAE and long mode). Bits
 * 62:52 are ignored or protection keys and bit 63 is XD, none of which are
 * part of the address. */
#define ADDR_MASK_52 UINT64_C(0x000FFFFFFFFFF000)

/* Real mode reaches up to 0xFFFF:0xFFFF = 0x10FFEF (with A20 enabled). */
#define REAL_MODE_END UINT64_C(0x10FFF0)

enum paging_mode paging_mode_of(const struct paging_regs *r)
{
	/* PG without PE cannot be loaded, so PE alone decides real mode. */
	if (!(r->cr0 & CR0_PE))
		return PAGING_REAL;
	if (!(r->cr0 & CR0_PG))
		return PAGING_NONE;
	/* LMA (not LME) says long mode is active: LME is only the request. */
	if (r->efer & EFER_LMA)
		return (r->cr4 & CR4_LA57) ? PAGING_LONG5 : PAGING_LONG4;
	return (r->cr4 & CR4_PAE) ? PAGING_PAE : PAGING_32;
}

const char *paging_mode_name(enum paging_mode m)
{
	switch (m) {
	case PAGING_REAL: return "real";
	case PAGING_NONE: return "none";
	case PAGING_32: return "32";
	case PAGING_PAE: return "pae";
	case PAGING_LONG4: return "long4";
	case PAGING_LONG5: return "long5";
	}
	return "?";
}

/* Reads a 4- or 8-byte little-endian entry; assembling it byte by byte keeps
 * the walker correct whatever the host's byte order. */
static int read_entry(phys_read_fn read, void *opaque, uint64_t gpa, unsigned width,
		      uint64_t *entry)
{
	uint8_t bytes[8];

	if (read(opaque, gpa, bytes, width) != 0)
		return -1;
	*entry = 0;
	for (unsigned i = 0; i < width; i++)
		*entry |= (uint64_t)bytes[i] << (8 * i);
	return 0;
}

/*
 * Reads the entry at gpa and, when the caller traces the walk, records it.
 * Returns 0 with the entry, or -1 if it could not be read. The step is
 * marked a leaf by the caller once it knows.
 */
static int read_step(phys_read_fn read, void *opaque, uint64_t gpa, unsigned width,
		     struct paging_trace *trace, const char *name, unsigned index,
		     uint64_t *entry)
{
	int rc = read_entry(read, opaque, gpa, width, entry);

	if (trace && trace->n < PAGING_MAX_STEPS) {
		trace->steps[trace->n++] = (struct paging_step){
			.name = name, .index = index, .entry_gpa = gpa,
			.entry = rc == 0 ? *entry : 0, .width = width, .readable = rc == 0,
		};
	}
	return rc;
}

/* Marks the last recorded step as the leaf that maps a page of `size`. */
static void trace_leaf(struct paging_trace *trace, uint64_t size)
{
	if (trace && trace->n > 0) {
		trace->steps[trace->n - 1].leaf = true;
		trace->steps[trace->n - 1].page_size = size;
	}
}

/* 2-level 32-bit paging: a page directory of 1024 4-byte entries, each
 * either a 4 MiB page (PS with CR4.PSE) or a page table of 1024 entries. */
static int walk_32(const struct paging_regs *r, uint64_t gva, phys_read_fn read, void *opaque,
		   uint64_t *base, uint64_t *size, struct paging_trace *trace)
{
	unsigned pd_index = (gva >> 22) & 0x3FF, pt_index = (gva >> 12) & 0x3FF;
	uint64_t pde, pte;
	uint64_t pd = r->cr3 & 0xFFFFF000u;

	if (gva >= FOUR_GIB)
		return -1;
	if (read_step(read, opaque, pd + pd_index * 4, 4, trace, "PDE", pd_index, &pde) != 0 ||
	    !(pde & PTE_PRESENT))
		return -1;
	/* Without CR4.PSE the PS bit is ignored and the entry is a table
	 * pointer like any other. */
	if ((pde & PTE_LARGE) && (r->cr4 & CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 carry physical address bits 39:32.
		 * Bit 12 is PAT and bit 21 reserved, so neither is address. */
		*base = (pde & 0xFFC00000u) | (((pde >> 13) & 0xFF) << 32);
		*size = SIZE_4M;
		trace_leaf(trace, *size);
		return 0;
	}
	if (read_step(read, opaque, (pde & 0xFFFFF000u) + pt_index * 4, 4, trace, "PTE", pt_index,
		      &pte) != 0 ||
	    !(pte & PTE_PRESENT))
		return -1;
	*base = pte & 0xFFFFF000u;
	*size = SIZE_4K;
	trace_leaf(trace, *size);
	return 0;
}

/*
 * The 64-bit-entry walk shared by PAE and long mode. The top table is
 * indexed by top_index_bits of gva starting at top_shift; every lower level
 * by 9 bits, 9 fewer each time, down to the 4 KiB page table at shift 12.
 * An entry with PS set is a leaf at levels whose shift is <= max_large_shift
 * (21 for PAE's 2 MiB, 30 for long mode's 1 GiB); elsewhere PS is reserved
 * and, since reserved bits are not checked, ignored.
 */
/* The entry names of the 64-bit walk, by the shift its level indexes at. */
static const char *entry_name_64(unsigned shift)
{
	switch (shift) {
	case 48: return "PML5E";
	case 39: return "PML4E";
	case 30: return "PDPTE";
	case 21: return "PDE";
	default: return "PTE";
	}
}

static int walk_64(uint64_t table, unsigned top_shift, unsigned top_index_bits,
		   unsigned max_large_shift, uint64_t gva, phys_read_fn read, void *opaque,
		   uint64_t *base, uint64_t *size, struct paging_trace *trace)
{
	unsigned index_bits = top_index_bits;

	for (unsigned shift = top_shift;; shift -= 9, index_bits = 9) {
		uint64_t index = (gva >> shift) & ((UINT64_C(1) << index_bits) - 1);
		uint64_t entry;

		if (read_step(read, opaque, table + index * 8, 8, trace, entry_name_64(shift),
			      (unsigned)index, &entry) != 0 ||
		    !(entry & PTE_PRESENT))
			return -1;
		if (shift == 12 || (shift <= max_large_shift && (entry & PTE_LARGE))) {
			*size = UINT64_C(1) << shift;
			/* Large pages keep PAT in bit 12, below the alignment. */
			*base = entry & ADDR_MASK_52 & ~(*size - 1);
			trace_leaf(trace, *size);
			return 0;
		}
		table = entry & ADDR_MASK_52;
	}
}

/* Long mode addresses must have bits 63:va_bits-1 all equal. */
static bool is_canonical(uint64_t gva, unsigned va_bits)
{
	uint64_t top = gva >> (va_bits - 1);

	return top == 0 || top == UINT64_MAX >> (va_bits - 1);
}

/*
 * Translates gva and also reports *mapped_len, how many bytes from gva on
 * stay physically contiguous: to the end of the mapping page, or in real
 * mode to the 0x10FFEF limit, which is not page aligned.
 */
static int translate_piece(const struct paging_regs *r, uint64_t gva, phys_read_fn read,
			   void *opaque, uint64_t *gpa, uint64_t *page_size, uint64_t *mapped_len,
			   struct paging_trace *trace)
{
	uint64_t base, size;
	uint64_t limit = 0; /* end (exclusive) of the identity-mapped modes */
	int rc;

	enum paging_mode mode = paging_mode_of(r);

	switch (mode) {
	case PAGING_REAL:
	case PAGING_NONE:
		limit = mode == PAGING_REAL ? REAL_MODE_END : FOUR_GIB;
		if (gva >= limit)
			return -1;
		base = gva & ~(SIZE_4K - 1);
		size = SIZE_4K;
		rc = 0;
		break;
	case PAGING_32:
		rc = walk_32(r, gva, read, opaque, &base, &size, trace);
		break;
	case PAGING_PAE:
		/* PAE linear addresses are still 32 bits wide. The 4 PDPTEs sit
		 * at CR3 bits 31:5 and have no large-page form. */
		if (gva >= FOUR_GIB)
			return -1;
		rc = walk_64(r->cr3 & 0xFFFFFFE0u, 30, 2, 21, gva, read, opaque, &base, &size, trace);
		break;
	case PAGING_LONG4:
		if (!is_canonical(gva, 48))
			return -1;
		rc = walk_64(r->cr3 & ADDR_MASK_52, 39, 9, 30, gva, read, opaque, &base, &size, trace);
		break;
	case PAGING_LONG5:
		if (!is_canonical(gva, 57))
			return -1;
		rc = walk_64(r->cr3 & ADDR_MASK_52, 48, 9, 30, gva, read, opaque, &base, &size, trace);
		break;
	default:
		return -1;
	}
	if (rc != 0)
		return -1;

	uint64_t offset = gva & (size - 1);
	uint64_t to_page_end = size - offset;

	*gpa = base | offset;
	if (page_size)
		*page_size = size;
	/* Only the identity modes have an end inside a page; paged modes get
	 * no such clip (a "no limit" of UINT64_MAX would wrongly cut off the
	 * last byte of the address space). */
	*mapped_len = (limit != 0 && limit - gva < to_page_end) ? limit - gva : to_page_end;
	return 0;
}

int paging_translate(const struct paging_regs *r, uint64_t gva, phys_read_fn read,
		     void *opaque, uint64_t *gpa, uint64_t *page_size)
{
	uint64_t mapped_len;

	return translate_piece(r, gva, read, opaque, gpa, page_size, &mapped_len, NULL);
}

int paging_translate_trace(const struct paging_regs *r, uint64_t gva, phys_read_fn read,
			   void *opaque, uint64_t *gpa, uint64_t *page_size,
			   struct paging_trace *trace)
{
	uint64_t mapped_len;

	trace->n = 0;
	return translate_piece(r, gva, read, opaque, gpa, page_size, &mapped_len, trace);
}

int paging_for_each_chunk(const struct paging_regs *r, uint64_t gva, uint64_t len,
			  phys_read_fn read, void *read_opaque,
			  phys_chunk_fn fn, void *fn_opaque)
{
	if (len == 0)
		return 0;
	/* The last byte must not wrap past 2^64; checking gva+len-1 rather
	 * than gva+len still allows a range that ends exactly at 2^64. */
	if (gva + (len - 1) < gva)
		return -1;

	/* Pass 0 only checks, pass 1 acts: a range that is not fully mapped
	 * must have no partial effect. */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t offset = 0;

		while (offset < len) {
			uint64_t gpa, mapped_len;

			if (translate_piece(r, gva + offset, read, read_opaque, &gpa, NULL,
					    &mapped_len, NULL) != 0)
				return -1;
			uint64_t chunk = len - offset < mapped_len ? len - offset : mapped_len;
			if (pass == 1 && fn) {
				int rc = fn(fn_opaque, gpa, chunk, offset);
				if (rc != 0)
					return rc;
			}
			offset += chunk;
		}
		if (!fn)
			break;
	}
	return 0;
}
