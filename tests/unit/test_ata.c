/*
 * Unit tests for the ATA controller, driven through its io_ops exactly as
 * the port bus would. Build from the repository root:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ihost/core -Ihost/devices \
 *      host/devices/ata.c host/devices/disk_image.c tests/unit/test_ata.c \
 *      -lcmocka -o /tmp/test_ata && /tmp/test_ata
 *
 * Expected values are written out by hand here (register numbers, bit
 * values, strings), not taken from the code under test.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ata.h"
#include "disk_image.h"

#define IMG_BYTES (256 * 1024) /* 512 sectors */

struct fx {
	char path[64];
	struct disk disk;
	struct ata *ata;
};

/* ---- image helpers ---- */

static void make_image(char *path, off_t size)
{
	strcpy(path, "/tmp/vmm-ata-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0); /* reads back as zeros */
	close(fd);
}

static void file_read(const char *path, off_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

static void file_write(const char *path, off_t off, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

static void assert_file_zero(const char *path, off_t off, size_t n)
{
	uint8_t *b = malloc(n);
	assert_non_null(b);
	file_read(path, off, b, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(b[i], 0);
	free(b);
}

/* Builds the fixture; on failure cleans up itself (cmocka then skips teardown). */
static int open_fx(void **state, off_t size, bool read_only)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	make_image(f->path, size);
	if (disk_open(&f->disk, f->path, read_only, err, sizeof(err)) == 0) {
		f->ata = ata_create(&f->disk);
		if (f->ata) {
			*state = f;
			return 0;
		}
		disk_close(&f->disk);
	}
	unlink(f->path);
	free(f);
	return -1;
}

static int setup(void **state)
{
	return open_fx(state, IMG_BYTES, false);
}

static int setup_ro(void **state)
{
	return open_fx(state, IMG_BYTES, true);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	ata_destroy(f->ata);
	disk_close(&f->disk);
	unlink(f->path);
	free(f);
	return 0;
}

/* ---- port helpers: absolute port numbers, as a guest would use ---- */

static uint64_t in(struct ata *a, uint16_t port, unsigned size)
{
	if (port == 0x3F6)
		return ata_ctl_ops.read(a, 0, size);
	assert_true(port >= 0x1F0 && port <= 0x1F7);
	return ata_cmd_ops.read(a, port - 0x1F0, size);
}

static void out(struct ata *a, uint16_t port, unsigned size, uint64_t v)
{
	if (port == 0x3F6) {
		ata_ctl_ops.write(a, 0, size, v);
		return;
	}
	assert_true(port >= 0x1F0 && port <= 0x1F7);
	ata_cmd_ops.write(a, port - 0x1F0, size, v);
}

static uint8_t inb(struct ata *a, uint16_t port) { return (uint8_t)in(a, port, 1); }
static uint16_t inw(struct ata *a, uint16_t port) { return (uint16_t)in(a, port, 2); }
static uint32_t inl(struct ata *a, uint16_t port) { return (uint32_t)in(a, port, 4); }
static void outb(struct ata *a, uint16_t port, uint8_t v) { out(a, port, 1, v); }
static void outw(struct ata *a, uint16_t port, uint16_t v) { out(a, port, 2, v); }
static void outl(struct ata *a, uint16_t port, uint32_t v) { out(a, port, 4, v); }

/* Issues an LBA28 command the way a PIO driver does. */
static void issue(struct ata *a, uint8_t cmd, uint32_t lba, uint8_t count)
{
	outb(a, 0x1F6, (uint8_t)(0xE0 | (lba >> 24 & 0x0F)));
	outb(a, 0x1F2, count);
	outb(a, 0x1F3, (uint8_t)lba);
	outb(a, 0x1F4, (uint8_t)(lba >> 8));
	outb(a, 0x1F5, (uint8_t)(lba >> 16));
	outb(a, 0x1F7, cmd);
}

/* Pattern byte for sector `lba`, byte `i`, distinct across sectors. */
static uint8_t pat(uint32_t lba, unsigned i)
{
	return (uint8_t)(i * 3 + lba * 17 + 1);
}

static void write_sector_words(struct ata *a, uint32_t lba)
{
	for (unsigned w = 0; w < 256; w++)
		outw(a, 0x1F0, (uint16_t)(pat(lba, 2 * w) | pat(lba, 2 * w + 1) << 8));
}

static void assert_file_sector(const char *path, uint32_t lba)
{
	uint8_t b[512];
	file_read(path, (off_t)lba * 512, b, 512);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(b[i], pat(lba, i));
}

/* ---- tests ---- */

static void test_power_on_signature(void **state)
{
	struct ata *a = ((struct fx *)*state)->ata;

	assert_int_equal(inb(a, 0x1F7), 0x50); /* DRDY | DSC */
	assert_int_equal(inb(a, 0x3F6), 0x50);
	assert_int_equal(inb(a, 0x1F1), 0x01);
	assert_int_equal(inb(a, 0x1F2), 0x01);
	assert_int_equal(inb(a, 0x1F3), 0x01);
	assert_int_equal(inb(a, 0x1F4), 0x00);
	assert_int_equal(inb(a, 0x1F5), 0x00);
	assert_int_equal(inb(a, 0x1F6), 0xA0);
}

static void test_registers_read_back(void **state)
{
	struct ata *a = ((struct fx *)*state)->ata;

	outb(a, 0x1F2, 0x12);
	outb(a, 0x1F3, 0x34);
	outb(a, 0x1F4, 0x56);
	outb(a, 0x1F5, 0x78);
	outb(a, 0x1F6, 0x4B); /* LBA, master, head 0xB: bits 7 and 5 read as 1 */
	assert_int_equal(inb(a, 0x1F2), 0x12);
	assert_int_equal(inb(a, 0x1F3), 0x34);
	assert_int_equal(inb(a, 0x1F4), 0x56);
	assert_int_equal(inb(a, 0x1F5), 0x78);
	assert_int_equal(inb(a, 0x1F6), 0xEB);
	/* A 16-bit read at 0x1F2 sees count and LBA low. */
	assert_int_equal(inw(a, 0x1F2), 0x3412);
}

static void test_identify(void **state)
{
	struct ata *a = ((struct fx *)*state)->ata;
	uint16_t id[256];
	uint8_t sum = 0;

	issue(a, 0xEC, 0, 0);
	assert_int_equal(inb(a, 0x1F7), 0x58); /* DRDY | DSC | DRQ */
	for (int i = 0; i < 256; i++)
		id[i] = inw(a, 0x1F0);
	assert_int_equal(inb(a, 0x1F7), 0x50); /* DRQ gone after 256 words */
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);

	assert_int_equal(id[0], 0x0040);
	assert_true(id[49] & (1 << 9));
	assert_int_equal(id[60], 512); /* 262144 bytes / 512 */
	assert_int_equal(id[61], 0);

	char model[41], serial[21], fw[9];
	for (int i = 0; i < 20; i++) {
		model[2 * i] = (char)(id[27 + i] >> 8);
		model[2 * i + 1] = (char)(id[27 + i] & 0xFF);
	}
	model[40] = 0;
	assert_string_equal(model, "VMM TEACHING DISK                       ");
	for (int i = 0; i < 10; i++) {
		serial[2 * i] = (char)(id[10 + i] >> 8);
		serial[2 * i + 1] = (char)(id[10 + i] & 0xFF);
	}
	serial[20] = 0;
	for (int i = 0; i < 20; i++)
		assert_true(serial[i] >= 0x20 && serial[i] < 0x7F);
	for (int i = 0; i < 4; i++) {
		fw[2 * i] = (char)(id[23 + i] >> 8);
		fw[2 * i + 1] = (char)(id[23 + i] & 0xFF);
	}
	fw[8] = 0;
	for (int i = 0; i < 8; i++)
		assert_true(fw[i] >= 0x20 && fw[i] < 0x7F);

	/* Word 255: A5h signature, and all 512 bytes sum to 0 mod 256. */
	assert_int_equal(id[255] & 0xFF, 0xA5);
	for (int i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
	assert_int_equal(sum, 0);
}

static void test_write_read_one_sector(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x30, 42, 1);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	write_sector_words(a, 42);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_int_equal(inb(a, 0x1F1), 0);
	assert_file_sector(f->path, 42);
	assert_file_zero(f->path, 41 * 512, 512);
	assert_file_zero(f->path, 43 * 512, 512);

	issue(a, 0x20, 42, 1);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	for (unsigned w = 0; w < 256; w++)
		assert_int_equal(inw(a, 0x1F0), pat(42, 2 * w) | pat(42, 2 * w + 1) << 8);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	const struct ata_stats *s = ata_get_stats(a);
	assert_int_equal(s->commands, 2);
	assert_int_equal(s->sectors_written, 1);
	assert_int_equal(s->sectors_read, 1);
	assert_int_equal(s->errors, 0);
}

/* Count 0 means 256 sectors; the retry variants 0x31/0x21 behave the same. */
static void test_multi_sector_count_zero(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x31, 100, 0);
	for (uint32_t s = 100; s < 356; s++) {
		assert_int_equal(inb(a, 0x1F7), 0x58);
		write_sector_words(a, s);
	}
	assert_int_equal(inb(a, 0x1F7), 0x50);
	for (uint32_t s = 100; s < 356; s++)
		assert_file_sector(f->path, s);
	assert_file_zero(f->path, 99 * 512, 512);
	assert_file_zero(f->path, 356 * 512, 512);

	issue(a, 0x21, 200, 3);
	for (uint32_t s = 200; s < 203; s++) {
		assert_int_equal(inb(a, 0x1F7), 0x58);
		for (unsigned w = 0; w < 256; w++)
			assert_int_equal(inw(a, 0x1F0), pat(s, 2 * w) | pat(s, 2 * w + 1) << 8);
	}
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_int_equal(ata_get_stats(a)->sectors_written, 256);
	assert_int_equal(ata_get_stats(a)->sectors_read, 3);
}

static void test_32bit_data(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;
	uint8_t b[512];

	issue(a, 0x30, 7, 1);
	for (unsigned i = 0; i < 512; i += 4) /* byte i of the sector = i % 256 */
		outl(a, 0x1F0, (uint32_t)(i & 0xFF) | (uint32_t)((i + 1) & 0xFF) << 8 |
				       (uint32_t)((i + 2) & 0xFF) << 16 |
				       (uint32_t)((i + 3) & 0xFF) << 24);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	file_read(f->path, 7 * 512, b, 512);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(b[i], i & 0xFF);

	issue(a, 0x20, 7, 1);
	assert_int_equal(inw(a, 0x1F0), 0x0100); /* mixing widths is fine */
	assert_int_equal(inl(a, 0x1F0), 0x05040302u);
	for (unsigned i = 6; i < 510; i += 4) {
		uint32_t want = (uint32_t)(i & 0xFF) | (uint32_t)((i + 1) & 0xFF) << 8 |
				(uint32_t)((i + 2) & 0xFF) << 16 | (uint32_t)((i + 3) & 0xFF) << 24;
		assert_int_equal(inl(a, 0x1F0), want);
	}
	/* Last word is 0xFFFE; the upper half of this dword is past DRQ. */
	assert_int_equal(inl(a, 0x1F0), 0xFFFFFFFEu);
	assert_int_equal(inb(a, 0x1F7), 0x50);
}

static void test_8bit_data_ignored(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;
	uint8_t b[512];

	for (unsigned i = 0; i < 512; i++)
		b[i] = (uint8_t)(0x80 + i);
	file_write(f->path, 9 * 512, b, 512);
	issue(a, 0x20, 9, 1);
	assert_int_equal(inb(a, 0x1F0), 0xFF);
	assert_int_equal(inw(a, 0x1F0), 0x8180); /* first word still pending */

	issue(a, 0x30, 10, 1);
	outb(a, 0x1F0, 0x55);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	for (int i = 0; i < 255; i++)
		outw(a, 0x1F0, 0x1111);
	assert_int_equal(inb(a, 0x1F7), 0x58); /* the byte write did not count */
	outw(a, 0x1F0, 0x1111);
	assert_int_equal(inb(a, 0x1F7), 0x50);
}

static void test_out_of_range_idnf(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x30, 510, 3); /* sectors 510, 511, 512: the last one is past the end */
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41); /* DRDY | ERR, no BSY/DRQ */
	assert_int_equal(inb(a, 0x1F1), 0x10);	      /* IDNF */
	for (int i = 0; i < 256; i++)
		outw(a, 0x1F0, 0xABCD); /* dropped: no transfer pending */
	assert_file_zero(f->path, 0, IMG_BYTES);

	issue(a, 0x20, 512, 1);
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41);
	assert_int_equal(inb(a, 0x1F1), 0x10);
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);

	issue(a, 0x20, 0x0FFFFFFF, 1); /* top of LBA28 */
	assert_int_equal(inb(a, 0x1F1), 0x10);

	/* The next good command clears the error. */
	issue(a, 0x20, 511, 1);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	assert_int_equal(inb(a, 0x1F1), 0);
	assert_int_equal(ata_get_stats(a)->errors, 3);
}

