/*
 * LD_PRELOAD shim for the tests: makes one file's I/O fail the way a full or
 * broken disk does, deterministically, so that tests/integration/output.sh
 * can check what vmm tells the guest and the user.
 *
 *   FAILING_IO_FILE=PATH       the file (any descriptor opened on it, by
 *                              whatever path: it is matched by device and inode)
 *   FAILING_IO_WRITE=ENOSPC|EIO  pwrite/pwritev fail with this errno ...
 *   FAILING_IO_FROM=SECTOR       ... from this sector on (default 0); a write
 *                              that starts below it is cut short there, as
 *                              a disk filling up does
 *   FAILING_IO_READ=EIO          pread/preadv fail with this errno
 *   FAILING_IO_SYNC=EIO          fdatasync/fsync fail with this errno
 *
 * The descriptor is recognised when it is opened (setup time), so the
 * failing calls themselves make no extra system call: vmm's sandbox sees
 * only what it would see from a real failing disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 1024
#define SECTOR 512

static bool failing_fd[MAX_FDS];
static int write_errno, read_errno, sync_errno;
static off_t fail_from;
static struct stat target;
static bool have_target;

static int errno_named(const char *name)
{
	if (!name || !*name)
		return 0;
	if (strcmp(name, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(name, "EIO") == 0)
		return EIO;
	if (strcmp(name, "EDQUOT") == 0)
		return EDQUOT;
	return EIO;
}

__attribute__((constructor)) static void setup(void)
{
	const char *path = getenv("FAILING_IO_FILE");
	have_target = path && stat(path, &target) == 0;
	write_errno = errno_named(getenv("FAILING_IO_WRITE"));
	read_errno = errno_named(getenv("FAILING_IO_READ"));
	sync_errno = errno_named(getenv("FAILING_IO_SYNC"));
	const char *from = getenv("FAILING_IO_FROM");
	fail_from = from ? (off_t)strtoll(from, NULL, 0) * SECTOR : 0;
}

static int remember(int fd)
{
	struct stat st;
	if (fd >= 0 && fd < MAX_FDS) {
		int saved = errno;
		failing_fd[fd] = have_target && fstat(fd, &st) == 0 &&
				 st.st_dev == target.st_dev && st.st_ino == target.st_ino;
		errno = saved;
	}
	return fd;
}

static bool failing(int fd)
{
	return fd >= 0 && fd < MAX_FDS && failing_fd[fd];
}

/* The C library's own function (looked up once). */
#define REAL(name) \
	({ \
		static __typeof__(&name) real_; \
		if (!real_) \
			real_ = (__typeof__(&name))dlsym(RTLD_NEXT, #name); \
		real_; \
	})

/* Every way glibc may name open() (large-file and fortified variants). */
#define OPEN_MODE(flags) \
	mode_t mode = 0; \
	if ((flags) & (O_CREAT | __O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	}

int open(const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	return remember(REAL(open)(path, flags, mode));
}

int open64(const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	return remember(REAL(open64)(path, flags, mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	return remember(REAL(openat)(dirfd, path, flags, mode));
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	OPEN_MODE(flags);
	return remember(REAL(openat64)(dirfd, path, flags, mode));
}

int __open_2(const char *path, int flags)
{
	return remember(REAL(open)(path, flags, 0));
}

int __open64_2(const char *path, int flags)
{
	return remember(REAL(open64)(path, flags, 0));
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return remember(REAL(openat)(dirfd, path, flags, 0));
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return remember(REAL(openat64)(dirfd, path, flags, 0));
}

int dup(int fd)
{
	int copy = REAL(dup)(fd);
	if (copy >= 0 && copy < MAX_FDS)
		failing_fd[copy] = failing(fd);
	return copy;
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FDS)
		failing_fd[fd] = false;
	return REAL(close)(fd);
}

/* How many bytes of a write of len at off may go through: -1 = fail now. */
static ssize_t write_allowance(int fd, size_t len, off_t off)
{
	if (!failing(fd) || !write_errno)
		return (ssize_t)len;
	if (off >= fail_from)
		return -1;
	return (ssize_t)((size_t)(fail_from - off) < len ? (size_t)(fail_from - off) : len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t ok = write_allowance(fd, len, off);
	if (ok < 0) {
		errno = write_errno;
		return -1;
	}
	return REAL(pwrite)(fd, buf, (size_t)ok, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	if (failing(fd) && write_errno) { /* all or nothing is enough here */
		errno = write_errno;
		return -1;
	}
	return REAL(pwritev)(fd, iov, n, off);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int n, off_t off)
{
	return pwritev(fd, iov, n, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	if (failing(fd) && read_errno) {
		errno = read_errno;
		return -1;
	}
	return REAL(pread)(fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off);
}

ssize_t preadv(int fd, const struct iovec *iov, int n, off_t off)
{
	if (failing(fd) && read_errno) {
		errno = read_errno;
		return -1;
	}
	return REAL(preadv)(fd, iov, n, off);
}

ssize_t preadv64(int fd, const struct iovec *iov, int n, off_t off)
{
	return preadv(fd, iov, n, off);
}

int fdatasync(int fd)
{
	if (failing(fd) && sync_errno) {
		errno = sync_errno;
		return -1;
	}
	return REAL(fdatasync)(fd);
}

int fsync(int fd)
{
	if (failing(fd) && sync_errno) {
		errno = sync_errno;
		return -1;
	}
	return REAL(fsync)(fd);
}
