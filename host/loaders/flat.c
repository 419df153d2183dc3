/* Flat binaries: the file is copied to -load (default 0) and started at
 * -entry (default: the load address) in the -mode given, kvm-hello-world
 * style: stack at the top of RAM (top of the first 64 KiB in real mode). */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "loader.h"

#define REAL_MODE_LIMIT 0x100000ull

int load_flat(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	      struct load_result *res, char *err, size_t errlen)
{
	uint8_t *dst = image_place(vm, opt->load_addr, size, err, errlen);
	if (!dst)
		return -1;
	uint64_t entry = opt->entry_set ? opt->entry : opt->load_addr;
	if (opt->mode == MODE_REAL && entry >= REAL_MODE_LIMIT)
		return load_error(err, errlen, "real-mode entry 0x%llx is above 1 MiB",
				  (unsigned long long)entry);
	memcpy(dst, image, size);
	/* Real mode: SP = 0 wraps to the top of the first 64 KiB, with SS = 0 so
	 * that -m16 C code (which assumes SS == DS) works. */
	uint64_t stack = opt->mode == MODE_REAL ? 0 : vm->mem_size;
	if (vm_setup_cpu(vm, opt->mode, entry, stack) < 0)
		return load_error(err, errlen, "cannot set up the vCPU: %s", strerror(errno));
	*res = (struct load_result){ FORMAT_FLAT, opt->mode, entry };
	return 0;
}
