/* PV disk driver. A call fills one static request block in place and rings
 * the doorbell: the SDK's generic hypercall() builds a fresh block on the
 * stack each time, about three times the guest instructions, and on an
 * emulated KVM (~2 M instructions/s) those cost more than the exit itself.
 * One block is enough: SDK guests run one thread with interrupts off. */
#include "ide_pv.h"

#include "hypercall.h"

static struct hc_request block;

static int submit(unsigned nr, uint32_t lba, const void *buffer, uint32_t count)
{
	block.nr = nr;
	block.status = HC_ENOSYS; /* what stays if no VMM answers (QEMU) */
	block.arg[0] = lba;
	block.arg[1] = (uintptr_t)buffer;
	block.arg[2] = count;
	/* Virtual == physical for SDK guests, as hypercall() assumes. */
	return hypercall_submit(&block, (uint32_t)(uintptr_t)&block);
}

long long ide_pv_sectors(void)
{
	int status = submit(HC_DISK_INFO, 0, 0, 0);
	return status != HC_OK ? status : (long long)block.ret;
}

int ide_pv_read(uint32_t lba, uint32_t count, void *buffer)
{
	return submit(HC_DISK_READ, lba, buffer, count);
}

int ide_pv_write(uint32_t lba, uint32_t count, const void *buffer)
{
	return submit(HC_DISK_WRITE, lba, buffer, count);
}
