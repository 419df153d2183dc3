/*
 * The disk benchmark's guest (bench/disk_bench.sh): writes BENCH_SECTORS
 * sectors from LBA 0 in the way the last word of the Multiboot command line
 * names, then exits through isa-debug-exit (status 1), in vmm or QEMU alike.
 *   none   only the start-up and IDENTIFY: the baseline subtracted from the rest
 *   outw   emulated ATA, one command per sector, one outw per 16 bits
 *   outsw  emulated ATA, one command per sector, rep outsw
 *   pv1    PV disk, one DISK_WRITE per sector
 *   pvq    PV disk queue, one request per sector, each waited for (no exit)
 *   pvn    PV disk, one DISK_WRITE for all the sectors
 * On vmm the guest times the writes itself (kvmclock, GET_TIMESTAMP) and
 * prints "ns=..."; in QEMU those hypercalls do nothing and it prints 0, and
 * the script times the whole process instead.
 * The data is the same 512-byte pattern for the one-sector variants; pvn
 * writes a 5 MB region of untouched (zero) RAM, since filling it would cost
 * the emulated guest seconds and time nothing of interest.
 */
#include <stdint.h>

#include "ata.h"
#include "hypercall.h"
#include "ide_pv.h"
#include "ide_queue.h"
#include "multiboot.h"
#include "printf.h"
#include "string.h"

#define BENCH_SECTORS 10000
#define BIG_BUFFER ((const void *)(uintptr_t)0x400000) /* 4 MiB: free RAM */

static uint8_t sector[512] __attribute__((aligned(16)));

int main(uint32_t magic, uint32_t info)
{
	char word[16];
	const char *mode = multiboot_last_word(magic, info, word, sizeof(word));
	static uint16_t id[256];
	int rc = ata_identify(id);
	if (rc < 0 || ata_identify_sectors(id) < BENCH_SECTORS) {
		printf("bench_disk: need a disk of %d sectors (%d)\n", BENCH_SECTORS, rc);
		return 2;
	}
	for (int i = 0; i < 512; i++)
		sector[i] = (uint8_t)i;
	rc = 0;
	if (strcmp(mode, "pvq") == 0 && (rc = ide_queue_init()) < 0) {
		printf("bench_disk: no disk queue (%d)\n", rc);
		return 2;
	}
	rc = 0;
	unsigned long long start = hc_gettimestamp();
	if (strcmp(mode, "outw") == 0 || strcmp(mode, "outsw") == 0) {
		enum ata_pio how = mode[3] == 's' ? ATA_PIO_STRING16 : ATA_PIO_LOOP16;
		for (uint32_t lba = 0; lba < BENCH_SECTORS && rc == 0; lba++)
			rc = ata_write(lba, 1, sector, how);
	} else if (strcmp(mode, "pv1") == 0) {
		for (uint32_t lba = 0; lba < BENCH_SECTORS && rc == 0; lba++)
			rc = ide_pv_write(lba, 1, sector);
	} else if (strcmp(mode, "pvq") == 0) {
		for (uint32_t lba = 0; lba < BENCH_SECTORS; lba++)
			if ((rc = ide_queue_write(lba, 1, sector)) != 0)
				break;
	} else if (strcmp(mode, "pvn") == 0) {
		rc = ide_pv_write(0, BENCH_SECTORS, BIG_BUFFER);
	} else if (strcmp(mode, "none") != 0) {
		printf("bench_disk: unknown mode '%s'\n", mode);
		return 2;
	}
	unsigned long long end = hc_gettimestamp();
	printf("bench_disk: %s rc=%d ns=%llu\n", mode, rc, end - start);
	return rc ? 3 : 0;
}
