/*
 * Disk tests on the emulated ATA controller, through the SDK's polling PIO
 * driver (ata.h) and, for the course's exercise, raw port I/O. The test is
 * chosen by plan_choose() (disk_plan.h):
 *   course    the course's exercise on a 256 KiB image: six passes over eight
 *             sectors, four of them malformed on purpose
 *   wide      the shared wide test (the one compared with QEMU)
 *   identify  prints the IDENTIFY DEVICE fields a driver uses
 *   errors    out-of-range LBA, unknown command, absent slave, stray data reads
 *   ro        a write to a read-only disk must fail, a read must work
 *   kill      writes sector 7, says so, and spins until killed
 * Flat builds return the failure count (vmm exits with it); Multiboot builds
 * return it to isa-debug-exit, so the exit status is 2 * failures + 1.
 */
#include <stdint.h>

#include "ata.h"
#include "disk_plan.h"
#include "io.h"

/* ---- the course's exercise ---- */

static const uint32_t course_sectors[] = { 307, 71, 511, 17, 147, 31, 219, 0 };
static uint16_t course_data[256];

/* The course's poll: wait for BSY clear and DRDY set (status & 0xC0 == 0x40).
 * Bounded so that a broken controller fails the test instead of hanging. */
static void course_poll(void)
{
	for (long i = 0; i < 1000000 && (inb(0x1F7) & 0xC0) != 0x40; i++)
		continue;
}

enum course_pass {
	PASS_SHORT,	    /* only 120 of 256 words sent */
	PASS_BAD_COMMAND,   /* command 0x60 instead of 0x30 */
	PASS_CORRECT,	    /* the course's routine */
	PASS_STRAY_PORT,    /* an out to port 0x50 before the command */
	PASS_COUNT_IN_1F1,  /* sector count written to 0x1F1 (features) */
	PASS_DATA_FOR_POLL, /* a data-port read instead of each status poll */
};

