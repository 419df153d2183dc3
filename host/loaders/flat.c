/* Flat binaries: the file is copied to -load (default 0) and started at
 * -entry (default: the load address) in the -mode given (default real),
 * kvm-hello-world style. */
#include "formats.h"

int load_flat(struct vm *vm, const struct image_source *src, const struct load_options *opt,
	      struct load_result *res, char *err, size_t errlen)
{
	/* The size is checked against RAM before a byte is read. */
	uint8_t *dst = image_place(vm, opt->load_addr, src->size, "image", err, errlen);
	if (!dst || image_read(src, 0, dst, src->size, err, errlen) < 0)
		return -1;
	/* Started at its load address; guest_load_source() applies -entry, as
	 * for every format. */
	*res = (struct load_result){ .format = FORMAT_FLAT, .mode = opt->mode, .entry = opt->load_addr };
	return 0;
}
