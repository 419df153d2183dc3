/* Shared pieces of the fuzz harnesses (see fuzz_common.h). */
#include "fuzz_common.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "layout.h"
#include "vm.h"
#include "x86.h"

#define PAGE 4096ull

_Noreturn void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz invariant broken at %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- reading the input ---- */

static uint64_t take(struct fuzz_input *in, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width && in->left; i++, in->p++, in->left--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

uint8_t fuzz_u8(struct fuzz_input *in) { return (uint8_t)take(in, 1); }
uint16_t fuzz_u16(struct fuzz_input *in) { return (uint16_t)take(in, 2); }
uint32_t fuzz_u32(struct fuzz_input *in) { return (uint32_t)take(in, 4); }
uint64_t fuzz_u64(struct fuzz_input *in) { return take(in, 8); }

const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;
	*got = n < in->left ? n : in->left;
	in->p += *got;
	in->left -= *got;
	return p;
}

/* ---- the VM ---- */

static void guard(void *addr, size_t len)
{
	/* MAP_FIXED_NOREPLACE: only where nothing is mapped yet; if something
	 * is, that neighbour is not ours to cover and the guard is skipped. */
	void *p = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED && p != addr)
		munmap(p, len); /* an old kernel that ignored the flag */
}

struct vm *fuzz_vm_create(uint64_t mem_size)
{
	char err[256];
	struct vm_config cfg = { .mem_size = mem_size, .no_io_fastpath = true };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm) {
		fprintf(stderr, "fuzz: cannot create a VM: %s\n", err);
		abort();
	}
	FILE *null = fopen("/dev/null", "w");
	if (null)
		console_set_output(null);
	guard(vm->ram - 16 * PAGE, 16 * PAGE);
	guard(vm->ram + vm->mem_size, 16 * PAGE);
	mprotect(vm->ram + VGA_WINDOW_BASE, VGA_WINDOW_END - VGA_WINDOW_BASE, PROT_NONE);
	return vm;
}

void fuzz_ram_protect(struct vm *vm, uint64_t gpa, uint64_t len, bool writable)
{
	int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
	uint64_t first = gpa & ~(PAGE - 1), end = (gpa + len + PAGE - 1) & ~(PAGE - 1);
	/* The VGA window stays PROT_NONE. */
	if (first < VGA_WINDOW_BASE) {
		uint64_t e = end < VGA_WINDOW_BASE ? end : VGA_WINDOW_BASE;
		mprotect(vm->ram + first, e - first, prot);
	}
	if (end > VGA_WINDOW_END) {
		uint64_t f = first > VGA_WINDOW_END ? first : VGA_WINDOW_END;
		mprotect(vm->ram + f, end - f, prot);
	}
}

void fuzz_vm_clear_ram(struct vm *vm)
{
	madvise(vm->ram, VGA_WINDOW_BASE, MADV_DONTNEED);
	madvise(vm->ram + VGA_WINDOW_END, vm->mem_size - VGA_WINDOW_END, MADV_DONTNEED);
}

void fuzz_vm_remove_devices(struct vm *vm)
{
	for (int i = vm->n_destroy_hooks - 1; i >= 0; i--)
		vm->destroy_hooks[i].fn(vm, vm->destroy_hooks[i].opaque);
	vm->n_destroy_hooks = vm->n_stop_hooks = vm->n_stats_hooks = vm->n_event_hooks = 0;
	/* The platform's controller, timers and lines went with their devices. */
	vm->intc = NULL;
	vm->intc_opaque = NULL;
	vm->timers = NULL;
	memset(vm->irq_level, 0, sizeof(vm->irq_level));
	atomic_store(&vm->irq_ever_unmasked, 0);
	atomic_store(&vm->event_posted, false);
	vm->halted = false;
	vm->pio.count = vm->mmio.count = 0;
	memset(vm->hypercalls, 0, sizeof(vm->hypercalls));
	vm->bad_block_reported = false;
	atomic_store(&vm->stop_reason, STOP_NONE);
	vm->exit_status = 0;
	vm->run->immediate_exit = 0;
	memset(&vm->stats, 0, sizeof(vm->stats));
}

void fuzz_vm_set_paging(struct vm *vm, const struct paging_regs *pr)
{
	struct kvm_sregs *s = &vm->run->s.regs.sregs;
	memset(s, 0, sizeof(*s));
	s->cr0 = pr->cr0;
	s->cr3 = pr->cr3;
	s->cr4 = pr->cr4;
	s->efer = pr->efer;
	vm->sregs_in_run = true;
}

bool fuzz_gpa_is_ram(const struct vm *vm, uint64_t gpa)
{
	return gpa < VGA_WINDOW_BASE || (gpa >= VGA_WINDOW_END && gpa < vm->mem_size);
}

