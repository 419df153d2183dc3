/* What the format loaders share (image.h): errors, reading the image, and
 * placing it in guest RAM. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_ram.h"
#include "layout.h"

/* One pread at most this long: Linux moves at most ~2 GiB per call anyway. */
#define READ_CHUNK (1ull << 30)

int load_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

uint8_t *image_place(struct vm *vm, uint64_t gpa, uint64_t size, const char *what, char *err,
		     size_t errlen)
{
	uint64_t end = gpa + size;
	if (end < gpa || end > vm->mem_size - STACK_RESERVE) {
		load_error(err, errlen,
			   "image range 0x%llx-0x%llx does not fit in RAM below the stack (RAM is %llu MiB)",
			   (unsigned long long)gpa, (unsigned long long)end,
			   (unsigned long long)(vm->mem_size >> 20));
		return NULL;
	}
	/* Everything else is RAM and the guest's, 0xC0000-0xFFFFF included. */
	if (gpa < VGA_WINDOW_END && end > VGA_WINDOW_BASE) {
		load_error(err, errlen,
			   "image range 0x%llx-0x%llx overlaps the VGA window 0xa0000-0xbffff, which is not RAM",
			   (unsigned long long)gpa, (unsigned long long)end);
		return NULL;
	}
	if (vm_ram_claim(vm, gpa, size, RAM_GUEST, what) < 0) {
		const struct ram_range *r = vm_ram_overlap(vm, gpa, size);
		if (r && r->owner == RAM_VMM)
			load_error(err, errlen, "image range 0x%llx-0x%llx overlaps vmm's %s at 0x%llx-0x%llx",
				   (unsigned long long)gpa, (unsigned long long)end, r->what,
				   (unsigned long long)r->base, (unsigned long long)r->end);
		else
			load_error(err, errlen, "image has more than %d loadable pieces", RAM_MAX_RANGES);
		return NULL;
	}
	return vm->ram + gpa;
}

int image_read(const struct image_source *src, uint64_t off, void *dst, uint64_t len, char *err,
	       size_t errlen)
{
	if (src->mem) {
		memcpy(dst, src->mem + off, len);
		return 0;
	}
	uint8_t *p = dst;
	while (len > 0) {
		size_t chunk = len > READ_CHUNK ? READ_CHUNK : (size_t)len;
		ssize_t n = pread(src->fd, p, chunk, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return load_error(err, errlen, "cannot read the image: %s", strerror(errno));
		if (n == 0)
			return load_error(err, errlen, "the file became shorter while vmm loaded it");
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unknown kind";
}

int guest_file_open(const char *path, struct image_source *src, char *err, size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO would wait for a writer, forever. The type
	 * is then checked on the descriptor, so the file checked is the file
	 * read. (On a regular file O_NONBLOCK changes nothing.) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		int e = errno;
		/* A socket cannot be opened at all (ENXIO): say what it is. */
		if (e == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return load_error(err, errlen, "%s is not a regular file but %s", path,
					  file_kind(st.st_mode));
		return load_error(err, errlen, "cannot open %s: %s", path, strerror(e));
	}
	int rc = 0;
	if (fstat(fd, &st) < 0)
		rc = load_error(err, errlen, "cannot read %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = load_error(err, errlen, "%s is not a regular file but %s", path, file_kind(st.st_mode));
	else if (st.st_size == 0)
		rc = load_error(err, errlen, "%s is empty", path);
	if (rc < 0) {
		close(fd);
		return -1;
	}
	*src = (struct image_source){ .size = (uint64_t)st.st_size, .mem = NULL, .fd = fd };
	return 0;
}

void guest_file_close(struct image_source *src)
{
	if (!src->mem && src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}
