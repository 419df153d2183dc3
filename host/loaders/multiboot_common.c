/* What the Multiboot v1 and Multiboot2 loaders share (multiboot_common.h). */
#include "multiboot_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_ram.h"
#include "layout.h"

#define PAGE_SIZE 4096ull
#define KIB 1024ull
/* Boot information and modules hold 32-bit addresses. */
#define LIMIT_32BIT (1ull << 32)

int multiboot_load_addresses(struct vm *vm, const struct image_source *src, long hoff,
			     const struct mb_load_addresses *a, const char *kind, char *err,
			     size_t errlen)
{
	uint64_t size = src->size;
	if (a->header_addr < a->load_addr || a->header_addr - a->load_addr > (uint64_t)hoff)
		return load_error(err, errlen, "%s header addresses are inconsistent (header_addr 0x%x, load_addr 0x%x)",
				  kind, a->header_addr, a->load_addr);
	uint64_t file_off = (uint64_t)hoff - (a->header_addr - a->load_addr);
	if (a->load_end_addr && a->load_end_addr < a->load_addr)
		return load_error(err, errlen, "%s load_end_addr is below load_addr", kind);
	uint64_t load_size = a->load_end_addr ? (uint64_t)a->load_end_addr - a->load_addr
					      : size - file_off;
	if (load_size > size - file_off)
		return load_error(err, errlen, "%s image is truncated: load_end_addr lies past the file", kind);
	uint64_t mem_end = a->bss_end_addr ? a->bss_end_addr : a->load_addr + load_size;
	if (mem_end < a->load_addr + load_size)
		return load_error(err, errlen, "%s bss_end_addr is below the loaded image", kind);
	/* The place in RAM is checked before a byte of the file is read. */
	uint8_t *dst = image_place(vm, a->load_addr, mem_end - a->load_addr, "image", err, errlen);
	if (!dst || image_read(src, file_off, dst, load_size, err, errlen) < 0)
		return -1;
	memset(dst + load_size, 0, mem_end - a->load_addr - load_size);
	return 0;
}

/* QEMU's get_opt_value: the text up to the next ',' that is not ",,", with
 * each ",," made ','. Returns where it stopped (at a ',' or the end). */
static const char *next_module_spec(const char *p, char **out)
{
	size_t n = 0;
	char *s = malloc(strlen(p) + 1);
	if (!s)
		return NULL;
	for (;;) {
		if (*p == ',' && p[1] == ',') {
			s[n++] = ',';
			p += 2;
		} else if (*p == ',' || *p == '\0') {
			break;
		} else {
			s[n++] = *p++;
		}
	}
	s[n] = '\0';
	*out = s;
	return p;
}

/* The end of what the kernel loaded: the highest end of its ranges. */
static uint64_t image_end(const struct vm *vm, int kernel_first)
{
	uint64_t end = 0;
	for (int i = kernel_first; i < vm->ram_use.n; i++)
		if (vm->ram_use.ranges[i].owner == RAM_GUEST && vm->ram_use.ranges[i].end > end)
			end = vm->ram_use.ranges[i].end;
	return end;
}

/* Opens a module file: a regular file (FIFOs are refused without blocking),
 * possibly empty. */
static int module_open(const char *path, struct image_source *src, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return load_error(err, errlen, "cannot open module file '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return load_error(err, errlen, "cannot read module file '%s': %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return load_error(err, errlen, "module file '%s' is not a regular file", path);
	}
	*src = (struct image_source){ .size = (uint64_t)st.st_size, .mem = NULL, .fd = fd };
	return 0;
}

