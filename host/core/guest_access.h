/*
 * Guest-virtual memory access for hypercalls.
 *
 * Every accessor first translates the whole guest range through the vCPU's
 * current paging state (paging.c) and checks each physical piece against
 * guest RAM (vm_gpa_ptr), collecting the host pieces in a span list; only
 * then does any byte move, and it moves only through that list. So each
 * access is all-or-nothing against the guest's state at the time of the
 * call: a bad buffer has no effect at all, the host never touches memory
 * outside guest RAM, and a copy that rewrites the guest's own page tables
 * (a disk read into them) cannot redirect its later bytes: they land where
 * the mapping pointed when the call began.
 *
 * No buffer may be longer than guest RAM: such a buffer can only exist by
 * mapping a page twice, and refusing it bounds the span list (and the walk)
 * by the size of guest RAM.
 */
#ifndef VMM_GUEST_ACCESS_H
#define VMM_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* One physically contiguous piece of a guest buffer, in host memory. */
struct guest_span {
	uint8_t *host;
	size_t len;
};

#define GUEST_SPANS_INLINE 8

/*
 * A guest buffer translated once (vm_map_gva_range): its host pieces in
 * order, neighbours that are contiguous in host memory merged, so a buffer
 * the guest maps contiguously is one span however long. A few spans live
 * inline; more go to the heap. Fill and release it with the functions
 * below; do not copy the struct.
 */
struct guest_spans {
	struct guest_span inline_spans[GUEST_SPANS_INLINE];
	struct guest_span *heap; /* NULL while the inline array suffices */
	size_t count, capacity;
	uint64_t len;            /* total bytes */
	size_t next, next_offset; /* where the next put/get starts */
};

/* Translates and checks all of [gva, gva + len) now: 0 and *spans, or
 * -EFAULT (a byte not mapped, not RAM, the range wraps or is longer than
 * guest RAM) or -ENOMEM; on failure *spans needs no release. */
int vm_map_gva_range(struct vm *vm, uint64_t gva, uint64_t len, struct guest_spans *spans);
/* Move the next len bytes of the buffer, in order from its start, into the
 * guest (put) or out of it (get); returns how many moved (less than len
 * only at the buffer's end). */
size_t guest_spans_put(struct guest_spans *spans, const void *buf, size_t len);
size_t guest_spans_get(struct guest_spans *spans, void *buf, size_t len);
void guest_spans_release(struct guest_spans *spans);

/* 0 and *gpa, or -EFAULT when gva is not mapped or not backed by RAM. */
int vm_gva_to_gpa(struct vm *vm, uint64_t gva, uint64_t *gpa);
/* Host address backing gva, or NULL. */
void *vm_gva_to_hva(struct vm *vm, uint64_t gva);
/* 0 if all of [gva, gva + len) is mapped guest RAM, else -EFAULT (or
 * -ENOMEM). Only an answer about this moment: to move the bytes, map the
 * range once with vm_map_gva_range instead of checking and then copying. */
int vm_check_gva_range(struct vm *vm, uint64_t gva, uint64_t len);
/* Copy a guest-virtual buffer in or out: 0, or -EFAULT (or -ENOMEM) with
 * nothing copied. */
int vm_copy_from_gva(struct vm *vm, uint64_t gva, void *buf, size_t len);
int vm_copy_to_gva(struct vm *vm, uint64_t gva, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max bytes (terminator included)
 * into a malloc'd buffer; *len excludes the NUL. 0, -EFAULT (not wholly
 * mapped, or no NUL within max) or -ENOMEM. Each page is translated once:
 * the bytes copied are those the scan for the NUL found. */
int vm_read_gva_string(struct vm *vm, uint64_t gva, size_t max, char **out, size_t *len);

#endif
