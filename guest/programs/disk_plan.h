/*
 * What the disk test guests share: the data pattern, the "wide" test plan
 * (first and last sector, a run of consecutive sectors, multi-sector
 * commands, read back) and the choice of test. test_disk_emul.c runs it on
 * the ATA driver, test_disk_pv.c on the PV driver; both must leave the same
 * image, equal to the one tests/tools/mkdiskref.py builds from the same
 * rules (restated there, not shared: the tool must be independent).
 *
 * Pattern of the wide test: byte j of sector s is byte j of s (little-endian)
 * for j < 4, else (j + 3 * s) mod 256.
 * Course pattern: byte i of each sector is i mod 256.
 */
#ifndef DISK_PLAN_H
#define DISK_PLAN_H

#include <stdint.h>

#include "io.h"
#include "multiboot.h"
#include "printf.h"
#include "string.h"

#define SECTOR 512
#define MAX_SECTORS_PER_CALL 256

/* A driver as the plan sees it. `how` picks a transfer method (the ATA
 * driver's enum ata_pio), ignored by the PV driver. */
struct disk_ops {
	long long (*sectors)(void);
	int (*write)(uint32_t lba, uint32_t count, const void *buffer, int how);
	int (*read)(uint32_t lba, uint32_t count, void *buffer, int how);
	int (*flush)(void);
};

static uint8_t plan_buffer[MAX_SECTORS_PER_CALL * SECTOR] __attribute__((aligned(16)));
static int plan_failures;

static void wide_fill(uint32_t lba, uint32_t count, uint8_t *buffer)
{
	for (uint32_t s = 0; s < count; s++)
		for (uint32_t j = 0; j < SECTOR; j++)
			buffer[s * SECTOR + j] = j < 4 ? (uint8_t)((lba + s) >> (8 * j))
						       : (uint8_t)(j + 3 * (lba + s));
}

static int wide_check(uint32_t lba, uint32_t count, const uint8_t *buffer)
{
	for (uint32_t s = 0; s < count; s++)
		for (uint32_t j = 0; j < SECTOR; j++) {
			uint8_t want = j < 4 ? (uint8_t)((lba + s) >> (8 * j))
					     : (uint8_t)(j + 3 * (lba + s));
			if (buffer[s * SECTOR + j] != want)
				return 0;
		}
	return 1;
}

static void report(const char *what, int rc)
{
	if (rc == 0) {
		printf("%s: ok\n", what);
		return;
	}
	printf("%s: FAILED (%d)\n", what, rc);
	plan_failures++;
}

static void wide_write(const struct disk_ops *ops, const char *what, uint32_t lba,
		       uint32_t count, int how)
{
	wide_fill(lba, count, plan_buffer);
	report(what, ops->write(lba, count, plan_buffer, how));
}

static void wide_verify(const struct disk_ops *ops, const char *what, uint32_t lba,
			uint32_t count, int how)
{
	memset(plan_buffer, 0xEE, count * SECTOR);
	int rc = ops->read(lba, count, plan_buffer, how);
	if (rc == 0 && !wide_check(lba, count, plan_buffer))
		rc = 1;
	report(what, rc);
}

/* The wide test; returns the number of failures. Methods rotate through
 * 0..2 so that every transfer style is exercised. */
static int wide_test(const struct disk_ops *ops)
{
	long long n = ops->sectors();
	printf("wide: disk of %lld sectors\n", n);
	if (n < 1024) {
		printf("wide: need at least 1024 sectors\n");
		return 1;
	}
	uint32_t last = (uint32_t)n - 1;
	wide_write(ops, "wide: write first sector", 0, 1, 0);
	wide_write(ops, "wide: write last sector", last, 1, 1);
	int rc = 0;
	for (uint32_t s = 1; s <= 16 && rc == 0; s++) {
		wide_fill(s, 1, plan_buffer);
		rc = ops->write(s, 1, plan_buffer, (int)(s % 3));
	}
	report("wide: write sectors 1-16 one by one", rc);
	wide_write(ops, "wide: write sectors 100-107 in one command", 100, 8, 2);
	wide_write(ops, "wide: write sectors 512-767 in one command", 512, 256, 1);
	report("wide: flush", ops->flush());

	wide_verify(ops, "wide: read first sector", 0, 1, 1);
	wide_verify(ops, "wide: read last sector", last, 1, 0);
	wide_verify(ops, "wide: read sectors 1-16 in one command", 1, 16, 1);
	wide_verify(ops, "wide: read sectors 100-107", 100, 8, 0);
	wide_verify(ops, "wide: read sectors 512-767", 512, 256, 2);
	/* The image starts zeroed: an unwritten sector reads as zeros. */
	memset(plan_buffer, 0xEE, 4 * SECTOR);
	rc = ops->read(20, 4, plan_buffer, 1);
	for (int i = 0; i < 4 * SECTOR && rc == 0; i++)
		if (plan_buffer[i])
			rc = 1;
	report("wide: unwritten sectors 20-23 read as zeros", rc);
	printf("wide: done, %d failures\n", plan_failures);
	return plan_failures;
}

/* The test to run: a word of the Multiboot command line if there is one,
 * else "course" on the course's 256 KiB image and "wide" on anything else. */
static const char *plan_choose(uint32_t magic, uint32_t info_address, long long sectors)
{
	static char word[32];
	multiboot_last_word(magic, info_address, word, sizeof(word));
	if (strcmp(word, "course") == 0 || strcmp(word, "wide") == 0 ||
	    strcmp(word, "identify") == 0 || strcmp(word, "errors") == 0 ||
	    strcmp(word, "ro") == 0 || strcmp(word, "kill") == 0 ||
	    strcmp(word, "qwide") == 0 || strcmp(word, "qkill") == 0)
		return word;
	return sectors == 512 ? "course" : "wide";
}

/* For "kill": spin, not hlt (hlt would stop the VM and flush). */
static __attribute__((noreturn)) void spin_forever(void)
{
	for (;;)
		cpu_relax();
}

#endif
