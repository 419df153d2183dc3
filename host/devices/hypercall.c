/* Port 0xABBA: one 32-bit out carries the guest-physical address of a
 * request block; vmm runs the call and writes status and ret back. */
#include "hypercall.h"

#include <stdio.h>
#include <string.h>

#include "vm.h"


static void report_bad_block(struct vm *vm, uint64_t gpa, const char *why)
{
	vm->stats.hypercalls_failed++;
	if (vm->bad_block_reported)
		return;
	vm->bad_block_reported = true;
	fprintf(stderr, "vmm: hypercall block at 0x%llx %s; ignored (reported once)\n",
		(unsigned long long)gpa, why);
}

static void doorbell_write(void *opaque, uint64_t offset, unsigned size, uint64_t gpa)
{
	struct vm *vm = opaque;
	(void)offset;
	if (size != 4)
		return; /* 8- and 16-bit accesses are not hypercalls */
	vm->stats.hypercalls++;
	if (gpa % 8) {
		report_bad_block(vm, gpa, "is not 8-byte aligned");
		return;
	}
	struct hc_request *block = vm_gpa_ptr(vm, gpa, sizeof(*block));
	if (!block) {
		report_bad_block(vm, gpa, "is not wholly inside guest RAM");
		return;
	}
	/* Work on a copy: the guest's block is read once. */
	struct hc_request req;
	memcpy(&req, block, sizeof(req));
	uint64_t ret = 0;
	int status = HC_ENOSYS;
	if (req.nr <= HC_MAX && vm->hypercalls[req.nr].fn)
		status = vm->hypercalls[req.nr].fn(vm, vm->hypercalls[req.nr].opaque, &req, &ret);
	if (status < 0)
		vm->stats.hypercalls_failed++;
	block->status = status;
	block->ret = ret;
}

/* The names of abi.h, for the exit trace (trace.c). */
static const struct hypercall_info call_info[] = {
	[HC_PRINT8] = { "PRINT8", { "byte" } },
	[HC_PRINT32] = { "PRINT32", { "value" } },
	[HC_NUM_EXITS] = { "NUM_EXITS", { NULL } },
	[HC_PRINTSTR] = { "PRINTSTR", { "gva" } },
	[HC_GVA_TO_HVA] = { "GVA_TO_HVA", { "gva" } },
	[HC_GET_TIMESTAMP] = { "GET_TIMESTAMP", { NULL } },
	[HC_EXIT] = { "EXIT", { "status" } },
	[HC_VGA_WRITE] = { "VGA_WRITE", { "cell", "cells", "count" } },
	[HC_DISK_READ] = { "DISK_READ", { "lba", "buffer", "sectors" } },
	[HC_DISK_WRITE] = { "DISK_WRITE", { "lba", "buffer", "sectors" } },
	[HC_DISK_INFO] = { "DISK_INFO", { NULL } },
	[HC_MEMMAP] = { "MEMMAP", { "entries", "max" } },
	[HC_PRINT64] = { "PRINT64", { "value" } },
	[HC_DISK_QUEUE] = { "DISK_QUEUE", { "queue" } },
};

const struct hypercall_info *hypercall_info(unsigned nr)
{
	if (nr >= sizeof(call_info) / sizeof(call_info[0]) || !call_info[nr].name)
		return NULL;
	return &call_info[nr];
}

const char *hypercall_status_name(int status)
{
	switch (status) {
	case HC_OK: return "OK";
	case HC_EPERM: return "EPERM";
	case HC_EIO: return "EIO";
	case HC_EFAULT: return "EFAULT";
	case HC_ENODEV: return "ENODEV";
	case HC_EINVAL: return "EINVAL";
	case HC_ENOSPC: return "ENOSPC";
	case HC_ENOSYS: return "ENOSYS";
	default: return NULL;
	}
}

static const struct io_ops doorbell_ops = { NULL, doorbell_write };

int hypercall_register(struct vm *vm)
{
	if (vm_register_pio(vm, VMM_HC_PORT, 1, "hypercall", &doorbell_ops, vm) < 0)
		return -1;
	hypercall_register_core_calls(vm);
	return 0;
}
