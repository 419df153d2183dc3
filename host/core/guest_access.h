/*
 * Guest-virtual memory access for hypercalls: addresses are translated
 * through the vCPU's current paging state (paging.c), page by page, and every
 * physical piece is checked against guest RAM (vm_gpa_ptr) before anything is
 * copied, so a bad buffer has no partial effect and the host never touches
 * memory outside guest RAM.
 */
#ifndef VMM_GUEST_ACCESS_H
#define VMM_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* 0 and *gpa, or -EFAULT when gva is not mapped or not backed by RAM. */
int vm_gva_to_gpa(struct vm *vm, uint64_t gva, uint64_t *gpa);
/* Host address backing gva, or NULL. */
void *vm_gva_to_hva(struct vm *vm, uint64_t gva);
/* 0 if all of [gva, gva + len) is mapped guest RAM, else -EFAULT: for
 * callers that move a long buffer in pieces and must not stop halfway. */
int vm_check_gva_range(struct vm *vm, uint64_t gva, uint64_t len);
/* Copy a guest-virtual buffer in or out: 0, or -EFAULT with nothing copied. */
int vm_copy_from_gva(struct vm *vm, uint64_t gva, void *buf, size_t len);
int vm_copy_to_gva(struct vm *vm, uint64_t gva, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max bytes (terminator included)
 * into a malloc'd buffer; *len excludes the NUL. 0, -EFAULT (not wholly
 * mapped, or no NUL within max) or -ENOMEM. */
int vm_read_gva_string(struct vm *vm, uint64_t gva, size_t max, char **out, size_t *len);

#endif