static void test_unknown_command(void **state)
{
	struct ata *a = ((struct fx *)*state)->ata;

	outb(a, 0x1F7, 0xC4); /* READ MULTIPLE: not offered */
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41);
	assert_int_equal(inb(a, 0x1F1), 0x04);
	outb(a, 0x1F7, 0x00); /* NOP always aborts */
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41);
	assert_int_equal(inb(a, 0x1F1), 0x04);
}

static void test_accepted_commands(void **state)
{
	struct ata *a = ((struct fx *)*state)->ata;
	const uint8_t cmds[] = { 0xE7, 0xEF, 0x91 };

	for (size_t i = 0; i < sizeof(cmds); i++) {
		outb(a, 0x1F7, 0xC4); /* leave an error behind first */
		outb(a, 0x1F1, 0x03); /* SET FEATURES subcommand: transfer mode */
		outb(a, 0x1F7, cmds[i]);
		assert_int_equal(inb(a, 0x1F7), 0x50);
		assert_int_equal(inb(a, 0x1F1), 0);
	}
}

static void test_chs_aborts(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	outb(a, 0x1F6, 0xA0); /* bit 6 clear: CHS */
	outb(a, 0x1F2, 1);
	outb(a, 0x1F3, 1);
	outb(a, 0x1F4, 0);
	outb(a, 0x1F5, 0);
	outb(a, 0x1F7, 0x30);
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41);
	assert_int_equal(inb(a, 0x1F1), 0x04);
	for (int i = 0; i < 256; i++)
		outw(a, 0x1F0, 0x7777);
	assert_file_zero(f->path, 0, IMG_BYTES);
}

