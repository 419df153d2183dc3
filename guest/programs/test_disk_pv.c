/*
 * Disk tests on vmm's paravirtualized disk (ide_pv.h, hypercalls 9-11, and
 * the disk queue, ide_queue.h). The same choice of tests as
 * test_disk_emul.c (see disk_plan.h):
 *   course    the course's eight sectors, with the PV counterparts of the
 *             malformed passes (a wild buffer, a request running past the
 *             end), which must change nothing
 *   wide      the shared wide test: the image must equal the emulated one
 *   errors    statuses for out-of-range, wild and huge requests
 *   ro        a write to a read-only disk fails with -EIO, a read works
 *   kill      writes sector 7, says so, and spins until killed
 *   qwide     the wide test through the disk queue
 *   qkill     kill, through the disk queue
 * Without -disk every call answers -ENODEV (printed, then exit 1).
 */
#include <stdint.h>

#include "disk_plan.h"
#include "hypercall.h"
#include "ide_pv.h"
#include "ide_queue.h"

static const uint32_t course_sectors[] = { 307, 71, 511, 17, 147, 31, 219, 0 };

/* Far outside any guest RAM vmm gives (at most 3 GiB). */
#define WILD_POINTER ((const void *)(uintptr_t)0xFFFFF000u)

static int course_test(void)
{
	static uint8_t sector[SECTOR];
	for (int i = 0; i < SECTOR; i++)
		sector[i] = (uint8_t)i;
	int bad = 0;
	for (unsigned i = 0; i < sizeof(course_sectors) / sizeof(course_sectors[0]); i++) {
		uint32_t lba = course_sectors[i];
		bad += ide_pv_write(lba, 1, WILD_POINTER) != HC_EFAULT;
		bad += ide_pv_write(lba, 512 - lba + 1, sector) != HC_EINVAL;
		bad += ide_pv_write(lba, 1, sector) != HC_OK;
	}
	printf("course: done, %d failures\n", bad);
	return bad;
}

static int pv_write(uint32_t lba, uint32_t count, const void *buffer, int how)
{
	(void)how;
	return ide_pv_write(lba, count, buffer);
}

static int pv_read(uint32_t lba, uint32_t count, void *buffer, int how)
{
	(void)how;
	return ide_pv_read(lba, count, buffer);
}

/* Nothing to do: every PV write is already in the image file when the call
 * returns, and vmm fdatasyncs it when the VM stops. Kept so that both
 * drivers print the same lines. */
static int pv_flush(void)
{
	return 0;
}

static const struct disk_ops pv_ops = { ide_pv_sectors, pv_write, pv_read, pv_flush };

static int queue_write(uint32_t lba, uint32_t count, const void *buffer, int how)
{
	(void)how;
	return ide_queue_write(lba, count, buffer);
}

static int queue_read(uint32_t lba, uint32_t count, void *buffer, int how)
{
	(void)how;
	return ide_queue_read(lba, count, buffer);
}

static const struct disk_ops queue_ops = { ide_pv_sectors, queue_write, queue_read, ide_queue_flush };

static int errors_test(uint32_t sectors)
{
	static uint8_t sector[2 * SECTOR];
	unsigned long long ret;
	printf("errors: write at lba %u gives %d\n", (unsigned)sectors,
	       ide_pv_write(sectors, 1, sector));
	printf("errors: write 2 at lba %u gives %d\n", (unsigned)(sectors - 1),
	       ide_pv_write(sectors - 1, 2, sector));
	printf("errors: read at lba %u gives %d\n", (unsigned)sectors,
	       ide_pv_read(sectors, 1, sector));
	printf("errors: read to a wild buffer gives %d\n", ide_pv_read(0, 1, (void *)WILD_POINTER));
	/* The buffer's first sector is ours, the second one is not mapped. */
	printf("errors: write from a half-wild buffer gives %d\n",
	       ide_pv_write(0, 2, (const uint8_t *)WILD_POINTER - SECTOR));
	printf("errors: huge lba gives %d\n",
	       hypercall(HC_DISK_WRITE, 1ull << 40, (uintptr_t)sector, 1, 0, &ret));
	printf("errors: huge count gives %d\n",
	       hypercall(HC_DISK_READ, 0, (uintptr_t)sector, ~0ull, 0, &ret));
	printf("errors: zero count gives %d\n", ide_pv_write(0, 0, sector));
	printf("errors: write after errors gives %d\n", ide_pv_write(3, 1, sector));
	return 0;
}

static int ro_test(void)
{
	static uint8_t sector[SECTOR];
	printf("ro: write gives %d\n", ide_pv_write(5, 1, sector));
	printf("ro: read gives %d\n", ide_pv_read(5, 1, sector));
	return 0;
}

static int kill_test(const struct disk_ops *ops)
{
	wide_fill(7, 1, plan_buffer);
	int rc = ops->write(7, 1, plan_buffer, 0);
	printf("kill: sector 7 written (%d)\n", rc);
	spin_forever();
}

int main(uint32_t magic, uint32_t info)
{
	long long sectors = ide_pv_sectors();
	if (sectors < 0) {
		static uint8_t sector[SECTOR];
		printf("no disk (%lld), read gives %d\n", sectors, ide_pv_read(0, 1, sector));
		return 1;
	}
	const char *test = plan_choose(magic, info, sectors);
	if (strcmp(test, "course") == 0)
		return course_test();
	if (strcmp(test, "errors") == 0)
		return errors_test((uint32_t)sectors);
	if (strcmp(test, "ro") == 0)
		return ro_test();
	if (strcmp(test, "kill") == 0)
		return kill_test(&pv_ops);
	if (test[0] == 'q') {
		int rc = ide_queue_init();
		if (rc < 0) {
			printf("no disk queue (%d)\n", rc);
			return 1;
		}
		return strcmp(test, "qkill") == 0 ? kill_test(&queue_ops) : wide_test(&queue_ops);
	}
	return wide_test(&pv_ops);
}