uint64_t fuzz_ram_pages(const struct vm *vm)
{
	return (vm->mem_size - (VGA_WINDOW_END - VGA_WINDOW_BASE)) / PAGE;
}

uint64_t fuzz_ram_page(const struct vm *vm, uint64_t n)
{
	n %= fuzz_ram_pages(vm);
	uint64_t gpa = n * PAGE;
	return gpa < VGA_WINDOW_BASE ? gpa : gpa + (VGA_WINDOW_END - VGA_WINDOW_BASE);
}

/* ---- paging state and page tables from the input ---- */

static void put_le(uint8_t *p, uint64_t v, unsigned width)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fuzz_read_paging(struct fuzz_input *in, struct vm *vm, struct paging_regs *pr)
{
	uint8_t mode = fuzz_u8(in);
	pr->cr0 = fuzz_u32(in);
	pr->cr4 = fuzz_u32(in);
	pr->efer = fuzz_u32(in);
	pr->cr3 = fuzz_u64(in);
	if (mode & 8)
		pr->cr3 = fuzz_ram_page(vm, pr->cr3 >> 12) | (pr->cr3 & 0xFFF);
	static const struct { uint64_t cr0, cr4, efer; } modes[7] = {
		{ 0, 0, 0 },                                 /* real */
		{ CR0_PE, 0, 0 },                            /* protected, no paging */
		{ CR0_PE | CR0_PG, 0, 0 },                   /* 32-bit */
		{ CR0_PE | CR0_PG, CR4_PSE, 0 },             /* 32-bit with 4 MiB pages */
		{ CR0_PE | CR0_PG, CR4_PAE, 0 },             /* PAE */
		{ CR0_PE | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA },            /* long, 4 levels */
		{ CR0_PE | CR0_PG, CR4_PAE | CR4_LA57, EFER_LME | EFER_LMA }, /* long, 5 levels */
	};
	unsigned m = mode & 7;
	if (m < 7) {
		pr->cr0 = (pr->cr0 & ~(CR0_PE | CR0_PG)) | modes[m].cr0;
		pr->cr4 = (pr->cr4 & ~(CR4_PSE | CR4_PAE | CR4_LA57)) | modes[m].cr4;
		pr->efer = (pr->efer & ~(EFER_LME | EFER_LMA)) | modes[m].efer;
	}

	unsigned n = fuzz_u8(in);
	for (unsigned i = 0; i < n && in->left; i++) {
		uint8_t type = fuzz_u8(in) % 5;
		uint64_t page = fuzz_ram_page(vm, fuzz_u16(in));
		uint16_t index = fuzz_u16(in);
		uint64_t at;
		switch (type) {
		case 0:
			at = page + (index % 512) * 8;
			put_le(vm->ram + at, fuzz_u64(in), 8);
			break;
		case 1: {
			at = page + (index % 512) * 8;
			uint64_t target = fuzz_ram_page(vm, fuzz_u16(in));
			put_le(vm->ram + at, target | fuzz_u8(in), 8);
			break;
		}
		case 2:
			at = page + (index % 1024) * 4;
			put_le(vm->ram + at, fuzz_u32(in), 4);
			break;
		case 3: {
			at = page + (index % 1024) * 4;
			uint64_t target = fuzz_ram_page(vm, fuzz_u16(in));
			put_le(vm->ram + at, (target & 0xFFFFF000u) | (fuzz_u16(in) & 0xFFF), 4);
			break;
		}
		default: {
			at = page + index % PAGE;
			size_t len;
			const uint8_t *b = fuzz_bytes(in, fuzz_u8(in), &len);
			if (len > PAGE - index % PAGE)
				len = PAGE - index % PAGE;
			memcpy(vm->ram + at, b, len);
			break;
		}
		}
	}
}

/* ---- the reference walk ---- */

#define M52 UINT64_C(0x000FFFFFFFFFF000)

static bool ref_entry(const struct vm *vm, uint64_t gpa, unsigned width, uint64_t *e)
{
	if (!fuzz_gpa_is_ram(vm, gpa) || !fuzz_gpa_is_ram(vm, gpa + width - 1))
		return false;
	*e = 0;
	for (unsigned i = 0; i < width; i++)
		*e |= (uint64_t)vm->ram[gpa + i] << (8 * i);
	return (*e & 1) != 0; /* present */
}

