#include "cpuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm.h"

#define CPUID_MAX_ENTRIES 256
#define CPUID1_ECX_VMX        (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID80000001_ECX_SVM (1u << 2)

static void set_hypervisor_leaf(struct kvm_cpuid_entry2 *e)
{
	uint32_t sig[3];
	memcpy(sig, VMM_CPUID_SIGNATURE, sizeof(sig));
	*e = (struct kvm_cpuid_entry2){
		.function = CPUID_HYPERVISOR_LEAF,
		.eax = CPUID_HYPERVISOR_LEAF, /* highest hypervisor leaf */
		.ebx = sig[0], .ecx = sig[1], .edx = sig[2],
	};
}

int cpuid_setup(struct vm *vm, char *err, size_t errlen)
{
	size_t size = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, size);
	if (!cpuid) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cpuid->nent = CPUID_MAX_ENTRIES - 1; /* keep one free for our leaf */
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(cpuid);
		return -1;
	}
	bool have_hv_leaf = false;
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		if (e->function == 1)
			e->ecx = (e->ecx & ~CPUID1_ECX_VMX) | CPUID1_ECX_HYPERVISOR;
		else if (e->function == 0x80000001)
			e->ecx &= ~CPUID80000001_ECX_SVM;
		else if (e->function == CPUID_HYPERVISOR_LEAF) {
			/* KVM offers its own signature here; the guest sees vmm's. */
			set_hypervisor_leaf(e);
			have_hv_leaf = true;
		}
	}
	if (!have_hv_leaf)
		set_hypervisor_leaf(&cpuid->entries[cpuid->nent++]);
	int rc = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
	if (rc < 0)
		snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
	free(cpuid);
	return rc < 0 ? -1 : 0;
}
