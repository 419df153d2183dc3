#include "disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_lock.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Checks the image through a read-only descriptor, so that a rejected file
 * is never opened for writing at all. Returns the sector count or -errno.
 */
static int64_t check_size(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;
		set_err(err, errlen, "disk image %s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		set_err(err, errlen, "disk image %s: not a regular file or block device", path);
		return -EINVAL;
	}
	/* lseek, not st_size: a block device reports st_size 0. */
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		int e = errno;
		set_err(err, errlen, "disk image %s: %s", path, strerror(e));
		return -e;
	}
	if (size == 0) {
		set_err(err, errlen, "disk image %s: empty (0 bytes)", path);
		return -EINVAL;
	}
	if (size % DISK_SECTOR_SIZE != 0) {
		set_err(err, errlen, "disk image %s: size %jd bytes is not a multiple of %u",
			path, (intmax_t)size, DISK_SECTOR_SIZE);
		return -EINVAL;
	}
	uint64_t sectors = (uint64_t)size / DISK_SECTOR_SIZE;
	if (sectors > DISK_MAX_SECTORS) {
		set_err(err, errlen,
			"disk image %s: %" PRIu64 " sectors exceeds the LBA28 limit of %" PRIu64,
			path, sectors, DISK_MAX_SECTORS);
		return -EFBIG;
	}
	return (int64_t)sectors;
}

/* Reopens the checked file for writing; never O_CREAT, never O_TRUNC. */
static int reopen_rw(int ro_fd, const char *path, char *err, size_t errlen)
{
	struct stat a, b;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		set_err(err, errlen, "disk image %s: %s", path, strerror(e));
		return -e;
	}
	/* The path could have been swapped for another file since the check. */
	if (fstat(ro_fd, &a) < 0 || fstat(fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		set_err(err, errlen, "disk image %s: file changed while opening", path);
		return -EAGAIN;
	}
	return fd;
}

int disk_open(struct disk *d, const char *path, bool read_only, char *err, size_t errlen)
{
	d->fd = -1;
	d->sectors = 0;
	d->read_only = read_only;
	d->name = NULL;
	atomic_init(&d->io_errors_reported, 0);

	/* O_NONBLOCK: opening a FIFO would wait for a writer, forever;
	 * check_size() then refuses it (on the descriptor, so the file checked
	 * is the file used). On a regular file or block device O_NONBLOCK
	 * changes nothing. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		if (e == ENXIO && stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
			set_err(err, errlen, "disk image %s: not a regular file or block device", path);
			return -EINVAL;
		}
		set_err(err, errlen, "disk image %s: %s", path, strerror(e));
		return -e;
	}
	int64_t sectors = check_size(fd, path, err, errlen);
	if (sectors < 0) {
		close(fd);
		return (int)sectors;
	}
	if (!read_only) {
		int rw = reopen_rw(fd, path, err, errlen);
		close(fd);
		if (rw < 0)
			return rw;
		fd = rw;
	}
	int locked = disk_lock(fd, !read_only, path, err, errlen);
	if (locked < 0) {
		close(fd); /* releases what disk_lock() took */
		return locked;
	}
	d->fd = fd;
	d->sectors = (uint64_t)sectors;
	d->name = strdup(path);
	return 0;
}

bool disk_range_valid(const struct disk *d, uint64_t lba, uint64_t count)
{
	return lba <= d->sectors && count <= d->sectors - lba;
}

enum io_error_kind { IO_READ = 1, IO_WRITE = 2, IO_FLUSH = 4 };

/* The one place host I/O errors are told: once per kind and disk, since a
 * guest retrying a failing sector would otherwise flood stderr. err 0 on a
 * read means end of file: the image shrank under us. */
static void report_io_error(struct disk *d, enum io_error_kind kind, off_t offset, int err)
{
	if (atomic_fetch_or(&d->io_errors_reported, (unsigned)kind) & (unsigned)kind)
		return;
	const char *name = d->name ? d->name : "(unnamed)";
	const char *why = err ? strerror(err) : "end of file (the image shrank)";
	if (kind == IO_FLUSH)
		fprintf(stderr, "vmm: disk image %s: fdatasync failed: %s\n", name, why);
	else
		fprintf(stderr, "vmm: disk image %s: %s failed at sector %jd: %s\n", name,
			kind == IO_READ ? "read" : "write", (intmax_t)(offset / DISK_SECTOR_SIZE), why);
}

int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf)
{
	if (d->fd < 0 || !disk_range_valid(d, lba, count))
		return -EINVAL;

	uint8_t *p = buf;
	size_t left = (size_t)count * DISK_SECTOR_SIZE;
	off_t off = (off_t)(lba * DISK_SECTOR_SIZE);
	while (left > 0) {
		ssize_t n = pread(d->fd, p, left, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* error, or EOF: the file shrank under us */
			report_io_error(d, IO_READ, off, n < 0 ? errno : 0);
			return -EIO;
		}
		p += n;
		off += n;
		left -= (size_t)n;
	}
	return 0;
}

int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf)
{
	if (d->fd < 0 || !disk_range_valid(d, lba, count))
		return -EINVAL;
	if (d->read_only)
		return -EROFS;

	const uint8_t *p = buf;
	size_t left = (size_t)count * DISK_SECTOR_SIZE;
	off_t off = (off_t)(lba * DISK_SECTOR_SIZE);
	while (left > 0) {
		ssize_t n = pwrite(d->fd, p, left, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			report_io_error(d, IO_WRITE, off, n < 0 ? errno : EIO);
			return -EIO;
		}
		p += n;
		off += n;
		left -= (size_t)n;
	}
	return 0;
}

int disk_flush(struct disk *d)
{
	if (d->fd < 0)
		return -EINVAL;
	if (fdatasync(d->fd) < 0) {
		report_io_error(d, IO_FLUSH, 0, errno);
		return -EIO;
	}
	return 0;
}

void disk_close(struct disk *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	free(d->name);
	d->name = NULL;
}

uint64_t disk_sectors(const struct disk *d)
{
	return d->sectors;
}
