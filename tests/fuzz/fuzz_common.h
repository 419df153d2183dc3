/*
 * Shared pieces of the fuzz harnesses (tests/fuzz/fuzz_*.c): reading a
 * fuzzer input field by field, failing loudly when an invariant breaks, one
 * KVM VM per process with guard pages around guest RAM, paging state and
 * page tables built from the input, and temporary disk images.
 *
 * Every harness is built twice: with libFuzzer (make fuzz) and, with the
 * normal compiler, against replay_main.c (make test replays the corpus).
 */
#ifndef VMM_FUZZ_COMMON_H
#define VMM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging.h"

struct vm;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broke: say which, and abort() so the fuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)
_Noreturn void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The input, consumed front to back; past its end every field reads 0. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};
uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);
uint64_t fuzz_u64(struct fuzz_input *in);
/* Up to n bytes in place (fewer at the end of the input); *got gets how many. */
const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t n, size_t *got);

/*
 * A VM for harnesses, created once per process: no I/O fast path (no
 * ioeventfd thread, no coalesced ring: every access goes through the bus,
 * on this thread), console output thrown away. Guest RAM gets PROT_NONE
 * guard pages right before and after its host mapping and over the VGA window
 * [0xA0000, 0xC0000), so a host write anywhere outside guest RAM faults at
 * once. Aborts if KVM is not usable.
 */
struct vm *fuzz_vm_create(uint64_t mem_size);
/* Zeroes guest RAM (drops its pages: cost follows the pages touched). */
void fuzz_vm_clear_ram(struct vm *vm);
/* Frees every device (destroy hooks), empties both buses, the hypercall table
 * and the hooks, and clears the stop state: the VM is as vm_create left it,
 * so the next input registers its devices afresh. */
void fuzz_vm_remove_devices(struct vm *vm);
/* Makes vm_get_sregs (and so every guest-virtual accessor) see these
 * control registers, as after an exit with KVM_CAP_SYNC_REGS. */
void fuzz_vm_set_paging(struct vm *vm, const struct paging_regs *pr);
/* Makes the guest RAM pages that hold [gpa, gpa + len) writable or read-only
 * (the VGA window stays PROT_NONE). */
void fuzz_ram_protect(struct vm *vm, uint64_t gpa, uint64_t len, bool writable);

/* True if guest-physical byte gpa is RAM (not the VGA window, below mem_size). */
bool fuzz_gpa_is_ram(const struct vm *vm, uint64_t gpa);
/* Number of 4 KiB RAM pages, and the gpa of the n-th (n taken modulo that
 * number; the VGA window's pages are skipped): input bytes name pages this way
 * so that most names are real RAM. */
uint64_t fuzz_ram_pages(const struct vm *vm);
uint64_t fuzz_ram_page(const struct vm *vm, uint64_t n);

/*
 * The paging part of an input, shared by the page-walk and hypercall
 * harnesses:
 *   u8 mode: bits 0-2 pick real, none, 32, 32+PSE, PAE, long4, long5, or 7 =
 *            the raw registers below as given; bit 3: cr3 names a RAM page
 *            (fuzz_ram_page) instead of being raw
 *   u32 cr0, u32 cr4, u32 efer, u64 cr3 (raw; modes 0-6 force their bits)
 *   u8 n, then n records writing guest RAM:
 *     0 u16 page, u16 index, u64 entry    64-bit entry at page[index % 512]
 *     1 u16 page, u16 index, u16 target, u8 flags
 *                                         64-bit entry -> RAM page `target`
 *     2 u16 page, u16 index, u32 entry    32-bit entry at page[index % 1024]
 *     3 u16 page, u16 index, u16 target, u16 flags
 *                                         32-bit entry -> RAM page `target`
 *     4 u16 page, u16 offset, u8 len, len bytes   raw bytes
 * fuzz_vm_clear_ram() undoes all of it afterwards.
 */
void fuzz_read_paging(struct fuzz_input *in, struct vm *vm, struct paging_regs *pr);

/*
 * A reference page walk, written from the Intel SDM (vol. 3, 4.3-4.5) apart
 * from host/core/paging.c, for the oracles: the gpa of gva under pr, reading
 * entries from guest RAM as it is now. False if gva is not mapped. Identical
 * semantics by design: present bits only, no permission or reserved-bit checks.
 */
bool fuzz_ref_translate(const struct vm *vm, const struct paging_regs *pr, uint64_t gva,
			uint64_t *gpa);

/* A temporary raw image of `sectors` sectors filled with a known pattern;
 * returns its path (static storage per slot 0..3); removed at exit. */
const char *fuzz_disk_image(int slot, uint32_t sectors);
/* The pattern byte at offset off of an image made above. */
uint8_t fuzz_disk_pattern(uint64_t off);
/* Aborts unless the image at path still has `sectors` sectors and, if
 * pristine, still holds exactly its pattern. Rewrites the pattern
 * otherwise (the next input starts from the same image). */
void fuzz_disk_check_and_reset(const char *path, uint32_t sectors, bool must_be_pristine);

#endif