bool fuzz_ref_translate(const struct vm *vm, const struct paging_regs *pr, uint64_t va,
			uint64_t *pa)
{
	uint64_t e;
	if (!(pr->cr0 & CR0_PE)) { /* real mode: up to FFFF:FFFF */
		*pa = va;
		return va < 0x10FFF0;
	}
	if (!(pr->cr0 & CR0_PG)) {
		*pa = va;
		return va < (UINT64_C(1) << 32);
	}
	if (pr->efer & EFER_LMA) {
		int levels = (pr->cr4 & CR4_LA57) ? 5 : 4;
		int bits = 12 + 9 * levels;
		int64_t sext = (int64_t)(va << (64 - bits)) >> (64 - bits);
		if ((uint64_t)sext != va)
			return false; /* not canonical */
		uint64_t table = pr->cr3 & M52;
		for (int level = levels; level >= 1; level--) {
			int shift = 12 + 9 * (level - 1);
			if (!ref_entry(vm, table + ((va >> shift) & 511) * 8, 8, &e))
				return false;
			if (level == 1 || ((level == 2 || level == 3) && (e & PTE_LARGE))) {
				uint64_t size = UINT64_C(1) << shift;
				*pa = (e & M52 & ~(size - 1)) | (va & (size - 1));
				return true;
			}
			table = e & M52;
		}
		return false;
	}
	if (va >> 32)
		return false;
	if (pr->cr4 & CR4_PAE) {
		if (!ref_entry(vm, (pr->cr3 & 0xFFFFFFE0u) + ((va >> 30) & 3) * 8, 8, &e) ||
		    !ref_entry(vm, (e & M52) + ((va >> 21) & 511) * 8, 8, &e))
			return false;
		if (e & PTE_LARGE) {
			*pa = (e & M52 & ~UINT64_C(0x1FFFFF)) | (va & 0x1FFFFF);
			return true;
		}
		if (!ref_entry(vm, (e & M52) + ((va >> 12) & 511) * 8, 8, &e))
			return false;
		*pa = (e & M52) | (va & 0xFFF);
		return true;
	}
	if (!ref_entry(vm, (pr->cr3 & 0xFFFFF000u) + (va >> 22) * 4, 4, &e))
		return false;
	if ((e & PTE_LARGE) && (pr->cr4 & CR4_PSE)) {
		/* PSE-36: bits 20:13 of the entry are address bits 39:32. */
		*pa = (e & 0xFFC00000u) | ((e >> 13) & 0xFF) << 32 | (va & 0x3FFFFF);
		return true;
	}
	if (!ref_entry(vm, (e & 0xFFFFF000u) + ((va >> 12) & 0x3FF) * 4, 4, &e))
		return false;
	*pa = (e & 0xFFFFF000u) | (va & 0xFFF);
	return true;
}

/* ---- disk images ---- */

static char image_paths[4][32];

static void remove_images(void)
{
	for (int i = 0; i < 4; i++)
		if (image_paths[i][0])
			unlink(image_paths[i]);
}

uint8_t fuzz_disk_pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 9) * 13 + 1);
}

static void write_pattern(int fd, uint32_t sectors)
{
	uint8_t sector[512];
	for (uint32_t s = 0; s < sectors; s++) {
		for (unsigned i = 0; i < 512; i++)
			sector[i] = fuzz_disk_pattern((uint64_t)s * 512 + i);
		if (pwrite(fd, sector, 512, (off_t)s * 512) != 512)
			abort();
	}
}

const char *fuzz_disk_image(int slot, uint32_t sectors)
{
	char *path = image_paths[slot];
	if (!path[0]) {
		strcpy(path, "/tmp/vmm-fuzz-XXXXXX");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		write_pattern(fd, sectors);
		close(fd);
		static bool registered;
		if (!registered)
			atexit(remove_images);
		registered = true;
	}
	return path;
}

void fuzz_disk_check_and_reset(const char *path, uint32_t sectors, bool must_be_pristine)
{
	int fd = open(path, O_RDWR);
	FUZZ_CHECK(fd >= 0, "cannot open %s", path);
	struct stat st;
	FUZZ_CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)sectors * 512,
		   "image size changed: %lld bytes, was %u sectors", (long long)st.st_size, sectors);
	static uint8_t buf[1 << 20], pattern[1 << 20];
	static size_t pattern_len;
	size_t len = (size_t)sectors * 512;
	FUZZ_CHECK(len <= sizeof(buf) && pread(fd, buf, len, 0) == (ssize_t)len, "cannot read %s", path);
	for (; pattern_len < len; pattern_len++)
		pattern[pattern_len] = fuzz_disk_pattern(pattern_len);
	bool pristine = memcmp(buf, pattern, len) == 0;
	FUZZ_CHECK(pristine || !must_be_pristine, "a read-only image was written");
	if (!pristine)
		write_pattern(fd, sectors);
	close(fd);
}
