/*
 * A raw disk image file seen as an array of 512-byte sectors.
 *
 * The image is never created, truncated or resized: disk_open() only accepts
 * an existing file whose size is a whole, non-zero number of sectors and fits
 * 28-bit LBA (the only addressing the emulated ATA drive offers). Writes are
 * write-through: when disk_write() returns, the bytes are in the file (the
 * kernel's page cache), not in a buffer of ours; disk_flush() asks the kernel
 * to put them on stable storage.
 */
#ifndef VMM_DISK_IMAGE_H
#define VMM_DISK_IMAGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/abi.h" /* DISK_SECTOR_SIZE, the one definition host and guests share */
#define DISK_MAX_SECTORS (UINT64_C(1) << 28) /* LBA28: LBAs 0 .. 2^28 - 1 */

struct disk {
	int fd;		  /* -1 when closed */
	uint64_t sectors; /* image size / DISK_SECTOR_SIZE */
	bool read_only;
	char *name;	       /* the path, for messages; NULL: "(unnamed)" */
	atomic_uint io_errors_reported; /* one bit per kind: read, write, fdatasync */
};

/*
 * Opens an existing image. Returns 0, or a negative errno and a one-line
 * message in err (if err is non-NULL and errlen > 0) naming the file and the
 * problem: missing/unreadable (strerror text), not a regular file or block
 * device, empty, size not a multiple of 512, more than 2^28 sectors. On
 * failure d->fd is -1 and the file is untouched.
 */
int disk_open(struct disk *d, const char *path, bool read_only, char *err, size_t errlen);

/*
 * Transfer count sectors starting at lba to/from buf (count * 512 bytes).
 * Return 0, -EINVAL if any sector lies past the end (then nothing is
 * transferred) or the disk is closed, -EROFS for a write to a read-only disk, -EIO if the host
 * read/write fails (a write may then have been partly done). A host failure
 * is also reported on stderr, the first of each kind only ("vmm: disk image
 * X: write failed at sector N: No space left on device"): the guest learns
 * of it through -EIO, the user through that line.
 */
int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf);
int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf);

/* fdatasync(); returns 0, -EIO (reported once on stderr, as above), or
 * -EINVAL on a closed disk. */
int disk_flush(struct disk *d);

/* Closes the file; safe to call again on a closed disk. */
void disk_close(struct disk *d);

uint64_t disk_sectors(const struct disk *d);

/* True if [lba, lba + count) lies inside the image (overflow-safe). */
bool disk_range_valid(const struct disk *d, uint64_t lba, uint64_t count);

#endif
