/* The PV disk hypercalls (see hc_disk.h for the error contract). */
#include "hc_disk.h"

#include <errno.h>
#include <stdlib.h>

#include "guest_access.h"
#include "vm.h"
#include "disk_image.h"

/* Host bounce buffer size: big enough that one call costs few syscalls,
 * small enough that a 128 GiB request cannot make vmm allocate 128 GiB. */
#define PIECE_BYTES (1u << 20)
#define PIECE_SECTORS (PIECE_BYTES / DISK_SECTOR_SIZE)

/* The checks common to read and write; 0 or the status to return. */
static int check_request(struct vm *vm, struct disk *d, const struct hc_request *req)
{
	uint64_t lba = req->arg[0], count = req->arg[2];
	if (!d)
		return HC_ENODEV;
	if (!disk_range_valid(d, lba, count))
		return HC_EINVAL;
	/* count <= 2^28 here, so the byte length cannot overflow. A request of
	 * one piece needs no separate walk: its single checked copy already has
	 * no partial effect (and one walk less matters at ~5 us a call). */
	if (count > PIECE_SECTORS && vm_check_gva_range(vm, req->arg[1], count * DISK_SECTOR_SIZE) < 0)
		return HC_EFAULT;
	return HC_OK;
}

/* Moves the request's sectors between the image and the guest's buffer in
 * pieces of at most PIECE_BYTES; check_request has validated the range. */
static int transfer(struct vm *vm, struct disk *d, const struct hc_request *req, bool to_disk)
{
	uint64_t lba = req->arg[0], gva = req->arg[1], left = req->arg[2];
	if (left == 0)
		return HC_OK;
	uint8_t *buf = malloc(left < PIECE_SECTORS ? left * DISK_SECTOR_SIZE : PIECE_BYTES);
	if (!buf)
		return HC_EIO;
	int rc = HC_OK;
	while (left && rc == HC_OK) {
		uint32_t n = left < PIECE_SECTORS ? (uint32_t)left : PIECE_SECTORS;
		size_t bytes = (size_t)n * DISK_SECTOR_SIZE;
		/* EFAULT after the up-front check only if the guest's mapping
		 * changed under us. */
		if (to_disk && vm_copy_from_gva(vm, gva, buf, bytes) < 0)
			rc = HC_EFAULT;
		else if (to_disk && disk_write(d, lba, n, buf) < 0)
			rc = HC_EIO;
		else if (!to_disk && disk_read(d, lba, n, buf) < 0)
			rc = HC_EIO;
		else if (!to_disk && vm_copy_to_gva(vm, gva, buf, bytes) < 0)
			rc = HC_EFAULT;
		lba += n, left -= n, gva += bytes;
	}
	free(buf);
	return rc;
}

static int hc_disk_read(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = opaque; /* NULL: no disk */
	int rc = check_request(vm, d, req);
	return rc < 0 ? rc : transfer(vm, d, req, false);
}

static int hc_disk_write(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = opaque;
	int rc = check_request(vm, d, req);
	if (rc < 0)
		return rc;
	return d->read_only ? HC_EIO : transfer(vm, d, req, true);
}

static int hc_disk_info(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)vm, (void)req;
	struct disk *d = opaque; /* NULL: no disk */
	*ret = d ? disk_sectors(d) : 0;
	return d ? HC_OK : HC_ENODEV;
}

int hc_disk_register(struct vm *vm, struct disk *disk)
{
	return vm_register_hypercall(vm, HC_DISK_READ, hc_disk_read, disk) |
	       vm_register_hypercall(vm, HC_DISK_WRITE, hc_disk_write, disk) |
	       vm_register_hypercall(vm, HC_DISK_INFO, hc_disk_info, disk);
}
