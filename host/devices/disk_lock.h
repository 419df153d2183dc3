/*
 * Advisory locks on a raw disk image, so that two programs never write one
 * image at once: a writer excludes every other user, readers share
 * (docs/security.md, "Disk image locking").
 */
#ifndef VMM_DISK_LOCK_H
#define VMM_DISK_LOCK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Locks the image open on fd (read-write when writable). Returns 0, or
 * -EBUSY with a one-line message naming path when another process holds the
 * image in a way that conflicts. Where the file system has no such locks the
 * image is used unlocked, with a warning on stderr. The locks go with the
 * open file: closing fd (or the process ending, however) releases them.
 */
int disk_lock(int fd, bool writable, const char *path, char *err, size_t errlen);

#endif
