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

/* The checks common to read and write that need no guest memory; 0 or the
 * status to return. */
static int check_request(struct disk *d, const struct hc_request *req)
{
	if (!d)
		return HC_ENODEV;
	if (!disk_range_valid(d, req->arg[0], req->arg[2]))
		return HC_EINVAL;
	return HC_OK;
}

/*
 * Moves the request's sectors between the image and the guest's buffer in
 * pieces of at most PIECE_BYTES. The whole guest buffer is translated once,
 * before the first byte moves: a read that rewrites the guest's own page
 * tables still lands every byte where the mapping pointed when the call
 * began, and a bad buffer fails with nothing done.
 */
static int transfer(struct vm *vm, struct disk *d, const struct hc_request *req, bool to_disk)
{
	uint64_t lba = req->arg[0], left = req->arg[2];
	/* count <= 2^28 (check_request), so the length cannot overflow. */
	struct guest_spans buffer;
	int rc = vm_map_gva_range(vm, req->arg[1], left * DISK_SECTOR_SIZE, &buffer);
	if (rc < 0)
		return rc == -ENOMEM ? HC_EIO : HC_EFAULT;
	if (to_disk && d->read_only)
		rc = HC_EIO;
	uint8_t *bounce = NULL;
	if (rc == HC_OK && left) {
		bounce = malloc(left < PIECE_SECTORS ? left * DISK_SECTOR_SIZE : PIECE_BYTES);
		if (!bounce)
			rc = HC_EIO;
	}
	while (left && rc == HC_OK) {
		uint32_t n = left < PIECE_SECTORS ? (uint32_t)left : PIECE_SECTORS;
		size_t bytes = (size_t)n * DISK_SECTOR_SIZE;
		if (to_disk) {
			guest_spans_get(&buffer, bounce, bytes);
			rc = disk_write(d, lba, n, bounce) < 0 ? HC_EIO : HC_OK;
		} else {
			rc = disk_read(d, lba, n, bounce) < 0 ? HC_EIO : HC_OK;
			if (rc == HC_OK)
				guest_spans_put(&buffer, bounce, bytes);
		}
		lba += n, left -= n;
	}
	free(bounce);
	guest_spans_release(&buffer);
	return rc;
}

static int hc_disk_read(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = opaque; /* NULL: no disk */
	int rc = check_request(d, req);
	return rc < 0 ? rc : transfer(vm, d, req, false);
}

static int hc_disk_write(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = opaque;
	int rc = check_request(d, req);
	return rc < 0 ? rc : transfer(vm, d, req, true);
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