static void test_read_only_write(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;
	struct stat before, after;

	assert_int_equal(stat(f->path, &before), 0);
	issue(a, 0x30, 3, 1);
	assert_int_equal(inb(a, 0x1F7) & 0xC9, 0x41);
	assert_int_equal(inb(a, 0x1F1), 0x04);
	for (int i = 0; i < 256; i++)
		outw(a, 0x1F0, 0x5A5A);
	assert_file_zero(f->path, 0, IMG_BYTES);
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(after.st_size, IMG_BYTES);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

	/* Reads still work. */
	issue(a, 0x20, 3, 1);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	assert_int_equal(inw(a, 0x1F0), 0);
}

static void test_partial_sector_dropped(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;
	uint8_t b[512];

	for (unsigned i = 0; i < 512; i++)
		b[i] = pat(7, i);
	file_write(f->path, 7 * 512, b, 512);

	issue(a, 0x30, 5, 1);
	for (int i = 0; i < 120; i++)
		outw(a, 0x1F0, 0xBEEF);
	issue(a, 0x20, 7, 1); /* aborts the write, runs the read */
	assert_int_equal(inb(a, 0x1F7), 0x58);
	for (unsigned w = 0; w < 256; w++)
		assert_int_equal(inw(a, 0x1F0), pat(7, 2 * w) | pat(7, 2 * w + 1) << 8);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_file_zero(f->path, 5 * 512, 512);
	assert_int_equal(ata_get_stats(a)->sectors_written, 0);

	/* Likewise a pending read is abandoned by a new write. */
	issue(a, 0x20, 7, 2);
	(void)inw(a, 0x1F0);
	issue(a, 0x30, 6, 1);
	write_sector_words(a, 6);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_file_sector(f->path, 6);
}

