/* The core hypercalls of ABI v1: console output, exit counting, address
 * translation, time, stopping, and the memory map. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "console.h"
#include "guest_access.h"
#include "hypercall.h"
#include "vm.h"


static int hc_print8(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)vm, (void)ret;
	console_putc((char)(req->arg[0] & 0xff));
	return HC_OK;
}

static int hc_print32(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)vm, (void)ret;
	char line[16];
	int n = snprintf(line, sizeof(line), "%" PRIu32 "\n", (uint32_t)req->arg[0]);
	console_write(line, (size_t)n);
	return HC_OK;
}

static int hc_print64(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)vm, (void)ret;
	char line[24];
	int n = snprintf(line, sizeof(line), "0x%" PRIx64 "\n", (uint64_t)req->arg[0]);
	console_write(line, (size_t)n);
	return HC_OK;
}

static int hc_num_exits(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)req;
	/* This exit is already counted; NUM_EXITS calls themselves are not. */
	vm->stats.numexits_calls++;
	*ret = vm->stats.exits - vm->stats.numexits_calls;
	return HC_OK;
}

static int hc_printstr(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)ret;
	char *s;
	size_t len;
	int rc = vm_read_gva_string(vm, req->arg[0], HC_PRINTSTR_MAX, &s, &len);
	if (rc < 0)
		return rc == -ENOMEM ? HC_EIO : HC_EFAULT;
	console_write(s, len);
	free(s);
	return HC_OK;
}

static int hc_gva_to_hva(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	/* The course asks for the host address; -no-hva keeps it secret (it
	 * would tell a guest where vmm's memory lies, defeating ASLR). */
	if (vm->cfg.no_hva) {
		*ret = 0;
		return HC_EPERM;
	}
	void *hva = vm_gva_to_hva(vm, req->arg[0]);
	if (!hva) {
		console_write("Invalid GVA\n", 12);
		*ret = 0;
		return HC_EFAULT;
	}
	*ret = (uint64_t)(uintptr_t)hva;
	return HC_OK;
}

static int hc_get_timestamp(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)req;
	struct kvm_clock_data clock = { 0 };
	if (ioctl(vm->vm_fd, KVM_GET_CLOCK, &clock) < 0)
		return HC_EIO;
	*ret = clock.clock;
	return HC_OK;
}

static int hc_exit(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	(void)ret;
	vm_request_stop(vm, STOP_GUEST_EXIT, (int)(req->arg[0] & 0xff));
	return HC_OK;
}

static int hc_memmap(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)opaque;
	struct hc_memmap_entry map[8];
	const uint64_t room = sizeof(map) / sizeof(map[0]);
	int total = vm_memmap(vm, map, (int)room);
	/* At most what the guest asked for, what exists, and what map holds. */
	uint64_t n = req->arg[1] < (uint64_t)total ? req->arg[1] : (uint64_t)total;
	if (n > room)
		n = room;
	if (vm_copy_to_gva(vm, req->arg[0], map, n * sizeof(map[0])) < 0)
		return HC_EFAULT;
	*ret = (uint64_t)total;
	return HC_OK;
}

void hypercall_register_core_calls(struct vm *vm)
{
	vm_register_hypercall(vm, HC_PRINT8, hc_print8, NULL);
	vm_register_hypercall(vm, HC_PRINT32, hc_print32, NULL);
	vm_register_hypercall(vm, HC_NUM_EXITS, hc_num_exits, NULL);
	vm_register_hypercall(vm, HC_PRINTSTR, hc_printstr, NULL);
	vm_register_hypercall(vm, HC_GVA_TO_HVA, hc_gva_to_hva, NULL);
	vm_register_hypercall(vm, HC_GET_TIMESTAMP, hc_get_timestamp, NULL);
	vm_register_hypercall(vm, HC_EXIT, hc_exit, NULL);
	vm_register_hypercall(vm, HC_MEMMAP, hc_memmap, NULL);
	vm_register_hypercall(vm, HC_PRINT64, hc_print64, NULL);
}
