/*
 * vmm hypercalls (ABI in include/vmm/abi.h): one 32-bit out to port 0xABBA
 * carrying the physical address of a 48-byte request block.
 *
 * Wrappers that produce a value return it directly; the ones that can fail
 * in a way a guest may want to see return the status (0 or a negative
 * HC_E* errno), or for counts the count, or a negative status.
 * 64-bit values are (unsigned) long long, as in <vmm/abi.h>, so that %llx
 * prints them in every mode (uint64_t is unsigned long in 64-bit code).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <vmm/abi.h>

/*
 * Rings the doorbell for a block the caller filled in. request_phys is the
 * block's guest-physical address; a guest with paging on whose mapping is not
 * the identity must pass it itself. Returns request->status.
 */
int hypercall_submit(struct hc_request *request, uint32_t request_phys);

/* The generic call. Assumes virtual == physical for the stack (true for all
 * SDK entry modes). *ret receives the result if ret is not NULL. */
int hypercall(unsigned int nr, unsigned long long arg0,
	      unsigned long long arg1, unsigned long long arg2,
	      unsigned long long arg3, unsigned long long *ret);

int hc_print8bit(uint8_t byte);
int hc_print32bit(uint32_t value);
int hc_print64(unsigned long long value);
int hc_printstr(const char *s);

/* Exits so far of this vCPU, not counting NUM_EXITS calls. */
unsigned long long hc_numexits(void);
/* Host virtual address backing gva (full 64 bits), 0 if not mapped. */
unsigned long long hc_gvatohva(const void *gva);
/* kvmclock, nanoseconds. */
unsigned long long hc_gettimestamp(void);

/* Stops the VM: vmm exits with status & 0xff. Returns only if the call
 * failed (e.g. not running on vmm), with the status. */
int hc_exit(int status);

/* Nonzero when the guest runs on vmm: CPUID says a hypervisor is present
 * (leaf 1, ECX bit 31) and its leaf 0x40000000 holds vmm's signature
 * "vmmvmmvmmvmm" (host/core/cpuid.h). */
int hc_on_vmm(void);

/* Fills up to max_entries; returns the total number of entries (may exceed
 * max_entries) or a negative status. */
long long hc_memmap(struct hc_memmap_entry *entries, uint32_t max_entries);

int hc_vga_write(uint32_t first_cell, const uint16_t *cells, uint32_t count);
int hc_disk_read(unsigned long long lba, void *buffer, uint32_t sectors);
int hc_disk_write(unsigned long long lba, const void *buffer, uint32_t sectors);
/* Sectors of the disk, or a negative status (HC_ENODEV: no disk). */
long long hc_disk_info(void);

#endif