static void test_data_read_during_write(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x30, 20, 1);
	for (unsigned w = 0; w < 10; w++)
		outw(a, 0x1F0, (uint16_t)(pat(20, 2 * w) | pat(20, 2 * w + 1) << 8));
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);
	assert_int_equal(inl(a, 0x1F0), 0xFFFFFFFFu);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	for (unsigned w = 10; w < 255; w++)
		outw(a, 0x1F0, (uint16_t)(pat(20, 2 * w) | pat(20, 2 * w + 1) << 8));
	assert_int_equal(inb(a, 0x1F7), 0x58); /* one word still owed */
	assert_file_zero(f->path, 20 * 512, 512);
	outw(a, 0x1F0, (uint16_t)(pat(20, 510) | pat(20, 511) << 8));
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_file_sector(f->path, 20);
}

static void test_data_write_without_command(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	for (int i = 0; i < 600; i++)
		outw(a, 0x1F0, 0x1234);
	outl(a, 0x1F0, 0x12345678);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);
	assert_file_zero(f->path, 0, IMG_BYTES);
}

static void test_taskfile_change_mid_transfer(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x30, 30, 2);
	write_sector_words(a, 30);
	/* Retarget the task file halfway: LBA 300, count 5. */
	outb(a, 0x1F2, 5);
	outb(a, 0x1F3, 0x2C);
	outb(a, 0x1F4, 0x01);
	outb(a, 0x1F6, 0xE0);
	assert_int_equal(inb(a, 0x1F7), 0x58);
	write_sector_words(a, 31);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_file_sector(f->path, 30);
	assert_file_sector(f->path, 31);
	assert_file_zero(f->path, 32 * 512, 512);
	assert_file_zero(f->path, 300 * 512, 5 * 512);
}

