/*
 * A software page walker: turns a guest-virtual address into a
 * guest-physical one the way the guest's MMU would, for every x86 paging
 * state. The VMM needs it whenever the guest hands it a pointer (a string
 * I/O buffer, a debugger request, a hypercall argument), because such
 * pointers are virtual while guest RAM is indexed physically.
 *
 * The walk reads the guest's own page tables through a callback, so it works
 * on any memory layout and can be unit-tested against a plain buffer. It
 * reads on behalf of the guest kernel, so permission bits (NX, U/S, R/W) and
 * reserved bits are not checked; only present bits decide whether an address
 * is mapped. Accessed/dirty bits are never written.
 */
#ifndef VMM_PAGING_H
#define VMM_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The control registers that select and locate the paging structures, as
 * KVM_GET_SREGS returns them. */
struct paging_regs {
	uint64_t cr0, cr3, cr4, efer;
};

enum paging_mode {
	PAGING_REAL,  /* CR0.PE=0: linear = gva, at most 0x10FFEF */
	PAGING_NONE,  /* protected mode, CR0.PG=0: linear = gva, below 4 GiB */
	PAGING_32,    /* 2-level, 4 KiB and (with CR4.PSE) 4 MiB pages */
	PAGING_PAE,   /* 3-level, 4 KiB and 2 MiB pages, 32-bit addresses */
	PAGING_LONG4, /* 4-level, 4 KiB, 2 MiB and 1 GiB pages */
	PAGING_LONG5, /* 5-level (CR4.LA57), same leaves as 4-level */
};

/* Decided from CR0.PE, CR0.PG, CR4.PAE, CR4.LA57 and EFER.LMA. */
enum paging_mode paging_mode_of(const struct paging_regs *r);
/* A short lowercase name for messages ("real", "none", "32", "pae",
 * "long4", "long5"); "?" for a value outside the enum. */
const char *paging_mode_name(enum paging_mode m);

/* Reads len bytes of guest-physical memory; returns 0, or -1 if
 * [gpa, gpa+len) is not guest RAM. */
typedef int (*phys_read_fn)(void *opaque, uint64_t gpa, void *buf, size_t len);

/*
 * Returns 0 and *gpa, or -1 if gva is not mapped: a non-present entry at any
 * level, a page-table read the callback refuses, a non-canonical address in
 * long mode, an address at or above 4 GiB in the 32-bit modes, or above
 * 0x10FFEF in real mode. *page_size (may be NULL) gets the size of the
 * mapping page: 4 KiB, 2 MiB, 4 MiB or 1 GiB, and 4 KiB in real mode and
 * without paging so callers can still advance page by page. The resulting
 * gpa itself is not checked against guest RAM; the caller's access does that.
 */
int paging_translate(const struct paging_regs *r, uint64_t gva, phys_read_fn read,
		     void *opaque, uint64_t *gpa, uint64_t *page_size);

/* One paging-structure entry a walk read, in walk order: what `monitor
 * translate` prints so that a student can follow a translation level by
 * level. */
struct paging_step {
	const char *name;   /* "PML5E", "PML4E", "PDPTE", "PDE" or "PTE" */
	unsigned index;     /* the entry's index in its table */
	uint64_t entry_gpa; /* where the entry lies */
	uint64_t entry;     /* its value; 0 when it could not be read */
	unsigned width;     /* 4 (32-bit paging) or 8 bytes */
	bool readable;      /* false: the read callback refused entry_gpa */
	bool leaf;          /* present and maps the page: the walk ends here */
	uint64_t page_size; /* of a leaf: 4 KiB, 2 MiB, 4 MiB or 1 GiB */
};

#define PAGING_MAX_STEPS 5

/* Every entry read, the one that ended a failed walk (not present, or not
 * readable) included; n is 0 in real mode and without paging, and when the
 * address was refused before any read (non-canonical, above 4 GiB). */
struct paging_trace {
	int n;
	struct paging_step steps[PAGING_MAX_STEPS];
};

/* paging_translate that also fills *trace (which may not be NULL). */
int paging_translate_trace(const struct paging_regs *r, uint64_t gva, phys_read_fn read,
			   void *opaque, uint64_t *gpa, uint64_t *page_size,
			   struct paging_trace *trace);

/* One physically contiguous piece of a virtual range: bytes
 * [offset, offset+len) of the range live at [gpa, gpa+len). */
typedef int (*phys_chunk_fn)(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset);

/*
 * Splits [gva, gva+len) into pieces that each lie inside one mapping page
 * and calls fn(fn_opaque, gpa, chunk_len, offset) for them in order.
 *
 * The whole range is translated before fn is called for anything, so an
 * unmapped page anywhere means no effect at all: then, or if gva+len wraps
 * past 2^64, the result is -1 and fn is never called. Otherwise it returns
 * 0, or stops at the first nonzero value fn returns and passes it on (use a
 * positive value to tell it apart from "unmapped"). fn may be NULL to only
 * check that the range is mapped. len == 0 is an empty, valid range.
 * Adjacent pieces are not merged even if physically contiguous.
 *
 * fn must not write guest memory: the pieces are translated again when fn
 * is called, so a write into the guest's page tables would change the
 * translation of the pieces after it. To copy into the guest, collect the
 * pieces first and copy afterwards (guest_access.c's span list does).
 */
int paging_for_each_chunk(const struct paging_regs *r, uint64_t gva, uint64_t len,
			  phys_read_fn read, void *read_opaque,
			  phys_chunk_fn fn, void *fn_opaque);

#endif
