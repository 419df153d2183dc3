/*
 * Multiboot2 kernels: the header and its tags (specification 2.0, section
 * 3.1), loading the kernel and its modules, and the boot registers. The boot
 * information itself is built in multiboot2_info.c.
 *
 * A tag whose `optional` flag is clear must be understood and honoured, or
 * the kernel refused: vmm then names the tag in a one-line message.
 */
#include "multiboot2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

#define MB2_HEADER_FIXED 16u /* magic, architecture, header_length, checksum */
#define MB2_TAG_HEAD 8u
#define MB2_LOAD_FROM_FILE_START 0xFFFFFFFFu /* address tag: load_addr = -1 */

struct mb2_header {
	uint32_t magic, architecture, header_length, checksum;
};

struct mb2_header_tag {
	uint16_t type, flags;
	uint32_t size;
};

long multiboot2_find_header(const uint8_t *head, size_t len, long *bad_checksum_at)
{
	*bad_checksum_at = -1;
	for (size_t off = 0; off + MB2_HEADER_FIXED <= len && off + MB2_HEADER_FIXED <= MB2_SEARCH_LIMIT;
	     off += MB2_HEADER_ALIGN) {
		struct mb2_header h;
		memcpy(&h, head + off, sizeof(h));
		if (h.magic != MB2_HEADER_MAGIC)
			continue;
		if (h.magic + h.architecture + h.header_length + h.checksum == 0)
			return (long)off;
		if (*bad_checksum_at < 0)
			*bad_checksum_at = (long)off;
	}
	return -1;
}

