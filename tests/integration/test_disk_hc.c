/*
 * The PV disk hypercalls (DISK_READ/WRITE/INFO) at library level: a VM with a
 * disk attached through disk_device_attach, request blocks placed in guest
 * RAM, one doorbell per run. Checks the ABI's promises: statuses, no partial
 * effect on the image or guest memory for a bad request, any count in one
 * exit, read-only and absent disks.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "disk_device.h"
#include "test_vm.h"

#define MEM (8u << 20)
#define BLOCK 0x3000
#define BUF 0x10000
#define SECTORS 8192 /* a 4 MiB image */

/* 32-bit code: mov eax, BLOCK; mov dx, 0xABBA; out dx, eax; hlt. Kept here
 * as bytes so that this test does not depend on the shared snippets. */
static const uint8_t doorbell[] = {
	0xB8, BLOCK & 0xFF, (BLOCK >> 8) & 0xFF, 0, 0, 0x66, 0xBA, 0xBA, 0xAB, 0xEF, 0xF4,
};

struct fixture {
	char path[64];
	int fd; /* our own view of the image file */
	struct vm *vm;
};

/* A VM with a zeroed image of SECTORS sectors (or none) attached. */
static struct fixture *setup(bool with_disk, bool read_only)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->path, "/tmp/test_disk_hc.XXXXXX");
	f->fd = mkstemp(f->path);
	assert_true(f->fd >= 0);
	assert_int_equal(ftruncate(f->fd, SECTORS * 512), 0);
	f->vm = test_vm_create(MEM);
	char err[256];
	assert_int_equal(disk_device_attach(f->vm, with_disk ? f->path : NULL, read_only, err,
					    sizeof(err)), 0);
	return f;
}

static void teardown(struct fixture *f)
{
	vm_destroy(f->vm);
	close(f->fd);
	unlink(f->path);
	free(f);
}

/* Runs one hypercall; returns its status, *ret its result. */
static int call(struct fixture *f, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t *ret)
{
	struct hc_request *req = vm_gpa_ptr(f->vm, BLOCK, sizeof(*req));
	*req = (struct hc_request){ .nr = nr, .status = 0x5a5a5a5a, .arg = { a0, a1, a2, 0 } };
	test_vm_load(f->vm, MODE_PROTECTED, (struct snippet){ doorbell, doorbell + sizeof(doorbell) });
	assert_int_equal(test_vm_run(f->vm, 20, NULL), STOP_HALT);
	if (ret)
		*ret = req->ret;
	return req->status;
}

static uint8_t *guest(struct fixture *f, uint64_t gpa, uint64_t len)
{
	uint8_t *p = vm_gpa_ptr(f->vm, gpa, len);
	assert_non_null(p);
	return p;
}

static bool file_is_zero(struct fixture *f)
{
	static uint8_t buf[SECTORS * 512];
	assert_int_equal(pread(f->fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i])
			return false;
	return true;
}

static void test_info(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint64_t ret;
	assert_int_equal(call(f, HC_DISK_INFO, 0, 0, 0, &ret), HC_OK);
	assert_int_equal(ret, SECTORS);
	teardown(f);
}

static void test_write_read_back(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint8_t *src = guest(f, BUF, 3 * 512);
	for (int i = 0; i < 3 * 512; i++)
		src[i] = (uint8_t)(i * 7);
	assert_int_equal(call(f, HC_DISK_WRITE, 10, BUF, 3, NULL), HC_OK);
	uint8_t file[3 * 512];
	assert_int_equal(pread(f->fd, file, sizeof(file), 10 * 512), (ssize_t)sizeof(file));
	assert_memory_equal(file, src, sizeof(file));
	assert_int_equal(call(f, HC_DISK_READ, 10, BUF + 0x10000, 3, NULL), HC_OK);
	assert_memory_equal(guest(f, BUF + 0x10000, sizeof(file)), file, sizeof(file));
	teardown(f);
}

