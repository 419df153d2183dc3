#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout.h"

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

uint8_t *read_file(const char *path, size_t *size, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		load_error(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		load_error(err, errlen, "%s is not a regular file", path);
		fclose(f);
		return NULL;
	}
	if (st.st_size == 0) {
		load_error(err, errlen, "%s is empty", path);
		fclose(f);
		return NULL;
	}
	uint8_t *buf = malloc((size_t)st.st_size);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		load_error(err, errlen, "cannot read %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size;
	return buf;
}

int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen)
{
	if (size == 0)
		return load_error(err, errlen, "guest image is empty");
	int rc;
	long mb = multiboot_find_header(image, size);
	if (mb >= 0) {
		rc = load_multiboot(vm, image, size, mb, opt, res, err, errlen);
	} else if (is_elf(image, size)) {
		rc = load_elf(vm, image, size, res, err, errlen);
		if (rc == 0) {
			res->mode = res->format == FORMAT_ELF64 ? MODE_LONG : MODE_PROTECTED;
			if (opt->entry_set)
				res->entry = opt->entry;
			if (vm_setup_cpu(vm, res->mode, res->entry, vm->mem_size) < 0)
				rc = load_error(err, errlen, "cannot set up the vCPU: %s", strerror(errno));
		}
	} else {
		rc = load_flat(vm, image, size, opt, res, err, errlen);
	}
	return rc;
}
