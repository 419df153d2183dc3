/*
 * Fuzz target "loader": guest image loading (host/loaders: format detection,
 * ELF32/ELF64, Multiboot with and without the a.out kludge, flat binaries)
 * with the command line's overrides.
 *
 * Input: u8 flags, the overrides it names, then the image (the rest):
 *	bits 0-1  -mode for flat binaries: real, protected, paged32, long
 *	bit 2     -load: u32 load address follows
 *	bit 3     -entry: u32 entry follows (u64 with bit 4); physical, or
 *	          translated when inside an ELF segment's virtual range
 *	bit 5     -append "root=/dev/fuzz quiet"
 *	bit 6     read the image from a file (pread), not from memory
 *	bit 7     ignore a Multiboot magic with a bad checksum (as -mode/-load do)
 * Invariants: a refusal leaves one line of message (non-empty, no newline);
 * a success starts the guest inside guest RAM (not the VGA window), in the
 * mode of its format (the asked one for flat binaries), a flat binary's
 * bytes are in RAM at its load address, and nothing was written outside
 * guest RAM or into the VGA window (guard pages: a write there faults).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "formats.h"
#include "loader.h"
#include "vm.h"

static struct vm *vm;
static int image_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vm = fuzz_vm_create(4ull << 20);
	image_fd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	FUZZ_CHECK(image_fd >= 0, "memfd_create failed");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	static const enum cpu_mode modes[4] = { MODE_REAL, MODE_PROTECTED, MODE_PAGED32, MODE_LONG };
	struct load_options opt = { .mode = modes[flags & 3], .name = "fuzz.elf" };
	if (flags & 4)
		opt.load_addr = fuzz_u32(&in);
	if (flags & 8) {
		opt.entry = flags & 16 ? fuzz_u64(&in) : fuzz_u32(&in);
		opt.entry_set = true;
	}
	if (flags & 32)
		opt.cmdline = "root=/dev/fuzz quiet";
	opt.ignore_bad_multiboot = flags & 128;
	const uint8_t *image = in.p;
	size_t len = in.left;

	struct load_result res;
	char err[512] = "";
	int rc;
	if (flags & 64) {
		FUZZ_CHECK(ftruncate(image_fd, 0) == 0 && pwrite(image_fd, image, len, 0) == (ssize_t)len,
			   "cannot write the image file");
		struct image_source src = { .size = len, .mem = NULL, .fd = image_fd };
		rc = guest_load_source(vm, &src, &opt, &res, err, sizeof(err));
	} else {
		rc = guest_load(vm, image, len, &opt, &res, err, sizeof(err));
	}

	if (getenv("FUZZ_VERBOSE")) /* to see what a seed does */
		fprintf(stderr, "loader: %s\n", rc < 0 ? err : guest_format_name(res.format));
	if (rc < 0) {
		FUZZ_CHECK(err[0] && !strchr(err, '\n'), "refusal without a one-line message: \"%s\"", err);
	} else {
		FUZZ_CHECK(fuzz_gpa_is_ram(vm, res.entry), "%s guest starts at 0x%llx, outside RAM",
			   guest_format_name(res.format), (unsigned long long)res.entry);
		switch (res.format) {
		case FORMAT_FLAT:
			FUZZ_CHECK(res.mode == opt.mode, "flat binary in mode %d, asked %d", res.mode, opt.mode);
			FUZZ_CHECK(opt.load_addr + len <= vm->mem_size &&
				   memcmp(vm->ram + opt.load_addr, image, len) == 0,
				   "flat binary not at 0x%llx", (unsigned long long)opt.load_addr);
			break;
		case FORMAT_ELF64:
			FUZZ_CHECK(res.mode == MODE_LONG, "ELF64 in mode %d", res.mode);
			break;
		case FORMAT_ELF32:
		case FORMAT_MULTIBOOT:
		case FORMAT_MULTIBOOT2:
			FUZZ_CHECK(res.mode == MODE_PROTECTED, "%s in mode %d", guest_format_name(res.format), res.mode);
			break;
		}
		/* -entry is physical; inside an ELF segment's virtual range it is
		 * translated as e_entry is (issue 11). */
		struct image_source src = { .size = len, .mem = image, .fd = -1 };
		uint64_t want = res.elf_segments ? elf_virt_to_phys(&src, opt.entry) : opt.entry;
		FUZZ_CHECK(!opt.entry_set || res.entry == want, "-entry 0x%llx ignored",
			   (unsigned long long)opt.entry);
	}
	fuzz_vm_clear_ram(vm);
	return 0;
}