static void test_slave_absent(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	outb(a, 0x1F6, 0xF0); /* LBA, device 1 */
	assert_int_equal(inb(a, 0x1F7), 0x00);
	assert_int_equal(inb(a, 0x3F6), 0x00);
	outb(a, 0x1F2, 1);
	outb(a, 0x1F3, 0);
	outb(a, 0x1F7, 0x30); /* ignored */
	for (int i = 0; i < 256; i++)
		outw(a, 0x1F0, 0x9999);
	outb(a, 0x1F7, 0xEC); /* ignored */
	assert_int_equal(inb(a, 0x1F7), 0x00);
	assert_file_zero(f->path, 0, IMG_BYTES);

	outb(a, 0x1F6, 0xE0); /* back to the master: idle, nothing pending */
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);
	assert_int_equal(ata_get_stats(a)->commands, 0);
}

static void test_no_drive(void **state)
{
	(void)state;
	struct ata *a = ata_create(NULL);

	assert_non_null(a);
	assert_int_equal(inb(a, 0x1F7), 0x00);
	assert_int_equal(inb(a, 0x3F6), 0x00);
	issue(a, 0xEC, 0, 1);
	assert_int_equal(inb(a, 0x1F7), 0x00);
	assert_int_equal(inw(a, 0x1F0), 0xFFFF);
	issue(a, 0x30, 0, 1);
	outw(a, 0x1F0, 1);
	ata_destroy(a);
}

static void test_software_reset(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;

	issue(a, 0x30, 50, 2);
	for (int i = 0; i < 200; i++)
		outw(a, 0x1F0, 0x4242);
	outb(a, 0x1F6, 0xE5);
	outb(a, 0x3F6, 0x04 | 0x02); /* SRST (and nIEN) */
	assert_int_equal(inb(a, 0x3F6), 0x80); /* BSY while held */
	assert_int_equal(inb(a, 0x1F7), 0x80);
	outb(a, 0x1F7, 0xEC); /* ignored while busy */
	outb(a, 0x3F6, 0x00);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_int_equal(inb(a, 0x3F6), 0x50);
	assert_int_equal(inb(a, 0x1F1), 0x01);
	assert_int_equal(inb(a, 0x1F2), 0x01);
	assert_int_equal(inb(a, 0x1F3), 0x01);
	assert_int_equal(inb(a, 0x1F4), 0x00);
	assert_int_equal(inb(a, 0x1F5), 0x00);
	assert_int_equal(inb(a, 0x1F6), 0xA0);
	assert_int_equal(inw(a, 0x1F0), 0xFFFF); /* the IDENTIFY never ran */
	assert_int_equal(ata_get_stats(a)->commands, 1);

	/* The aborted transfer is gone: more data is dropped, nothing written. */
	for (int i = 0; i < 512; i++)
		outw(a, 0x1F0, 0x4242);
	assert_int_equal(inb(a, 0x1F7), 0x50);
	assert_file_zero(f->path, 0, IMG_BYTES);

	/* And the drive works afterwards. */
	issue(a, 0x30, 50, 1);
	write_sector_words(a, 50);
	assert_file_sector(f->path, 50);
}

