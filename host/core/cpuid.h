/* The vCPU's CPUID table: what the host's KVM supports, minus nested
 * virtualisation, plus vmm's own hypervisor leaf. */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include <stddef.h>

struct vm;

/* vmm's signature in CPUID leaf 0x40000000 (EBX, ECX, EDX). */
#define VMM_CPUID_SIGNATURE "vmmvmmvmmvmm"
#define CPUID_HYPERVISOR_LEAF 0x40000000u

int cpuid_setup(struct vm *vm, char *err, size_t errlen);

#endif
