#include "guest_access.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "paging.h"
#include "vm.h"

static int paging_regs_of(struct vm *vm, struct paging_regs *pr)
{
	struct kvm_sregs s;
	if (vm_get_sregs(vm, &s) < 0)
		return -EFAULT;
	*pr = (struct paging_regs){ .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4, .efer = s.efer };
	return 0;
}

/* ---- the span list ---- */

static void spans_init(struct guest_spans *s)
{
	s->heap = NULL;
	s->count = 0;
	s->capacity = GUEST_SPANS_INLINE;
	s->len = 0;
	s->next = s->next_offset = 0;
}

static struct guest_span *spans_array(struct guest_spans *s)
{
	return s->heap ? s->heap : s->inline_spans;
}

/* Appends [host, host + len), merged into the last span where it continues
 * it. 0 or -ENOMEM. */
static int spans_add(struct guest_spans *s, uint8_t *host, size_t len)
{
	struct guest_span *v = spans_array(s);
	if (s->count && v[s->count - 1].host + v[s->count - 1].len == host) {
		v[s->count - 1].len += len;
	} else {
		if (s->count == s->capacity) {
			size_t capacity = s->capacity * 2;
			struct guest_span *grown = realloc(s->heap, capacity * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			if (!s->heap)
				memcpy(grown, s->inline_spans, sizeof(s->inline_spans));
			s->heap = grown;
			s->capacity = capacity;
			v = grown;
		}
		v[s->count++] = (struct guest_span){ host, len };
	}
	s->len += len;
	return 0;
}

void guest_spans_release(struct guest_spans *s)
{
	free(s->heap);
	spans_init(s);
}

/* Moves up to len bytes between buf and the buffer from where the last move
 * stopped; returns how many. */
static size_t spans_move(struct guest_spans *s, uint8_t *buf, size_t len, bool to_guest)
{
	const struct guest_span *v = spans_array(s);
	size_t moved = 0;
	while (moved < len && s->next < s->count) {
		const struct guest_span *span = &v[s->next];
		size_t n = span->len - s->next_offset;
		if (n > len - moved)
			n = len - moved;
		uint8_t *host = span->host + s->next_offset;
		if (to_guest)
			memcpy(host, buf + moved, n);
		else
			memcpy(buf + moved, host, n);
		moved += n;
		s->next_offset += n;
		if (s->next_offset == span->len)
			s->next++, s->next_offset = 0;
	}
	return moved;
}

size_t guest_spans_put(struct guest_spans *s, const void *buf, size_t len)
{
	return spans_move(s, (uint8_t *)buf, len, true);
}

size_t guest_spans_get(struct guest_spans *s, void *buf, size_t len)
{
	return spans_move(s, buf, len, false);
}

/* ---- translating a range into spans ---- */

struct collect_job {
	struct vm *vm;
	struct guest_spans *spans;
	int error; /* -EFAULT or -ENOMEM once a piece was refused */
};

/* Called by paging_for_each_chunk for each physically contiguous piece. It
 * only reads: the walk translates the range again after its checking pass,
 * which is only sound while nothing writes guest memory. */
static int collect_piece(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset)
{
	(void)offset;
	struct collect_job *job = opaque;
	uint8_t *host = vm_gpa_ptr(job->vm, gpa, len);
	job->error = !host ? -EFAULT : spans_add(job->spans, host, (size_t)len);
	return job->error ? 1 : 0;
}

int vm_map_gva_range(struct vm *vm, uint64_t gva, uint64_t len, struct guest_spans *spans)
{
	spans_init(spans);
	struct paging_regs pr;
	if (len > vm->mem_size || paging_regs_of(vm, &pr) < 0)
		return -EFAULT;
	struct collect_job job = { vm, spans, 0 };
	if (paging_for_each_chunk(&pr, gva, len, vm_read_phys, vm, collect_piece, &job) != 0) {
		guest_spans_release(spans);
		return job.error ? job.error : -EFAULT;
	}
	return 0;
}

/* ---- the accessors ---- */

static int copy(struct vm *vm, uint64_t gva, uint8_t *buf, size_t len, bool to_guest)
{
	struct guest_spans spans;
	int rc = vm_map_gva_range(vm, gva, len, &spans);
	if (rc < 0)
		return rc;
	spans_move(&spans, buf, len, to_guest);
	guest_spans_release(&spans);
	return 0;
}

int vm_check_gva_range(struct vm *vm, uint64_t gva, uint64_t len)
{
	struct guest_spans spans;
	int rc = vm_map_gva_range(vm, gva, len, &spans);
	if (rc == 0)
		guest_spans_release(&spans);
	return rc;
}

int vm_copy_from_gva(struct vm *vm, uint64_t gva, void *buf, size_t len)
{
	return copy(vm, gva, buf, len, false);
}

int vm_copy_to_gva(struct vm *vm, uint64_t gva, const void *buf, size_t len)
{
	return copy(vm, gva, (uint8_t *)buf, len, true);
}

int vm_gva_to_gpa(struct vm *vm, uint64_t gva, uint64_t *gpa)
{
	struct paging_regs pr;
	if (paging_regs_of(vm, &pr) < 0 || paging_translate(&pr, gva, vm_read_phys, vm, gpa, NULL) < 0)
		return -EFAULT;
	/* KVM_TRANSLATE would accept any 32-bit address with paging off; an
	 * address is only valid if guest RAM backs it. */
	return vm_gpa_ptr(vm, *gpa, 1) ? 0 : -EFAULT;
}

void *vm_gva_to_hva(struct vm *vm, uint64_t gva)
{
	uint64_t gpa;
	return vm_gva_to_gpa(vm, gva, &gpa) == 0 ? vm_gpa_ptr(vm, gpa, 1) : NULL;
}

/* Host address of the part of [gva, gva + len) that lies in gva's 4 KiB
 * page (4 KiB even inside a large page, so a long scan never runs into the
 * hole below 1 MiB): *chunk gets its length. NULL if unmapped or not RAM. */
static uint8_t *map_chunk(struct vm *vm, const struct paging_regs *pr, uint64_t gva, size_t len,
			  size_t *chunk)
{
	uint64_t gpa;
	if (paging_translate(pr, gva, vm_read_phys, vm, &gpa, NULL) < 0)
		return NULL;
	uint64_t left_in_page = 4096 - (gva & 4095);
	/* Real mode ends mid-page (FFFF:FFFF = 0x10FFEF): a string must not run
	 * into bytes the guest cannot address (found by tests/fuzz/fuzz_paging). */
	const uint64_t real_mode_end = 0x10FFF0;
	if (paging_mode_of(pr) == PAGING_REAL && real_mode_end - gva < left_in_page)
		left_in_page = real_mode_end - gva;
	*chunk = len < left_in_page ? len : (size_t)left_in_page;
	return vm_gpa_ptr(vm, gpa, *chunk);
}

/* Scans for the NUL page by page, recording each page's host piece as it
 * goes, so the copy reads exactly the bytes the scan saw translated. */
static int scan_string(struct vm *vm, uint64_t gva, size_t max, struct guest_spans *spans)
{
	struct paging_regs pr;
	if (paging_regs_of(vm, &pr) < 0)
		return -EFAULT;
	for (uint64_t used = 0; used < max;) {
		size_t chunk;
		uint8_t *host = map_chunk(vm, &pr, gva + used, max - used, &chunk);
		if (!host || gva + used < gva)
			return -EFAULT;
		const uint8_t *nul = memchr(host, 0, chunk);
		size_t text = nul ? (size_t)(nul - host) : chunk;
		if (text && spans_add(spans, host, text) < 0)
			return -ENOMEM;
		if (nul)
			return 0;
		used += chunk;
	}
	return -EFAULT; /* no terminator within the limit */
}

int vm_read_gva_string(struct vm *vm, uint64_t gva, size_t max, char **out, size_t *len)
{
	struct guest_spans spans;
	spans_init(&spans);
	int rc = scan_string(vm, gva, max, &spans);
	char *s = rc == 0 ? malloc(spans.len + 1) : NULL;
	if (rc == 0 && !s)
		rc = -ENOMEM;
	if (rc == 0) {
		size_t n = guest_spans_get(&spans, s, spans.len);
		s[n] = '\0';
		*out = s;
		*len = n;
	}
	guest_spans_release(&spans);
	return rc;
}