static const char *header_tag_name(uint16_t type)
{
	static const char *const names[] = {
		"end", "information request", "address", "entry address", "console flags",
		"framebuffer", "module alignment", "EFI boot services", "EFI i386 entry address",
		"EFI amd64 entry address", "relocatable",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* The information request: each type asked for without the optional flag
 * must be one vmm gives. The load base is given when asked for, as well as
 * to relocatable kernels. */
static int check_info_request(const uint8_t *tag, uint32_t size, bool optional,
			      struct mb2_request *rq, char *err, size_t errlen)
{
	for (uint32_t off = MB2_TAG_HEAD; off + 4 <= size; off += 4) {
		uint32_t type;
		memcpy(&type, tag + off, 4);
		if (type == MB2_TAG_LOAD_BASE_ADDR)
			rq->wants_load_base = true;
		if (!optional && !multiboot2_info_tag_supported(type))
			return load_error(err, errlen,
					  "Multiboot2 kernel requires boot information tag %u (%s), which vmm does not provide",
					  type, multiboot2_info_tag_name(type));
	}
	return 0;
}

/* Reads the header's tags into *rq; refuses what vmm cannot honour. */
static int parse_header(const uint8_t *hdr, uint32_t len, struct mb2_request *rq, char *err,
			size_t errlen)
{
	bool console_tag = false, text_ok = true, console_required = false;
	bool framebuffer_required = false;
	uint32_t off = MB2_HEADER_FIXED;
	for (;;) {
		if (off + MB2_TAG_HEAD > len)
			return load_error(err, errlen, "Multiboot2 header has no end tag within its %u bytes", len);
		struct mb2_header_tag t;
		memcpy(&t, hdr + off, sizeof(t));
		if (t.size < MB2_TAG_HEAD || t.size > len - off)
			return load_error(err, errlen, "Multiboot2 header tag %u (%s) at offset %u has a bad size %u",
					  t.type, header_tag_name(t.type), off, t.size);
		bool optional = t.flags & MB2_HTAG_FLAG_OPTIONAL;
		const uint8_t *p = hdr + off;
		uint32_t v[6] = { 0 }; /* the tag's 32-bit fields after its head */
		memcpy(v, p + MB2_TAG_HEAD,
		       t.size - MB2_TAG_HEAD < sizeof(v) ? t.size - MB2_TAG_HEAD : sizeof(v));
		uint32_t need = MB2_TAG_HEAD;
		switch (t.type) {
		case MB2_HTAG_END:
			return 0;
		case MB2_HTAG_INFO_REQUEST:
			if (check_info_request(p, t.size, optional, rq, err, errlen) < 0)
				return -1;
			break;
		case MB2_HTAG_ADDRESS:
			need = 24;
			rq->has_address = true;
			rq->address = (struct mb_load_addresses){ v[0], v[1], v[2], v[3] };
			break;
		case MB2_HTAG_ENTRY_ADDRESS:
			need = 12;
			rq->has_entry = true;
			rq->entry_addr = v[0];
			break;
		case MB2_HTAG_CONSOLE_FLAGS:
			need = 12;
			console_tag = true;
			console_required = v[0] & MB2_CONSOLE_REQUIRED;
			text_ok = v[0] & MB2_CONSOLE_EGA_TEXT_OK;
			break;
		case MB2_HTAG_FRAMEBUFFER:
			/* vmm has the 80x25 EGA text console and no graphics
			 * mode: fine unless the kernel rules text out. */
			need = 20;
			framebuffer_required = !optional;
			break;
		case MB2_HTAG_MODULE_ALIGN:
			break; /* modules are always page-aligned */
		case MB2_HTAG_EFI_BS:
			if (!optional)
				return load_error(err, errlen,
						  "Multiboot2 kernel requires EFI boot services (header tag 7), which vmm does not provide");
			break;
		case MB2_HTAG_ENTRY_ADDRESS_EFI32:
		case MB2_HTAG_ENTRY_ADDRESS_EFI64:
			break; /* used only with EFI boot services */
		case MB2_HTAG_RELOCATABLE:
			need = 24;
			rq->relocatable = true;
			rq->reloc_min = v[0];
			rq->reloc_max = v[1];
			break;
		default:
			if (!optional)
				return load_error(err, errlen,
						  "Multiboot2 kernel requires header tag %u, which vmm does not know",
						  t.type);
			break;
		}
		if (t.size < need)
			return load_error(err, errlen, "Multiboot2 header tag %u (%s) is %u bytes, too short",
					  t.type, header_tag_name(t.type), t.size);
		if (console_tag && !text_ok && (console_required || framebuffer_required))
			return load_error(err, errlen,
					  "Multiboot2 kernel requires a graphics console (its console flags rule out EGA text): vmm provides only the 80x25 EGA text console");
		off += (t.size + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1);
	}
}

/* Reads the header (fixed part and tags) at hoff from the image. */
static uint8_t *read_header(const struct image_source *src, long hoff, const uint8_t *head,
			    uint32_t *len, char *err, size_t errlen)
{
	struct mb2_header h;
	memcpy(&h, head + hoff, sizeof(h));
	if (h.architecture != MB2_ARCH_I386) {
		load_error(err, errlen, "Multiboot2 header is for architecture %u, not i386 (0)", h.architecture);
		return NULL;
	}
	if (h.header_length < MB2_HEADER_FIXED + MB2_TAG_HEAD ||
	    h.header_length > MB2_SEARCH_LIMIT - (uint64_t)hoff || h.header_length > src->size - (uint64_t)hoff) {
		load_error(err, errlen,
			   "Multiboot2 header_length %u is invalid (at least 24, and the header must lie in the first 32 KiB of the file)",
			   h.header_length);
		return NULL;
	}
	uint8_t *buf = malloc(h.header_length);
	if (!buf) {
		load_error(err, errlen, "out of memory");
		return NULL;
	}
	if (image_read(src, (uint64_t)hoff, buf, h.header_length, err, errlen) < 0) {
		free(buf);
		return NULL;
	}
	*len = h.header_length;
	return buf;
}

/* The lowest address the kernel was loaded at (for the load base tag). */
static uint64_t image_base(const struct vm *vm, int kernel_first)
{
	uint64_t base = UINT64_MAX;
	for (int i = kernel_first; i < vm->ram_use.n; i++)
		if (vm->ram_use.ranges[i].owner == RAM_GUEST && vm->ram_use.ranges[i].base < base)
			base = vm->ram_use.ranges[i].base;
	return base == UINT64_MAX ? 0 : base;
}

static int load_kernel(struct vm *vm, const struct image_source *src, const uint8_t *head,
		       size_t head_len, long hoff, const struct mb2_request *rq,
		       struct load_result *res, char *err, size_t errlen)
{
	if (rq->has_address) {
		struct mb_load_addresses a = rq->address;
		if (!rq->has_entry)
			return load_error(err, errlen, "Multiboot2 header has an address tag but no entry address tag");
		if (a.load_addr == MB2_LOAD_FROM_FILE_START) {
			/* -1: the file is loaded from its first byte. */
			if (a.header_addr < (uint64_t)hoff)
				return load_error(err, errlen, "Multiboot2 header_addr 0x%x is below its offset in the file",
						  a.header_addr);
			a.load_addr = a.header_addr - (uint32_t)hoff;
		}
		if (multiboot_load_addresses(vm, src, hoff, &a, "Multiboot2", err, errlen) < 0)
			return -1;
		res->entry = rq->entry_addr;
		return 0;
	}
	if (!is_elf(head, head_len))
		return load_error(err, errlen, "Multiboot2 kernel is neither ELF nor has an address tag");
	/* ELF32 or ELF64 (GRUB takes both); entered in 32-bit mode either way. */
	if (load_elf(vm, src, res, err, errlen) < 0)
		return -1;
	if (rq->has_entry)
		res->entry = rq->entry_addr;
	return 0;
}

/* multiboot_write_info's builder: the information holds no pointers, so the
 * address it goes to does not matter. */
static void build_info(struct boot_blob *b, uint64_t base, const struct hc_memmap_entry *map, int n,
		       const void *ctx)
{
	struct mb2_info_input in = *(const struct mb2_info_input *)ctx;
	(void)base;
	in.map = map;
	in.map_count = n;
	multiboot2_build_info(b, &in);
}

int load_multiboot2(struct vm *vm, const struct image_source *src, const uint8_t *head,
		    size_t head_len, long hoff, const struct load_options *opt,
		    struct load_result *res, char *err, size_t errlen)
{
	uint32_t len;
	uint8_t *hdr = read_header(src, hoff, head, &len, err, errlen);
	if (!hdr)
		return -1;
	struct mb2_request rq = { 0 };
	int rc = parse_header(hdr, len, &rq, err, errlen);
	free(hdr);
	if (rc < 0)
		return -1;
	int kernel_first = vm->ram_use.n; /* the kernel's RAM records start here */
	if (load_kernel(vm, src, head, head_len, hoff, &rq, res, err, errlen) < 0)
		return -1;
	/* The entry point is checked by guest_load_source(), after -entry. */
	res->format = FORMAT_MULTIBOOT2;
	res->mode = MODE_PROTECTED;
	uint64_t load_base = image_base(vm, kernel_first);
	if (vm->cfg.verbose && rq.relocatable)
		fprintf(stderr, "vmm: Multiboot2 kernel is relocatable (0x%x-0x%x): loaded at its linked address 0x%llx\n",
			rq.reloc_min, rq.reloc_max, (unsigned long long)load_base);
	struct mb_modules mods;
	rc = multiboot_modules_load(vm, kernel_first, opt->initrd, &mods, err, errlen);
	if (rc == 0) {
		struct mb2_info_input in = { .cmdline = opt->cmdline, .modules = &mods,
					     .load_base_set = rq.relocatable || rq.wants_load_base,
					     .load_base = (uint32_t)load_base };
		rc = multiboot_write_info(vm, build_info, &in, &res->boot_info, err, errlen);
		res->boot_magic = MB2_BOOT_MAGIC;
	}
	multiboot_modules_free(&mods);
	return rc;
}
