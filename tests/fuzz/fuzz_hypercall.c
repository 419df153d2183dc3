/*
 * Fuzz target "hypercall": the doorbell on port 0xABBA with every handler
 * vmm registers (host/devices/hypercall.c, hc_core_calls.c, hc_disk.c,
 * disk_queue.c, vga.c's VGA_WRITE), set up as host/cli/main.c does, on a
 * 64-sector temporary disk image.
 *
 * Input: u8 drive (% 3: none, read-write, read-only), the paging part
 * (fuzz_common.h: registers and guest memory), then u8 n (% 9) and n steps:
 *	u8 kind % 4:
 *	0  a call: u16 page, u16 offset (the block at fuzz_ram_page(page) +
 *	   offset % 4096), u8 nr, 4 x u64 args; the block is written where it
 *	   lies in RAM, then its gpa goes to the doorbell as a 32-bit out
 *	1  a raw doorbell write: u8 size (% 3: 1, 2, 4 bytes), u32 value
 *	2  a disk queue doorbell (port 0xABBC), 32-bit
 *	3  the guest writes memory: u16 page, u16 offset, u8 len, len bytes
 * Invariants, besides "no crash" (guest RAM has guard pages around it and
 * over the VGA window; ASan watches the host heap):
 *  - every status written is one docs/hypercalls.md lists for that call, and
 *    the call-specific ones: -ENOSYS for an unknown number, -ENODEV for the
 *    disk calls without a drive, never success for DISK_WRITE on a read-only
 *    image, DISK_INFO's sector count, GVA_TO_HVA's address (the reference
 *    page walk, before the call: the block may be the guest's own page
 *    table, and the call writes its status into it), VGA_WRITE's -EINVAL
 *    exactly for cells past 1999;
 *  - each disk-queue slot status vmm writes is a documented one;
 *  - the image never changes size, and a read-only one never changes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "console_ports.h"
#include "disk_device.h"
#include "fuzz_common.h"
#include "hypercall.h"
#include "vga.h"
#include "vm.h"

#define SECTORS 64

static struct vm *vm;
static const char *paths[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vm = fuzz_vm_create(2ull << 20);
	paths[0] = fuzz_disk_image(0, SECTORS);
	paths[1] = fuzz_disk_image(1, SECTORS);
	return 0;
}

static void attach_devices(int drive)
{
	char err[256];
	fuzz_vm_remove_devices(vm);
	FUZZ_CHECK((debugcon_register(vm) | debug_exit_register(vm) | uart_register(vm) |
		    hypercall_register(vm)) == 0, "cannot register the core devices");
	FUZZ_CHECK(disk_device_attach(vm, drive ? paths[drive - 1] : NULL, drive == 2, err, sizeof(err)) == 0,
		   "disk: %s", err);
	FUZZ_CHECK(vga_create(vm, VGA_TRAPPED, err, sizeof(err)), "vga: %s", err);
}

static bool in_set(int status, const int *set)
{
	for (; *set != 1; set++)
		if (status == *set)
			return true;
	return false;
}

/* What docs/hypercalls.md allows each call to return (lists end with 1). */
static const int *allowed(unsigned nr)
{
	static const int ok[] = { HC_OK, 1 };
	static const int str[] = { HC_OK, HC_EFAULT, HC_EIO, 1 };
	static const int hva[] = { HC_OK, HC_EFAULT, HC_EPERM, 1 };
	static const int clock[] = { HC_OK, HC_EIO, 1 };
	static const int vga[] = { HC_OK, HC_EINVAL, HC_EFAULT, 1 };
	static const int disk[] = { HC_OK, HC_ENODEV, HC_EINVAL, HC_EFAULT, HC_EIO, 1 };
	static const int info[] = { HC_OK, HC_ENODEV, 1 };
	static const int memmap[] = { HC_OK, HC_EFAULT, 1 };
	static const int queue[] = { HC_OK, HC_ENODEV, HC_EINVAL, HC_EFAULT, 1 };
	static const int none[] = { HC_ENOSYS, 1 };
	switch (nr) {
	case HC_PRINT8: case HC_PRINT32: case HC_NUM_EXITS: case HC_EXIT: case HC_PRINT64: return ok;
	case HC_PRINTSTR: return str;
	case HC_GVA_TO_HVA: return hva;
	case HC_GET_TIMESTAMP: return clock;
	case HC_VGA_WRITE: return vga;
	case HC_DISK_READ: case HC_DISK_WRITE: return disk;
	case HC_DISK_INFO: return info;
	case HC_MEMMAP: return memmap;
	case HC_DISK_QUEUE: return queue;
	default: return none;
	}
}

/* GVA_TO_HVA's answer, worked out before the call: the call writes its
 * status into the block, and the block may be the guest's own page table. */
struct translation {
	bool ok;
	uint64_t gpa;
};

static void check_call(const struct hc_request *req, const struct translation *hva, int drive)
{
	unsigned nr = req->nr;
	int st = req->status;
	FUZZ_CHECK(in_set(st, allowed(nr)), "call %u: status %d is not documented for it", nr, st);
	bool disk_call = nr == HC_DISK_READ || nr == HC_DISK_WRITE || nr == HC_DISK_INFO || nr == HC_DISK_QUEUE;
	FUZZ_CHECK(!disk_call || drive || st == HC_ENODEV, "call %u without a drive: status %d", nr, st);
	FUZZ_CHECK(!(nr == HC_DISK_WRITE && drive == 2 && st == HC_OK), "DISK_WRITE succeeded on a read-only image");
	if (nr == HC_DISK_INFO)
		FUZZ_CHECK(req->ret == (drive ? SECTORS : 0), "DISK_INFO: ret %llu", req->ret);
	if (nr == HC_VGA_WRITE) {
		bool past = req->arg[0] > 2000 || req->arg[2] > 2000 - req->arg[0];
		FUZZ_CHECK(past == (st == HC_EINVAL), "VGA_WRITE first %llu count %llu: status %d", req->arg[0],
			   req->arg[2], st);
	}
	if (nr == HC_GVA_TO_HVA)
		FUZZ_CHECK(st == (hva->ok ? HC_OK : HC_EFAULT) &&
			   req->ret == (hva->ok ? (uint64_t)(uintptr_t)(vm->ram + hva->gpa) : 0),
			   "GVA_TO_HVA 0x%llx: status %d ret 0x%llx", req->arg[0], st, req->ret);
}

