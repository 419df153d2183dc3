/*
 * Fuzz target "ata": the emulated ATA controller (host/devices/ata.c)
 * driven through its port handlers by a script, as the port bus would.
 *
 * Input: u8 drive (% 3: none, read-write image, read-only image), then
 * steps until the input ends, each a u8 op:
 *	bits 0-3  0-7: a command-block register (0x1F0 + n), 8: device
 *	          control / alternate status (0x3F6), 9: write one whole sector
 *	          (256 16-bit data writes of u16 v, v+1, ...), 10: read one whole
 *	          sector (256 data reads), 11: a full command (u8 count, u32 LBA
 *	          with the device byte on top, u8 command: regs 2-7 in order),
 *	          12-15: nothing
 *	bits 4-5  access size 1, 2, 4 or 8 bytes
 *	bit 6     write (u32 value follows) or read
 * The image is a temporary file of 64 sectors holding a known pattern.
 * Invariants: the status register only ever reads one of the documented
 * values (0 for no drive or device 1, 0x80 in reset, 0x50, 0x51, 0x58), the
 * image never changes size (nothing is written past its end), a read-only
 * image is never written (its bytes, and the controller's own count), and
 * no drive means nothing is read or written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ata.h"
#include "disk_image.h"
#include "fuzz_common.h"

#define SECTORS 64

static struct disk disks[2]; /* read-write, read-only */
static const char *paths[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	for (int i = 0; i < 2; i++) {
		char err[256];
		paths[i] = fuzz_disk_image(i, SECTORS);
		if (disk_open(&disks[i], paths[i], i == 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "fuzz: %s\n", err);
			abort();
		}
	}
	return 0;
}

static void check_status(uint8_t status, bool drive)
{
	bool documented = status == 0 || status == 0x80 || status == 0x50 || status == 0x51 ||
			  status == 0x58;
	FUZZ_CHECK(documented && (drive || status == 0 || status == 0x80),
		   "status 0x%02x (%s drive)", status, drive ? "with a" : "no");
}

static uint64_t port_read(struct ata *ata, unsigned reg, unsigned size, bool drive)
{
	uint64_t v = reg == 8 ? ata_ctl_ops.read(ata, 0, size) : ata_cmd_ops.read(ata, reg, size);
	/* Status, directly or as the byte of a wider access that covers it. */
	if (reg == 8)
		check_status((uint8_t)v, drive);
	else if (reg != 0 && reg + size > 7)
		check_status((uint8_t)(v >> (8 * (7 - reg))), drive);
	return v;
}

static void port_write(struct ata *ata, unsigned reg, unsigned size, uint64_t v)
{
	if (reg == 8)
		ata_ctl_ops.write(ata, 0, size, v);
	else
		ata_cmd_ops.write(ata, reg, size, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	int which = fuzz_u8(&in) % 3; /* 0: none, 1: rw, 2: ro */
	struct disk *disk = which ? &disks[which - 1] : NULL;
	bool drive = disk != NULL;
	struct ata *ata = ata_create(disk);
	FUZZ_CHECK(ata, "ata_create failed");

	while (in.left) {
		uint8_t op = fuzz_u8(&in);
		unsigned reg = op & 15, width = 1u << ((op >> 4) & 3);
		bool write = op & 0x40;
		if (reg <= 8) {
			if (write)
				port_write(ata, reg, width, fuzz_u32(&in));
			else
				port_read(ata, reg, width, drive);
		} else if (reg == 9) {
			uint16_t v = fuzz_u16(&in);
			for (unsigned i = 0; i < 256; i++)
				port_write(ata, 0, 2, (uint16_t)(v + i));
		} else if (reg == 10) {
			for (unsigned i = 0; i < 256; i++)
				port_read(ata, 0, 2, drive);
		} else if (reg == 11) {
			uint8_t count = fuzz_u8(&in);
			uint32_t lba = fuzz_u32(&in);
			uint8_t cmd = fuzz_u8(&in);
			port_write(ata, 2, 1, count);
			for (unsigned i = 0; i < 4; i++)
				port_write(ata, 3 + i, 1, (uint8_t)(lba >> (8 * i)));
			port_write(ata, 7, 1, cmd);
		}
	}

	const struct ata_stats *st = ata_get_stats(ata);
	FUZZ_CHECK(drive || (st->sectors_read == 0 && st->sectors_written == 0),
		   "no drive, yet %llu sectors read, %llu written", (unsigned long long)st->sectors_read,
		   (unsigned long long)st->sectors_written);
	FUZZ_CHECK(which != 2 || st->sectors_written == 0, "%llu sectors written to a read-only image",
		   (unsigned long long)st->sectors_written);
	ata_destroy(ata);
	if (drive)
		fuzz_disk_check_and_reset(paths[which - 1], SECTORS, which == 2);
	return 0;
}
