/*
 * The baseline for the start-up bench: the least a KVM program must do to
 * run a 32-bit Multiboot kernel to its isa-debug-exit. One memslot, the
 * ELF's PT_LOAD segments copied in, flat 32-bit protected mode, a run loop
 * that knows two ports (0xE9: a byte to stdout, 0xF4: exit) and nothing
 * else: no devices, no threads, no display, no CPUID setup.
 *
 *   bare_kvm KERNEL.elf        exit status: the kernel's (v << 1) | 1
 *
 * It is deliberately not built on libvmm: it is what vmm is compared with.
 */
#include <elf.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_SIZE (64u << 20)   /* vmm's default */
#define INFO_ADDR 0x9000u      /* an all-zero Multiboot info: flags 0 */
#define MB_LOADER_MAGIC 0x2BADB002u

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Copies each PT_LOAD segment of the ELF32 file to its physical address
 * (and zeroes the rest of its memory size); returns the entry point. */
static uint32_t load_elf32(const char *path, uint8_t *ram)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	uint8_t *file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED)
		die("mmap kernel");
	close(fd);

	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)file;
	if ((size_t)st.st_size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > (uint64_t)st.st_size) {
		fprintf(stderr, "bare_kvm: %s: not an ELF32 file\n", path);
		exit(2);
	}
	const Elf32_Phdr *ph = (const Elf32_Phdr *)(file + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD)
			continue;
		if ((uint64_t)ph->p_paddr + ph->p_memsz > RAM_SIZE || ph->p_filesz > ph->p_memsz ||
		    (uint64_t)ph->p_offset + ph->p_filesz > (uint64_t)st.st_size) {
			fprintf(stderr, "bare_kvm: %s: segment %d does not fit\n", path, i);
			exit(2);
		}
		memcpy(ram + ph->p_paddr, file + ph->p_offset, ph->p_filesz);
		memset(ram + ph->p_paddr + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	}
	uint32_t entry = eh->e_entry;
	munmap(file, (size_t)st.st_size);
	return entry;
}

/* Flat 4 GiB segments, protected mode without paging: what Multiboot
 * promises. KVM takes the hidden segment state as given, so no GDT needs
 * to exist in guest memory (the kernel loads its own if it reloads them). */
static void enter_protected_mode(int vcpu, uint32_t entry)
{
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	struct kvm_segment code = {
		.base = 0, .limit = 0xFFFFFFFF, .selector = 0x08, .type = 11, /* execute/read, accessed */
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment data = code;
	data.selector = 0x10;
	data.type = 3; /* read/write, accessed */
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.cr0 |= 1; /* PE */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");

	struct kvm_regs regs = {
		.rip = entry, .rax = MB_LOADER_MAGIC, .rbx = INFO_ADDR, .rflags = 2,
	};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bare_kvm KERNEL.elf\n");
		return 2;
	}
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");

	uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap guest RAM");
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	uint32_t entry = load_elf32(argv[1], ram);

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run_size <= 0 || run == MAP_FAILED)
		die("mmap kvm_run");
	enter_protected_mode(vcpu, entry);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			const uint8_t *data = (const uint8_t *)run + run->io.data_offset;
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0xE9)
				putchar(data[0]);
			else if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0xF4)
				exit((int)((data[0] << 1) | 1) & 0xFF); /* isa-debug-exit */
			else if (run->io.direction == KVM_EXIT_IO_IN)
				memset((uint8_t *)run + run->io.data_offset, 0xFF, run->io.size * run->io.count);
			break;
		}
		case KVM_EXIT_HLT:
			return 0;
		default:
			fprintf(stderr, "bare_kvm: unexpected exit reason %u\n", run->exit_reason);
			return 1;
		}
	}
}