/* The guest's disk queue as vmm was last told of it (0: none). */
static uint64_t queue_gpa;

static struct disk_queue *queue_view(void)
{
	return queue_gpa ? vm_gpa_ptr(vm, queue_gpa, sizeof(struct disk_queue)) : NULL;
}

/*
 * A queue doorbell: every slot status vmm changes must be documented. A slot
 * whose READ lands on the queue itself overwrites statuses with disk data, so
 * a doorbell with such a slot is not checked.
 */
static void ring_queue(void)
{
	static const int slot_ok[] = { HC_OK, HC_EINVAL, HC_EFAULT, HC_EIO, 1 };
	struct disk_queue *q = queue_view();
	struct disk_queue before;
	if (q)
		before = *q;
	uint64_t value = 0;
	bus_access(&vm->pio, VMM_DISK_QUEUE_PORT, true, 4, &value, true);
	if (!q)
		return;
	for (int i = 0; i < DISK_QUEUE_SLOTS; i++) {
		const struct disk_queue_slot *sl = &before.slot[i];
		uint64_t end = sl->buffer + (uint64_t)sl->count * DISK_SECTOR_SIZE;
		if (sl->op == DISK_OP_READ && sl->buffer < queue_gpa + sizeof(before) && end > queue_gpa)
			return;
	}
	for (int i = 0; i < DISK_QUEUE_SLOTS; i++)
		FUZZ_CHECK(q->slot[i].status == before.slot[i].status || in_set(q->slot[i].status, slot_ok),
			   "disk queue slot %d: status %d", i, q->slot[i].status);
}

static void call(struct fuzz_input *in, const struct paging_regs *pr, int drive)
{
	uint64_t gpa = fuzz_ram_page(vm, fuzz_u16(in)) + fuzz_u16(in) % 4096;
	struct hc_request req = { .nr = fuzz_u8(in), .status = 12345 };
	for (int i = 0; i < 4; i++)
		req.arg[i] = fuzz_u64(in);
	/* Put the block where it lies in RAM (a block that runs off RAM is
	 * refused by the doorbell and must not be written at all). */
	const uint8_t *b = (const uint8_t *)&req;
	for (unsigned i = 0; i < sizeof(req); i++)
		if (fuzz_gpa_is_ram(vm, gpa + i))
			vm->ram[gpa + i] = b[i];
	struct translation hva = { false, 0 };
	hva.ok = fuzz_ref_translate(vm, pr, req.arg[0], &hva.gpa) && fuzz_gpa_is_ram(vm, hva.gpa);
	uint64_t value = gpa;
	bus_access(&vm->pio, VMM_HC_PORT, true, 4, &value, true);
	struct hc_request *block = vm_gpa_ptr(vm, gpa, sizeof(req));
	if (gpa % 8 || !block) {
		int status = 12345;
		if (block) /* misaligned: read it as bytes */
			memcpy(&status, vm->ram + gpa + offsetof(struct hc_request, status), sizeof(status));
		FUZZ_CHECK(status == 12345, "a refused block was written");
		return;
	}
	/* vmm read the block once; the call may have overwritten it since
	 * (a DISK_READ over it), all but status and ret, written last. */
	req.status = block->status;
	req.ret = block->ret;
	check_call(&req, &hva, drive);
	if (req.nr == HC_DISK_QUEUE && req.status == HC_OK)
		queue_gpa = req.arg[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	int drive = fuzz_u8(&in) % 3;
	attach_devices(drive);
	queue_gpa = 0;
	struct paging_regs pr;
	fuzz_read_paging(&in, vm, &pr);
	fuzz_vm_set_paging(vm, &pr);

	unsigned n = fuzz_u8(&in) % 9;
	for (unsigned i = 0; i < n; i++) {
		switch (fuzz_u8(&in) % 4) {
		case 0:
			call(&in, &pr, drive);
			break;
		case 1: {
			static const unsigned sizes[3] = { 1, 2, 4 };
			unsigned sz = sizes[fuzz_u8(&in) % 3];
			uint64_t value = fuzz_u32(&in);
			bus_access(&vm->pio, VMM_HC_PORT, true, sz, &value, true);
			break;
		}
		case 2:
			ring_queue();
			break;
		default: {
			uint64_t at = fuzz_ram_page(vm, fuzz_u16(&in));
			unsigned off = fuzz_u16(&in) % 4096;
			size_t len;
			const uint8_t *b = fuzz_bytes(&in, fuzz_u8(&in), &len);
			if (len > 4096 - off)
				len = 4096 - off;
			memcpy(vm->ram + at + off, b, len);
			break;
		}
		}
	}
	fuzz_vm_remove_devices(vm); /* closes the image */
	if (drive)
		fuzz_disk_check_and_reset(paths[drive - 1], SECTORS, drive == 2);
	fuzz_vm_clear_ram(vm);
	return 0;
}
