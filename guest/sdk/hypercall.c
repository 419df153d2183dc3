#include <stddef.h>

#include "debug_exit.h"
#include "hypercall.h"
#include "io.h"
#include "string.h"

int hypercall_submit(struct hc_request *request, uint32_t request_phys)
{
	outl(VMM_HC_PORT, request_phys);
	/* outl clobbers "memory", so this reads what the VMM wrote. */
	return request->status;
}

int hypercall(unsigned int nr, unsigned long long arg0,
	      unsigned long long arg1, unsigned long long arg2,
	      unsigned long long arg3, unsigned long long *ret)
{
	/* On the stack so that nested or concurrent callers never share a
	 * block; struct hc_request carries the 8-byte alignment. status is
	 * preset to a failure so that running without vmm (e.g. in QEMU,
	 * where the out goes nowhere) does not look like success. */
	struct hc_request request = {
		.nr = nr,
		.status = HC_ENOSYS,
		.arg = { arg0, arg1, arg2, arg3 },
		.ret = 0,
	};
	int status = hypercall_submit(&request, (uint32_t)(uintptr_t)&request);

	if (ret)
		*ret = request.ret;
	return status;
}

/* Pointers go to the VMM as guest-virtual addresses, zero-extended. */
static unsigned long long gva(const void *pointer)
{
	return (unsigned long long)(uintptr_t)pointer;
}

int hc_print8bit(uint8_t byte)
{
	return hypercall(HC_PRINT8, byte, 0, 0, 0, NULL);
}

int hc_print32bit(uint32_t value)
{
	return hypercall(HC_PRINT32, value, 0, 0, 0, NULL);
}

int hc_print64(unsigned long long value)
{
	return hypercall(HC_PRINT64, value, 0, 0, 0, NULL);
}

int hc_printstr(const char *s)
{
	return hypercall(HC_PRINTSTR, gva(s), 0, 0, 0, NULL);
}

unsigned long long hc_numexits(void)
{
	unsigned long long exits = 0;

	hypercall(HC_NUM_EXITS, 0, 0, 0, 0, &exits);
	return exits;
}

unsigned long long hc_gvatohva(const void *address)
{
	unsigned long long hva = 0;

	if (hypercall(HC_GVA_TO_HVA, gva(address), 0, 0, 0, &hva) != HC_OK)
		return 0;
	return hva;
}

unsigned long long hc_gettimestamp(void)
{
	unsigned long long nanoseconds = 0;

	hypercall(HC_GET_TIMESTAMP, 0, 0, 0, 0, &nanoseconds);
	return nanoseconds;
}

int hc_exit(int status)
{
	return hypercall(HC_EXIT, (unsigned)status & 0xff, 0, 0, 0, NULL);
}

/* What vmm puts in CPUID leaf 0x40000000 (host/core/cpuid.h). */
#define HYPERVISOR_CPUID_LEAF 0x40000000u
#define VMM_SIGNATURE "vmmvmmvmmvmm"

static void cpuid(uint32_t leaf, uint32_t regs[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
			 : "a"(leaf), "c"(0));
}

int hc_on_vmm(void)
{
	uint32_t regs[4];

	cpuid(1, regs);
	if (!(regs[2] & (1u << 31))) /* no hypervisor: leaf 0x40000000 is not one */
		return 0;
	cpuid(HYPERVISOR_CPUID_LEAF, regs);
	return memcmp(&regs[1], VMM_SIGNATURE, 12) == 0; /* EBX, ECX, EDX */
}

void guest_exit(int status)
{
	if (hc_on_vmm())
		hc_exit(status);
	debug_exit((uint32_t)status);
}

/* The calls that return a count give either the count or the status. */
static long long count_or_status(int status, unsigned long long count)
{
	return status != HC_OK ? status : (long long)count;
}

long long hc_memmap(struct hc_memmap_entry *entries, uint32_t max_entries)
{
	unsigned long long total = 0;
	int status = hypercall(HC_MEMMAP, gva(entries), max_entries, 0, 0,
			       &total);

	return count_or_status(status, total);
}

int hc_vga_write(uint32_t first_cell, const uint16_t *cells, uint32_t count)
{
	return hypercall(HC_VGA_WRITE, first_cell, gva(cells), count, 0, NULL);
}

int hc_disk_read(unsigned long long lba, void *buffer, uint32_t sectors)
{
	return hypercall(HC_DISK_READ, lba, gva(buffer), sectors, 0, NULL);
}

int hc_disk_write(unsigned long long lba, const void *buffer, uint32_t sectors)
{
	return hypercall(HC_DISK_WRITE, lba, gva(buffer), sectors, 0, NULL);
}

long long hc_disk_info(void)
{
	unsigned long long sectors = 0;
	int status = hypercall(HC_DISK_INFO, 0, 0, 0, 0, &sectors);

	return count_or_status(status, sectors);
}
