#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"

#define REAL_MODE_LIMIT 0x100000ull
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

const char *guest_format_name(enum guest_format f)
{
	static const char *const names[] = { "flat binary", "ELF32", "ELF64", "Multiboot" };
	return names[f];
}

uint8_t *image_place(struct vm *vm, uint64_t gpa, uint64_t size, char *err, size_t errlen)
{
	uint64_t end = gpa + size;
	if (end < gpa || end > vm->mem_size - STACK_RESERVE) {
		load_error(err, errlen,
			   "image range 0x%llx-0x%llx does not fit in RAM below the stack (RAM is %llu MiB)",
			   (unsigned long long)gpa, (unsigned long long)end,
			   (unsigned long long)(vm->mem_size >> 20));
		return NULL;
	}
	if (gpa < HIGH_RAM_BASE && end > VGA_WINDOW_BASE) {
		load_error(err, errlen,
			   "image range 0x%llx-0x%llx overlaps 0xa0000-0xfffff (VGA window and vmm's reserved area)",
			   (unsigned long long)gpa, (unsigned long long)end);
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

/*
 * The entry point must lie where a loader can have put code: in RAM, outside
 * 0xa0000-0xfffff (the VGA window and vmm's own GDT, page tables and boot
 * information: image_place() never loads there), and below 1 MiB in real
 * mode. Checked once here for every format, whether the entry came from the
 * file or from -entry, before the vCPU is set up: nothing runs.
 */
static int check_entry(struct vm *vm, const struct load_result *res, char *err, size_t errlen)
{
	unsigned long long entry = res->entry;
	if (entry >= VGA_WINDOW_BASE && entry < HIGH_RAM_BASE)
		return load_error(err, errlen,
				  "entry point 0x%llx is in 0xa0000-0xfffff (VGA window and vmm's reserved area), where nothing is loaded",
				  entry);
	if (!vm_gpa_ptr(vm, entry, 1))
		return load_error(err, errlen, "entry point 0x%llx is outside guest RAM (0-0x%llx)", entry,
				  (unsigned long long)vm->mem_size - 1);
	if (res->mode == MODE_REAL && entry >= REAL_MODE_LIMIT)
		return load_error(err, errlen, "real-mode entry 0x%llx is above 1 MiB", entry);
	return 0;
}

int guest_load_source(struct vm *vm, const struct image_source *src, const struct load_options *opt,
		      struct load_result *res, char *err, size_t errlen)
{
	if (src->size == 0)
		return load_error(err, errlen, "guest image is empty");
	uint8_t head[IMAGE_HEAD_SIZE];
	size_t head_len = src->size < sizeof(head) ? (size_t)src->size : sizeof(head);
	if (image_read(src, 0, head, head_len, err, errlen) < 0)
		return -1;

	long bad_checksum_at;
	long mb = multiboot_find_header(head, head_len, &bad_checksum_at);
	/* GRUB and QEMU skip a magic whose checksum is wrong, and QEMU then
	 * tries the file as something else; a kernel whose header has a typo
	 * would so run as a flat binary and die far from the cause. vmm says
	 * so, unless -mode or -load declared the file a flat binary. */
	if (mb < 0 && bad_checksum_at >= 0 && !opt->ignore_bad_multiboot)
		return load_error(err, errlen,
				  "Multiboot header at offset 0x%lx: bad checksum (not a Multiboot kernel? give -mode to load it as a flat binary or ELF)",
				  bad_checksum_at);
	int rc;
	if (mb >= 0) {
		rc = load_multiboot(vm, src, head, head_len, mb, opt, res, err, errlen);
	} else if (is_elf(head, head_len)) {
		rc = load_elf(vm, src, res, err, errlen);
		res->mode = res->format == FORMAT_ELF64 ? MODE_LONG : MODE_PROTECTED;
	} else {
		rc = load_flat(vm, src, opt, res, err, errlen);
	}
	if (rc < 0)
		return rc;
	if (opt->entry_set)
		res->entry = opt->entry;
	if (check_entry(vm, res, err, errlen) < 0)
		return -1;
	/* Real mode: SP = 0 wraps to the top of the first 64 KiB, with SS = 0
	 * so that -m16 C code (which assumes SS == DS) works. Elsewhere the
	 * stack starts at the top of RAM. */
	uint64_t stack = res->mode == MODE_REAL ? 0 : vm->mem_size;
	if (vm_setup_cpu(vm, res->mode, res->entry, stack) < 0)
		return load_error(err, errlen, "cannot set up the vCPU: %s", strerror(errno));
	if (res->format == FORMAT_MULTIBOOT)
		return multiboot_set_boot_regs(vm, err, errlen);
	return 0;
}

int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen)
{
	struct image_source src = { .size = size, .mem = image, .fd = -1 };
	return guest_load_source(vm, &src, opt, res, err, errlen);
}
