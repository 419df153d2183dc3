/*
 * Two conventions, both with open file description locks (F_OFD_SETLK):
 * they belong to the open file, not to the process, so they are released
 * when vmm closes the image or dies (even by SIGKILL), and closing some other
 * descriptor of the same file does not drop them as it drops POSIX locks.
 *
 * - vmm's own, on byte 0: exclusive when the image is opened read-write,
 *   shared when read-only. Byte 0 is the one QEMU leaves to libvirt.
 * - QEMU's (block/file-posix.c), so that vmm and QEMU refuse each other's
 *   writers: a shared lock on byte 100 + p for each permission p a user
 *   holds, and on byte 200 + p for each permission it denies to others; then
 *   a user checks that nobody else denies what it holds (200 + p) and that
 *   nobody else holds what it denies (100 + p). vmm takes what QEMU takes for
 *   an IDE disk: read and write (read only, with -disk X,ro), and it denies
 *   others write.
 */
#include "disk_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#define VMM_LOCK_BYTE 0
#define QEMU_LOCK_PERM_BASE 100
#define QEMU_LOCK_SHARED_BASE 200
/* QEMU's permission numbers (BLK_PERM_CONSISTENT_READ, BLK_PERM_WRITE). */
#define QEMU_PERM_READ 0
#define QEMU_PERM_WRITE 1

static int set_lock(int fd, short type, off_t byte)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* 1 if another open file holds a lock on byte, 0 if not, -errno. */
static int held_by_other(int fd, off_t byte)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type != F_UNLCK;
}

/* Takes every lock, then checks QEMU's bytes: 0, -EBUSY or -errno. Taking
 * before checking means two users starting at once cannot both miss each
 * other (at worst both give up). */
static int lock_all(int fd, bool writable)
{
	int rc = set_lock(fd, writable ? F_WRLCK : F_RDLCK, VMM_LOCK_BYTE);
	if (rc == 0)
		rc = set_lock(fd, F_RDLCK, QEMU_LOCK_PERM_BASE + QEMU_PERM_READ);
	if (rc == 0 && writable)
		rc = set_lock(fd, F_RDLCK, QEMU_LOCK_PERM_BASE + QEMU_PERM_WRITE);
	if (rc == 0)
		rc = set_lock(fd, F_RDLCK, QEMU_LOCK_SHARED_BASE + QEMU_PERM_WRITE);
	if (rc == -EAGAIN || rc == -EACCES)
		return -EBUSY;
	if (rc < 0)
		return rc;

	const off_t must_be_free[] = {
		QEMU_LOCK_SHARED_BASE + QEMU_PERM_READ,                   /* someone denies reading */
		QEMU_LOCK_PERM_BASE + QEMU_PERM_WRITE,                    /* someone writes */
		writable ? QEMU_LOCK_SHARED_BASE + QEMU_PERM_WRITE : -1,  /* someone denies writing */
	};
	for (size_t i = 0; i < sizeof(must_be_free) / sizeof(must_be_free[0]); i++) {
		if (must_be_free[i] < 0)
			continue;
		int held = held_by_other(fd, must_be_free[i]);
		if (held < 0)
			return held;
		if (held)
			return -EBUSY;
	}
	return 0;
}

/* Drops whatever lock_all() took before it failed. */
static void unlock_all(int fd)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	fcntl(fd, F_OFD_SETLK, &fl);
}

int disk_lock(int fd, bool writable, const char *path, char *err, size_t errlen)
{
	int rc = lock_all(fd, writable);
	if (rc == 0)
		return 0;
	unlock_all(fd);
	if (rc == -EBUSY) {
		if (!err || errlen == 0)
			return -EBUSY;
		if (writable)
			snprintf(err, errlen,
				 "disk image %s is in use by another process; use -disk %s,ro to share it read-only",
				 path, path);
		else
			snprintf(err, errlen, "disk image %s is in use by another process that writes it",
				 path);
		return -EBUSY;
	}
	/* EINVAL, ENOLCK: a file system (some NFS setups, FUSE) without OFD
	 * locks. QEMU's locking=auto goes on unlocked too. */
	fprintf(stderr, "vmm: warning: disk image %s cannot be locked (%s): nothing stops another process from writing it\n",
		path, strerror(-rc));
	return 0;
}