static void course_write(enum course_pass pass, uint32_t lba)
{
	if (pass == PASS_DATA_FOR_POLL)
		(void)inw(0x1F0);
	else
		course_poll();
	outb(pass == PASS_COUNT_IN_1F1 ? 0x1F1 : 0x1F2, 1);
	outb(0x1F3, (uint8_t)lba);
	outb(0x1F4, (uint8_t)(lba >> 8));
	outb(0x1F5, (uint8_t)(lba >> 16));
	outb(0x1F6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	if (pass == PASS_STRAY_PORT)
		outb(0x50, 0x5A);
	outb(0x1F7, pass == PASS_BAD_COMMAND ? 0x60 : 0x30);
	if (pass == PASS_DATA_FOR_POLL)
		(void)inw(0x1F0);
	else
		course_poll();
	int words = pass == PASS_SHORT ? 120 : 256;
	for (int i = 0; i < words; i++)
		outw(0x1F0, course_data[i]);
}

static int course_test(void)
{
	/* byte i = i mod 256, as little-endian words */
	for (int i = 0; i < 256; i++)
		course_data[i] = (uint16_t)(((2 * i) & 0xFF) | ((2 * i + 1) & 0xFF) << 8);
	for (int pass = PASS_SHORT; pass <= PASS_DATA_FOR_POLL; pass++) {
		for (unsigned i = 0; i < sizeof(course_sectors) / sizeof(course_sectors[0]); i++)
			course_write((enum course_pass)pass, course_sectors[i]);
		printf("course: pass %d done\n", pass + 1);
	}
	course_poll();
	printf("course: done\n");
	return 0;
}

/* ---- the ATA driver as the wide plan wants it ---- */

static long long emul_sectors(void)
{
	static uint16_t id[256];
	int rc = ata_identify(id);
	return rc < 0 ? rc : (long long)ata_identify_sectors(id);
}

static int emul_write(uint32_t lba, uint32_t count, const void *buffer, int how)
{
	return ata_write(lba, count, buffer, (enum ata_pio)how);
}

static int emul_read(uint32_t lba, uint32_t count, void *buffer, int how)
{
	return ata_read(lba, count, buffer, (enum ata_pio)how);
}

static const struct disk_ops emul_ops = { emul_sectors, emul_write, emul_read, ata_flush };

/* ---- single-purpose tests driven by tests/integration/disk.sh ---- */

static int identify_test(void)
{
	static uint16_t id[256];
	char text[48];
	int rc = ata_identify(id);
	printf("identify: status %d\n", rc);
	if (rc < 0)
		return 1;
	printf("identify: sectors %u\n", (unsigned)ata_identify_sectors(id));
	ata_identify_string(id, 27, 20, text);
	printf("identify: model '%s'\n", text);
	ata_identify_string(id, 10, 10, text);
	printf("identify: serial '%s'\n", text);
	printf("identify: word0 0x%04x lba %s\n", id[0], (id[49] & 0x200) ? "yes" : "no");
	uint8_t sum = 0;
	for (int i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
	printf("identify: signature 0x%02x checksum %s\n", id[255] & 0xFF, sum ? "bad" : "ok");
	return 0;
}

static void show_error(const char *what)
{
	printf("errors: %s: status 0x%02x error 0x%02x\n", what, inb(ATA_PORT_STATUS),
	       inb(ATA_PORT_ERROR));
}

static int errors_test(uint32_t sectors)
{
	static uint8_t sector[SECTOR];
	memset(sector, 0xAB, sizeof(sector));
	printf("errors: write at lba %u gives %d\n", (unsigned)sectors,
	       ata_write(sectors, 1, sector, ATA_PIO_STRING16));
	printf("errors: write 2 at lba %u gives %d\n", (unsigned)(sectors - 1),
	       ata_write(sectors - 1, 2, sector, ATA_PIO_STRING16));
	printf("errors: read at lba %u gives %d\n", (unsigned)sectors,
	       ata_read(sectors, 1, sector, ATA_PIO_STRING16));
	/* An LBA28 address beyond any small image, with its high nibble set. */
	printf("errors: read at lba 0x0FFFFFFF gives %d\n",
	       ata_read(0x0FFFFFFF, 1, sector, ATA_PIO_STRING16));
	ata_command(0x60, 0, 1);
	ata_wait_idle();
	show_error("unknown command 0x60");
	ata_command(0xC8, 0, 1); /* READ DMA: no DMA on this drive */
	ata_wait_idle();
	show_error("command 0xc8");
	printf("errors: data port when idle 0x%04x\n", inw(ATA_PORT_DATA));
	outb(ATA_PORT_DEVICE, 0xF0); /* the slave, which does not exist */
	printf("errors: slave status 0x%02x\n", inb(ATA_PORT_STATUS));
	outb(ATA_PORT_DEVICE, 0xE0);
	printf("errors: master status 0x%02x\n", inb(ATA_PORT_STATUS));
	printf("errors: write after errors gives %d\n", ata_write(3, 1, sector, ATA_PIO_LOOP16));
	return 0;
}

static int ro_test(void)
{
	static uint8_t sector[SECTOR];
	memset(sector, 0x5A, sizeof(sector));
	printf("ro: write gives %d\n", ata_write(5, 1, sector, ATA_PIO_STRING16));
	printf("ro: read gives %d\n", ata_read(5, 1, sector, ATA_PIO_STRING16));
	return 0;
}

static int kill_test(void)
{
	wide_fill(7, 1, plan_buffer);
	int rc = ata_write(7, 1, plan_buffer, ATA_PIO_STRING16);
	printf("kill: sector 7 written (%d)\n", rc);
	spin_forever();
}

int main(uint32_t magic, uint32_t info)
{
	long long sectors = emul_sectors();
	const char *test = plan_choose(magic, info, sectors);
	if (strcmp(test, "identify") == 0)
		return identify_test();
	if (sectors < 0) {
		printf("no disk (%lld)\n", sectors);
		return 1;
	}
	if (strcmp(test, "course") == 0)
		return course_test();
	if (strcmp(test, "errors") == 0)
		return errors_test((uint32_t)sectors);
	if (strcmp(test, "ro") == 0)
		return ro_test();
	if (strcmp(test, "kill") == 0)
		return kill_test();
	return wide_test(&emul_ops);
}