/*
 * The course's PIO write, verbatim in shape: poll until BSY clear and DRDY
 * set, program the task file, command 0x30, poll again, 256 x outw of a
 * buffer whose byte i is i % 256.
 */
static int poll_ready(struct ata *a)
{
	for (int tries = 0; tries < 1000; tries++)
		if ((inb(a, 0x1F7) & 0xC0) == 0x40)
			return 0;
	return -1;
}

static void course_write(struct ata *a, uint32_t lba)
{
	uint8_t buf[512];
	for (int i = 0; i < 512; i++)
		buf[i] = (uint8_t)(i % 256);

	assert_int_equal(poll_ready(a), 0);
	outb(a, 0x1F2, 1);
	outb(a, 0x1F3, (uint8_t)lba);
	outb(a, 0x1F4, (uint8_t)(lba >> 8));
	outb(a, 0x1F5, (uint8_t)(lba >> 16));
	outb(a, 0x1F6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	outb(a, 0x1F7, 0x30);
	assert_int_equal(poll_ready(a), 0);
	assert_true(inb(a, 0x1F7) & 0x08);
	for (int i = 0; i < 256; i++)
		outw(a, 0x1F0, (uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8));
	assert_int_equal(poll_ready(a), 0);
	assert_int_equal(inb(a, 0x1F7) & 0x09, 0); /* no DRQ, no ERR */
}

static void assert_course_sector(const char *path, uint32_t lba)
{
	uint8_t b[512];
	file_read(path, (off_t)lba * 512, b, 512);
	for (int i = 0; i < 512; i++)
		assert_int_equal(b[i], i % 256);
}

static void test_course_sequence(void **state)
{
	struct fx *f = *state;

	course_write(f->ata, 77);
	assert_course_sector(f->path, 77);
	assert_file_zero(f->path, 76 * 512, 512);
	assert_file_zero(f->path, 78 * 512, 512);
}

/* LBA bits 27:24 come from the device register: needs a big sparse image. */
#define HIGH_LBA 0x0ABCDEF1u

static int setup_big(void **state)
{
	return open_fx(state, (off_t)(HIGH_LBA + 2) * 512, false);
}

static void test_course_sequence_high_lba(void **state)
{
	struct fx *f = *state;
	struct ata *a = f->ata;
	uint16_t id[256];

	course_write(a, HIGH_LBA);
	assert_course_sector(f->path, HIGH_LBA);
	assert_file_zero(f->path, (off_t)(HIGH_LBA & 0x00FFFFFF) * 512, 512);

	/* IDENTIFY words 60-61 = HIGH_LBA + 2 = 0x0ABCDEF3 sectors. */
	issue(a, 0xEC, 0, 1);
	for (int i = 0; i < 256; i++)
		id[i] = inw(a, 0x1F0);
	assert_int_equal(id[60], 0xDEF3);
	assert_int_equal(id[61], 0x0ABC);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_RO(fn) cmocka_unit_test_setup_teardown(fn, setup_ro, teardown)
	const struct CMUnitTest tests[] = {
		T(test_power_on_signature),
		T(test_registers_read_back),
		T(test_identify),
		T(test_write_read_one_sector),
		T(test_multi_sector_count_zero),
		T(test_32bit_data),
		T(test_8bit_data_ignored),
		T(test_out_of_range_idnf),
		T(test_unknown_command),
		T(test_accepted_commands),
		T(test_chs_aborts),
		T_RO(test_read_only_write),
		T(test_partial_sector_dropped),
		T(test_data_read_during_write),
		T(test_data_write_without_command),
		T(test_taskfile_change_mid_transfer),
		T(test_slave_absent),
		cmocka_unit_test(test_no_drive),
		T(test_software_reset),
		T(test_course_sequence),
		cmocka_unit_test_setup_teardown(test_course_sequence_high_lba, setup_big, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
