/* ELF32 and ELF64 executables: each PT_LOAD segment is copied to its
 * physical address (p_paddr) and its bss (p_memsz beyond p_filesz) zeroed.
 * An entry point inside a segment's virtual range (a higher-half kernel:
 * p_vaddr 0xC0100000, p_paddr 0x100000) becomes its physical address, as
 * GRUB's loader does; the guest starts with paging off.
 * Every offset and size is checked against the file and guest RAM before it
 * is used: headers are read one at a time, and a segment is read straight
 * into guest RAM once its place there is known to be valid. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

bool is_elf(const uint8_t *head, size_t len)
{
	return len >= EI_NIDENT && memcmp(head, ELFMAG, SELFMAG) == 0;
}

/* The fields the loader needs, the same for both classes. */
struct elf_header {
	bool is64;
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

struct segment {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static int read_header(const struct image_source *src, struct elf_header *h, char *err,
		       size_t errlen)
{
	uint64_t size = src->size;
	uint8_t ehdr[sizeof(Elf64_Ehdr)] = { 0 }; /* the ELF header, either class */
	size_t ehdr_len = size < sizeof(ehdr) ? (size_t)size : sizeof(ehdr);
	if (image_read(src, 0, ehdr, ehdr_len, err, errlen) < 0)
		return -1;
	if (!is_elf(ehdr, ehdr_len))
		return load_error(err, errlen, "not an ELF file");
	h->is64 = ehdr[EI_CLASS] == ELFCLASS64;
	if (!h->is64 && ehdr[EI_CLASS] != ELFCLASS32)
		return load_error(err, errlen, "ELF file has an unknown class %u", ehdr[EI_CLASS]);
	if (ehdr[EI_DATA] != ELFDATA2LSB)
		return load_error(err, errlen, "ELF file is not little-endian");
	size_t ehsize = h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (size < ehsize)
		return load_error(err, errlen, "ELF header is truncated");
	if (h->is64) {
		Elf64_Ehdr e;
		memcpy(&e, ehdr, sizeof(e));
		h->type = e.e_type, h->machine = e.e_machine, h->entry = e.e_entry;
		h->phoff = e.e_phoff, h->phentsize = e.e_phentsize, h->phnum = e.e_phnum;
	} else {
		Elf32_Ehdr e;
		memcpy(&e, ehdr, sizeof(e));
		h->type = e.e_type, h->machine = e.e_machine, h->entry = e.e_entry;
		h->phoff = e.e_phoff, h->phentsize = e.e_phentsize, h->phnum = e.e_phnum;
	}
	/* What vmm cannot start, named so the user knows what to change. */
	if (h->type == ET_DYN)
		return load_error(err, errlen, "position-independent executable: link with -static -no-pie");
	if (h->type == ET_REL)
		return load_error(err, errlen,
				  "relocatable object file (ET_REL), not an executable: link it first (ld -T or -Ttext)");
	if (h->type != ET_EXEC)
		return load_error(err, errlen, "ELF file is not an executable (type %u)", h->type);
	if (h->machine != (h->is64 ? EM_X86_64 : EM_386))
		return load_error(err, errlen, "ELF file is not for x86 (machine %u)", h->machine);
	size_t want = h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (h->phnum == 0 || h->phentsize < want)
		return load_error(err, errlen, "ELF file has no usable program headers");
	if (h->phoff > size || (uint64_t)h->phnum * h->phentsize > size - h->phoff)
		return load_error(err, errlen, "ELF program headers lie past the end of the file (truncated?)");
	return 0;
}

static int read_segment(const struct image_source *src, const struct elf_header *h, uint16_t i,
			struct segment *s, char *err, size_t errlen)
{
	uint8_t ph[sizeof(Elf64_Phdr)];
	size_t want = h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (image_read(src, h->phoff + (uint64_t)i * h->phentsize, ph, want, err, errlen) < 0)
		return -1;
	if (h->is64) {
		Elf64_Phdr p;
		memcpy(&p, ph, sizeof(p));
		*s = (struct segment){ p.p_type, p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz };
	} else {
		Elf32_Phdr p;
		memcpy(&p, ph, sizeof(p));
		*s = (struct segment){ p.p_type, p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz };
	}
	return 0;
}

static bool in_virtual_range(const struct segment *s, uint64_t addr)
{
	return s->type == PT_LOAD && s->memsz && addr >= s->vaddr && addr - s->vaddr < s->memsz;
}

static int load_segment(struct vm *vm, const struct image_source *src, const struct segment *s,
			char *err, size_t errlen)
{
	uint64_t size = src->size;
	if (s->filesz > s->memsz)
		return load_error(err, errlen, "ELF segment at 0x%llx has file size above memory size",
				  (unsigned long long)s->paddr);
	if (s->offset > size || s->filesz > size - s->offset)
		return load_error(err, errlen, "ELF segment at 0x%llx lies past the end of the file (truncated?)",
				  (unsigned long long)s->paddr);
	uint8_t *dst = image_place(vm, s->paddr, s->memsz, "image", err, errlen);
	if (!dst)
		return -1;
	if (image_read(src, s->offset, dst, s->filesz, err, errlen) < 0)
		return -1;
	memset(dst + s->filesz, 0, s->memsz - s->filesz);
	if (vm->cfg.verbose)
		fprintf(stderr, "vmm: ELF segment loaded at p_paddr 0x%llx-0x%llx (p_vaddr 0x%llx)\n",
			(unsigned long long)s->paddr, (unsigned long long)(s->paddr + s->memsz - 1),
			(unsigned long long)s->vaddr);
	return 0;
}

uint64_t elf_virt_to_phys(const struct image_source *src, uint64_t addr)
{
	struct elf_header h;
	char err[160];
	if (read_header(src, &h, err, sizeof(err)) < 0)
		return addr;
	for (uint16_t i = 0; i < h.phnum; i++) {
		struct segment s;
		if (read_segment(src, &h, i, &s, err, sizeof(err)) < 0)
			return addr;
		if (in_virtual_range(&s, addr))
			return s.paddr + (addr - s.vaddr);
	}
	return addr;
}

int load_elf(struct vm *vm, const struct image_source *src, struct load_result *res, char *err,
	     size_t errlen)
{
	struct elf_header h;
	if (read_header(src, &h, err, errlen) < 0)
		return -1;
	int loaded = 0;
	uint64_t entry = h.entry;
	bool translated = false;
	for (uint16_t i = 0; i < h.phnum; i++) {
		struct segment s;
		if (read_segment(src, &h, i, &s, err, errlen) < 0)
			return -1;
		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		if (load_segment(vm, src, &s, err, errlen) < 0)
			return -1;
		/* The first segment whose virtual range holds e_entry, as GRUB. */
		if (!translated && in_virtual_range(&s, h.entry)) {
			entry = s.paddr + (h.entry - s.vaddr);
			translated = true;
		}
		loaded++;
	}
	if (loaded == 0)
		return load_error(err, errlen, "ELF file has no loadable segment");
	if (vm->cfg.verbose && entry != h.entry)
		fprintf(stderr, "vmm: ELF entry 0x%llx is virtual: started at its physical address 0x%llx\n",
			(unsigned long long)h.entry, (unsigned long long)entry);
	/* The entry point is checked by guest_load_source(), after -entry. */
	res->format = h.is64 ? FORMAT_ELF64 : FORMAT_ELF32;
	res->entry = entry;
	res->file_entry = h.entry;
	res->elf_segments = true;
	return 0;
}
