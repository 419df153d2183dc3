/* The PV disk hypercalls (see hc_disk.h for the error contract). */
#include "hc_disk.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "guest_access.h"
#include "paging.h"
#include "vm.h"
/* vmm/abi.h (via vm.h) spells the sector size 512, disk_image.h 512u: the
 * same value, but a redefinition with other tokens is an error. */
#undef DISK_SECTOR_SIZE
#include "disk_image.h"

/* Host bounce buffer size: big enough that one call costs few syscalls,
 * small enough that a 128 GiB request cannot make vmm allocate 128 GiB. */
#define PIECE_BYTES (1u << 20)
#define PIECE_SECTORS (PIECE_BYTES / DISK_SECTOR_SIZE)

/* hypercall_fn has no opaque pointer, so each VM's disk is looked up here.
 * A few VMs at most exist at once (tests create them one after another). */
#define MAX_VMS 16
static struct {
	struct vm *vm;
	struct disk *disk;
} table[MAX_VMS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static struct disk *disk_of(struct vm *vm)
{
	struct disk *d = NULL;
	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < MAX_VMS; i++)
		if (table[i].vm == vm)
			d = table[i].disk;
	pthread_mutex_unlock(&table_lock);
	return d;
}

static void unregister(struct vm *vm, void *opaque)
{
	(void)opaque;
	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < MAX_VMS; i++)
		if (table[i].vm == vm)
			table[i].vm = NULL, table[i].disk = NULL;
	pthread_mutex_unlock(&table_lock);
}

static int check_chunk(void *opaque, uint64_t gpa, uint64_t len, uint64_t offset)
{
	(void)offset;
	return vm_gpa_ptr(opaque, gpa, len) ? 0 : 1;
}

/* True if all of [gva, gva + len) is mapped and backed by guest RAM. Done
 * once up front, so a long transfer never stops halfway on a bad page. */
static bool guest_range_ok(struct vm *vm, uint64_t gva, uint64_t len)
{
	struct kvm_sregs s;
	if (vm_get_sregs(vm, &s) < 0)
		return false;
	struct paging_regs pr = { .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4, .efer = s.efer };
	return paging_for_each_chunk(&pr, gva, len, vm_read_phys, vm, check_chunk, vm) == 0;
}

/* The checks common to read and write; 0 or the status to return. */
static int check_request(struct vm *vm, struct disk *d, const struct hc_request *req)
{
	uint64_t lba = req->arg[0], count = req->arg[2];
	if (!d)
		return HC_ENODEV;
	if (lba > disk_sectors(d) || count > disk_sectors(d) - lba)
		return HC_EINVAL;
	/* count <= 2^28 here, so the byte length cannot overflow. A request of
	 * one piece needs no separate walk: its single checked copy already has
	 * no partial effect (and one walk less matters at ~5 us a call). */
	if (count > PIECE_SECTORS && !guest_range_ok(vm, req->arg[1], count * DISK_SECTOR_SIZE))
		return HC_EFAULT;
	return HC_OK;
}

static int hc_disk_read(struct vm *vm, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = disk_of(vm);
	int rc = check_request(vm, d, req);
	if (rc < 0 || req->arg[2] == 0)
		return rc;
	uint64_t lba = req->arg[0], left = req->arg[2], gva = req->arg[1];
	uint8_t *buf = malloc(left < PIECE_SECTORS ? left * DISK_SECTOR_SIZE : PIECE_BYTES);
	if (!buf)
		return HC_EIO;
	while (left && rc == HC_OK) {
		uint32_t n = left < PIECE_SECTORS ? (uint32_t)left : PIECE_SECTORS;
		size_t bytes = (size_t)n * DISK_SECTOR_SIZE;
		if (disk_read(d, lba, n, buf) < 0)
			rc = HC_EIO;
		else if (vm_copy_to_gva(vm, gva, buf, bytes) < 0)
			rc = HC_EFAULT; /* only if the guest's mapping changed under us */
		lba += n, left -= n, gva += bytes;
	}
	free(buf);
	return rc;
}

static int hc_disk_write(struct vm *vm, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct disk *d = disk_of(vm);
	int rc = check_request(vm, d, req);
	if (rc < 0)
		return rc;
	if (d->read_only)
		return HC_EIO;
	uint64_t lba = req->arg[0], left = req->arg[2], gva = req->arg[1];
	if (left == 0)
		return HC_OK;
	uint8_t *buf = malloc(left < PIECE_SECTORS ? left * DISK_SECTOR_SIZE : PIECE_BYTES);
	if (!buf)
		return HC_EIO;
	while (left && rc == HC_OK) {
		uint32_t n = left < PIECE_SECTORS ? (uint32_t)left : PIECE_SECTORS;
		size_t bytes = (size_t)n * DISK_SECTOR_SIZE;
		if (vm_copy_from_gva(vm, gva, buf, bytes) < 0)
			rc = HC_EFAULT;
		else if (disk_write(d, lba, n, buf) < 0)
			rc = HC_EIO;
		lba += n, left -= n, gva += bytes;
	}
	free(buf);
	return rc;
}

static int hc_disk_info(struct vm *vm, const struct hc_request *req, uint64_t *ret)
{
	(void)req;
	struct disk *d = disk_of(vm);
	*ret = d ? disk_sectors(d) : 0;
	return d ? HC_OK : HC_ENODEV;
}

int hc_disk_register(struct vm *vm, struct disk *disk)
{
	pthread_mutex_lock(&table_lock);
	int slot = -1;
	for (int i = 0; i < MAX_VMS && slot < 0; i++)
		if (!table[i].vm || table[i].vm == vm)
			slot = i;
	if (slot >= 0)
		table[slot].vm = vm, table[slot].disk = disk;
	pthread_mutex_unlock(&table_lock);
	if (slot < 0 || vm_add_destroy_hook(vm, unregister, NULL) < 0)
		return -1;
	vm_register_hypercall(vm, HC_DISK_READ, hc_disk_read);
	vm_register_hypercall(vm, HC_DISK_WRITE, hc_disk_write);
	vm_register_hypercall(vm, HC_DISK_INFO, hc_disk_info);
	return 0;
}
