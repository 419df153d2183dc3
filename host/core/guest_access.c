#include "guest_access.h"

#include <errno.h>
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

/* Host address of the part of [gva, gva + len) that lies in gva's 4 KiB
 * page (4 KiB even inside a large page, so a long scan never spans the hole
 * below 1 MiB): *chunk gets its length. NULL if unmapped or not RAM. */
static uint8_t *map_chunk(struct vm *vm, const struct paging_regs *pr, uint64_t gva, size_t len,
			  size_t *chunk)
{
	uint64_t gpa;
	if (paging_translate(pr, gva, vm_read_phys, vm, &gpa, NULL) < 0)
		return NULL;
	uint64_t left_in_page = 4096 - (gva & 4095);
	*chunk = len < left_in_page ? len : (size_t)left_in_page;
	return vm_gpa_ptr(vm, gpa, *chunk);
}

struct copy_job {
	struct vm *vm;
	uint8_t *buf;
	bool to_guest;
};

enum { CHUNK_NOT_RAM = 1 };

static int check_chunk(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset)
{
	(void)offset;
	return vm_gpa_ptr(((struct copy_job *)opaque)->vm, gpa, len) ? 0 : CHUNK_NOT_RAM;
}

static int copy_chunk(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset)
{
	struct copy_job *job = opaque;
	uint8_t *host = vm_gpa_ptr(job->vm, gpa, len);
	if (job->to_guest)
		memcpy(host, job->buf + offset, len);
	else
		memcpy(job->buf + offset, host, len);
	return 0;
}

static int copy(struct vm *vm, uint64_t gva, uint8_t *buf, size_t len, bool to_guest)
{
	struct paging_regs pr;
	if (paging_regs_of(vm, &pr) < 0)
		return -EFAULT;
	struct copy_job job = { vm, buf, to_guest };
	/* Check every piece first, then copy: a buffer with a hole, or one that
	 * leaves guest RAM, has no partial effect. */
	if (paging_for_each_chunk(&pr, gva, len, vm_read_phys, vm, check_chunk, &job) != 0)
		return -EFAULT;
	paging_for_each_chunk(&pr, gva, len, vm_read_phys, vm, copy_chunk, &job);
	return 0;
}

int vm_check_gva_range(struct vm *vm, uint64_t gva, uint64_t len)
{
	struct paging_regs pr;
	struct copy_job job = { vm, NULL, false };
	if (paging_regs_of(vm, &pr) < 0 ||
	    paging_for_each_chunk(&pr, gva, len, vm_read_phys, vm, check_chunk, &job) != 0)
		return -EFAULT;
	return 0;
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

int vm_read_gva_string(struct vm *vm, uint64_t gva, size_t max, char **out, size_t *len)
{
	struct paging_regs pr;
	if (paging_regs_of(vm, &pr) < 0)
		return -EFAULT;
	size_t used = 0;
	while (used < max) {
		size_t chunk;
		const uint8_t *host = map_chunk(vm, &pr, gva + used, max - used, &chunk);
		if (!host)
			return -EFAULT;
		const uint8_t *nul = memchr(host, 0, chunk);
		if (nul) {
			used += (size_t)(nul - host);
			break;
		}
		used += chunk;
	}
	if (used == max)
		return -EFAULT; /* no terminator within the limit */
	char *s = malloc(used + 1);
	if (!s)
		return -ENOMEM;
	/* The scan above proved [gva, gva + used] mapped. */
	if (copy(vm, gva, (uint8_t *)s, used, false) < 0) {
		free(s);
		return -EFAULT;
	}
	s[used] = '\0';
	*out = s;
	*len = used;
	return 0;
}