/* 4 MiB in one call: several host pieces, one exit. */
static void test_large_count_one_exit(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint8_t *src = guest(f, 0x100000, SECTORS * 512);
	for (uint32_t i = 0; i < SECTORS * 512; i++)
		src[i] = (uint8_t)(i >> 9) ^ (uint8_t)i;
	uint64_t before = f->vm->stats.exits;
	assert_int_equal(call(f, HC_DISK_WRITE, 0, 0x100000, SECTORS, NULL), HC_OK);
	assert_int_equal(f->vm->stats.exits - before, 2); /* the out, then hlt */
	static uint8_t file[SECTORS * 512];
	assert_int_equal(pread(f->fd, file, sizeof(file), 0), (ssize_t)sizeof(file));
	assert_memory_equal(file, src, sizeof(file));
	teardown(f);
}

static void test_out_of_range(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	memset(guest(f, BUF, 2 * 512), 0xAB, 2 * 512);
	assert_int_equal(call(f, HC_DISK_WRITE, SECTORS, BUF, 1, NULL), HC_EINVAL);
	assert_int_equal(call(f, HC_DISK_WRITE, SECTORS - 1, BUF, 2, NULL), HC_EINVAL);
	assert_int_equal(call(f, HC_DISK_WRITE, UINT64_MAX, BUF, 2, NULL), HC_EINVAL);
	assert_int_equal(call(f, HC_DISK_WRITE, 1, BUF, UINT64_MAX, NULL), HC_EINVAL);
	assert_int_equal(call(f, HC_DISK_READ, SECTORS - 1, BUF, 2, NULL), HC_EINVAL);
	assert_int_equal(guest(f, BUF, 1)[0], 0xAB); /* nothing read */
	assert_true(file_is_zero(f));
	teardown(f);
}

/* Buffers not wholly in guest RAM: -EFAULT, and neither the image nor the
 * part of guest memory that was valid changes. */
static void test_wild_buffers(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint64_t tail = MEM - 512; /* last sector of RAM; the next one is not RAM */
	memset(guest(f, tail, 512), 0xCD, 512);
	assert_int_equal(call(f, HC_DISK_WRITE, 0, tail, 2, NULL), HC_EFAULT);
	assert_int_equal(call(f, HC_DISK_WRITE, 0, 0xFFFFF000, 1, NULL), HC_EFAULT);
	assert_int_equal(call(f, HC_DISK_WRITE, 0, UINT64_MAX - 100, 1, NULL), HC_EFAULT);
	assert_true(file_is_zero(f));
	/* Make sector 0 non-zero, then read it over the edge of RAM. */
	assert_int_equal(pwrite(f->fd, "x", 1, 0), 1);
	assert_int_equal(call(f, HC_DISK_READ, 0, tail, 2, NULL), HC_EFAULT);
	assert_int_equal(guest(f, tail, 1)[0], 0xCD);
	teardown(f);
}

static void test_read_only(void **state)
{
	(void)state;
	struct fixture *f = setup(true, true);
	assert_int_equal(call(f, HC_DISK_WRITE, 0, BUF, 1, NULL), HC_EIO);
	assert_int_equal(call(f, HC_DISK_READ, 0, BUF, 1, NULL), HC_OK);
	assert_true(file_is_zero(f));
	teardown(f);
}

static void test_no_disk(void **state)
{
	(void)state;
	struct fixture *f = setup(false, false);
	uint64_t ret = 1;
	assert_int_equal(call(f, HC_DISK_INFO, 0, 0, 0, &ret), HC_ENODEV);
	assert_int_equal(ret, 0);
	assert_int_equal(call(f, HC_DISK_READ, 0, BUF, 1, NULL), HC_ENODEV);
	assert_int_equal(call(f, HC_DISK_WRITE, 0, BUF, 1, NULL), HC_ENODEV);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_large_count_one_exit),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_wild_buffers),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_no_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
