/* ELF32 and ELF64 executables: each PT_LOAD segment is copied to its
 * physical address (p_paddr) and its bss (p_memsz beyond p_filesz) zeroed.
 * Every offset and size is checked against the file and guest RAM before it
 * is used: headers are read one at a time, and a segment is read straight
 * into guest RAM once its place there is known to be valid. */
#include <elf.h>
#include <string.h>

#include "loader.h"

bool is_elf(const uint8_t *head, size_t len)
{
	return len >= EI_NIDENT && memcmp(head, ELFMAG, SELFMAG) == 0;
}

/* The fields the loader needs, the same for both classes. */
struct segment {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static struct segment segment_at(const uint8_t *ph, bool is64)
{
	struct segment s;
	if (is64) {
		Elf64_Phdr p;
		memcpy(&p, ph, sizeof(p));
		s = (struct segment){ p.p_type, p.p_offset, p.p_paddr, p.p_filesz, p.p_memsz };
	} else {
		Elf32_Phdr p;
		memcpy(&p, ph, sizeof(p));
		s = (struct segment){ p.p_type, p.p_offset, p.p_paddr, p.p_filesz, p.p_memsz };
	}
	return s;
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
	uint8_t *dst = image_place(vm, s->paddr, s->memsz, err, errlen);
	if (!dst)
		return -1;
	if (image_read(src, s->offset, dst, s->filesz, err, errlen) < 0)
		return -1;
	memset(dst + s->filesz, 0, s->memsz - s->filesz);
	return 0;
}

int load_elf(struct vm *vm, const struct image_source *src, struct load_result *res, char *err,
	     size_t errlen)
{
	uint64_t size = src->size;
	uint8_t ehdr[sizeof(Elf64_Ehdr)] = { 0 }; /* the ELF header, either class */
	size_t ehdr_len = size < sizeof(ehdr) ? (size_t)size : sizeof(ehdr);
	if (image_read(src, 0, ehdr, ehdr_len, err, errlen) < 0)
		return -1;
	if (!is_elf(ehdr, ehdr_len))
		return load_error(err, errlen, "not an ELF file");
	bool is64 = ehdr[EI_CLASS] == ELFCLASS64;
	if (!is64 && ehdr[EI_CLASS] != ELFCLASS32)
		return load_error(err, errlen, "ELF file has an unknown class %u", ehdr[EI_CLASS]);
	if (ehdr[EI_DATA] != ELFDATA2LSB)
		return load_error(err, errlen, "ELF file is not little-endian");
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (size < ehsize)
		return load_error(err, errlen, "ELF header is truncated");

	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
	if (is64) {
		Elf64_Ehdr h;
		memcpy(&h, ehdr, sizeof(h));
		type = h.e_type, machine = h.e_machine, entry = h.e_entry;
		phoff = h.e_phoff, phentsize = h.e_phentsize, phnum = h.e_phnum;
	} else {
		Elf32_Ehdr h;
		memcpy(&h, ehdr, sizeof(h));
		type = h.e_type, machine = h.e_machine, entry = h.e_entry;
		phoff = h.e_phoff, phentsize = h.e_phentsize, phnum = h.e_phnum;
	}
	if (type != ET_EXEC)
		return load_error(err, errlen, "ELF file is not an executable (type %u)", type);
	if (machine != (is64 ? EM_X86_64 : EM_386))
		return load_error(err, errlen, "ELF file is not for x86 (machine %u)", machine);
	size_t want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (phnum == 0 || phentsize < want)
		return load_error(err, errlen, "ELF file has no usable program headers");
	if (phoff > size || (uint64_t)phnum * phentsize > size - phoff)
		return load_error(err, errlen, "ELF program headers lie past the end of the file (truncated?)");

	int loaded = 0;
	for (uint16_t i = 0; i < phnum; i++) {
		uint8_t ph[sizeof(Elf64_Phdr)];
		if (image_read(src, phoff + (uint64_t)i * phentsize, ph, want, err, errlen) < 0)
			return -1;
		struct segment s = segment_at(ph, is64);
		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		if (load_segment(vm, src, &s, err, errlen) < 0)
			return -1;
		loaded++;
	}
	if (loaded == 0)
		return load_error(err, errlen, "ELF file has no loadable segment");
	/* The entry point is checked by guest_load_source(), after -entry. */
	res->format = is64 ? FORMAT_ELF64 : FORMAT_ELF32;
	res->entry = entry;
	return 0;
}