/* Loads one module's file page-aligned at or after *next; advances *next. */
static int module_load(struct vm *vm, struct mb_module *m, uint64_t *next, char *err, size_t errlen)
{
	char *path = strdup(m->spec);
	if (!path)
		return load_error(err, errlen, "out of memory");
	char *space = strchr(path, ' ');
	if (space)
		*space = '\0';
	int rc = -1;
	struct image_source src = { .fd = -1 };
	if (path[0] == '\0') {
		rc = load_error(err, errlen, "-initrd: module '%s' has no file name", m->spec);
		goto out;
	}
	if (module_open(path, &src, err, errlen) < 0)
		goto out;
	uint64_t start = (*next + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	/* Modules are RAM the guest keeps: never in the VGA window. */
	if (start < VGA_WINDOW_END && start + src.size > VGA_WINDOW_BASE)
		start = HIGH_RAM_BASE;
	uint64_t limit = vm->mem_size - STACK_RESERVE;
	if (limit > LIMIT_32BIT)
		limit = LIMIT_32BIT;
	if (src.size > limit || start > limit - src.size) {
		rc = load_error(err, errlen,
				"modules do not fit in RAM: '%s' (%llu bytes) would end at 0x%llx, past 0x%llx (RAM is %llu MiB; give more -mem)",
				path, (unsigned long long)src.size,
				(unsigned long long)(start + src.size), (unsigned long long)limit,
				(unsigned long long)(vm->mem_size >> 20));
		goto out;
	}
	if (src.size > 0) {
		uint8_t *dst = image_place(vm, start, src.size, "module", err, errlen);
		if (!dst || image_read(&src, 0, dst, src.size, err, errlen) < 0) {
			char why[256];
			snprintf(why, sizeof(why), "%s", err);
			rc = load_error(err, errlen, "module file '%s': %s", path, why);
			goto out;
		}
	}
	m->start = start;
	m->end = start + src.size;
	*next = m->end;
	rc = 0;
out:
	if (src.fd >= 0)
		close(src.fd);
	free(path);
	return rc;
}

int multiboot_modules_load(struct vm *vm, int kernel_first, const char *initrd,
			   struct mb_modules *out, char *err, size_t errlen)
{
	*out = (struct mb_modules){ NULL, 0 };
	if (!initrd)
		return 0;
	out->mod = calloc(MB_MODULES_MAX, sizeof(*out->mod));
	if (!out->mod)
		return load_error(err, errlen, "out of memory");
	uint64_t next = image_end(vm, kernel_first);
	const char *p = initrd;
	for (;;) {
		if (out->count == MB_MODULES_MAX)
			return load_error(err, errlen, "-initrd gives more than %d modules", MB_MODULES_MAX);
		struct mb_module *m = &out->mod[out->count];
		p = next_module_spec(p, &m->spec);
		if (!p)
			return load_error(err, errlen, "out of memory");
		out->count++;
		const char *space = strchr(m->spec, ' ');
		m->args = space ? space + 1 : "";
		if (module_load(vm, m, &next, err, errlen) < 0)
			return -1;
		if (*p == '\0')
			return 0;
		p++; /* the ',' */
	}
}

void multiboot_modules_free(struct mb_modules *mods)
{
	for (int i = 0; i < mods->count; i++)
		free(mods->mod[i].spec);
	free(mods->mod);
	*mods = (struct mb_modules){ NULL, 0 };
}

void multiboot_memory_sizes(const struct hc_memmap_entry *map, int n, uint32_t *lower_kib,
			    uint32_t *upper_kib)
{
	uint64_t lower = 0, upper_end = HIGH_RAM_BASE;
	for (int i = 0; i < n; i++)
		if (map[i].type == HC_MEM_USABLE && map[i].base == 0)
			lower = map[i].length < LOW_RAM_END ? map[i].length : LOW_RAM_END;
	/* The map is sorted; follow usable entries that touch from 1 MiB on. */
	for (int i = 0; i < n; i++)
		if (map[i].type == HC_MEM_USABLE && map[i].base <= upper_end &&
		    map[i].base + map[i].length > upper_end)
			upper_end = map[i].base + map[i].length;
	*lower_kib = (uint32_t)(lower / KIB);
	*upper_kib = (uint32_t)((upper_end - HIGH_RAM_BASE) / KIB);
}

size_t blob_put(struct boot_blob *b, const void *data, size_t len, size_t align)
{
	size_t off = (b->len + align - 1) & ~(align - 1);
	if (b->failed)
		return off;
	if (off + len > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < off + len)
			cap *= 2;
		uint8_t *buf = realloc(b->buf, cap);
		if (!buf) {
			b->failed = true;
			return off;
		}
		memset(buf + b->cap, 0, cap - b->cap);
		b->buf = buf;
		b->cap = cap;
	}
	if (data)
		memcpy(b->buf + off, data, len);
	b->len = off + len;
	return off;
}

void blob_set(struct boot_blob *b, size_t off, const void *data, size_t len)
{
	if (!b->failed && off + len <= b->len)
		memcpy(b->buf + off, data, len);
}

void blob_free(struct boot_blob *b)
{
	free(b->buf);
	*b = (struct boot_blob){ 0 };
}

/* The current memory map in a new array of count + extra entries (the extra
 * ones zero); *n gets count + extra. NULL when out of memory. */
static struct hc_memmap_entry *memory_map(const struct vm *vm, int extra, int *n)
{
	int count = vm_memmap(vm, NULL, 0);
	struct hc_memmap_entry *map = calloc((size_t)(count + extra), sizeof(*map));
	if (!map)
		return NULL;
	vm_memmap(vm, map, count);
	*n = count + extra;
	return map;
}

/* A reserved block inside a usable entry splits it in three: two more. */
#define MAP_SPLIT_EXTRA 2

int multiboot_write_info(struct vm *vm, mb_info_builder build, const void *ctx, uint64_t *gpa,
			 char *err, size_t errlen)
{
	uint64_t tables;
	if (vm_ram_cpu_tables(vm, &tables) < 0)
		return load_error(err, errlen, "no room in guest RAM for vmm's GDT and page tables (32 KiB)");
	struct boot_blob sizing = { 0 }, info = { 0 };
	int n, rc = -1;
	struct hc_memmap_entry *map = memory_map(vm, MAP_SPLIT_EXTRA, &n);
	if (!map)
		return load_error(err, errlen, "out of memory");
	build(&sizing, 0, map, n, ctx);
	free(map);
	map = NULL;
	if (sizing.failed) {
		rc = load_error(err, errlen, "out of memory");
		goto out;
	}
	if (vm_ram_alloc(vm, sizing.len, 8, RAM_VMM, "Multiboot information", gpa) < 0) {
		rc = load_error(err, errlen, "no room in guest RAM for the Multiboot information (%zu bytes)",
				sizing.len);
		goto out;
	}
	map = memory_map(vm, 0, &n);
	if (!map) {
		rc = load_error(err, errlen, "out of memory");
		goto out;
	}
	build(&info, *gpa, map, n, ctx);
	if (info.failed || info.len > sizing.len) {
		rc = load_error(err, errlen, "out of memory");
		goto out;
	}
	memcpy(vm->ram + *gpa, info.buf, info.len);
	rc = 0;
out:
	free(map);
	blob_free(&sizing);
	blob_free(&info);
	return rc;
}
