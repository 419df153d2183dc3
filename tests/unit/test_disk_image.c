/*
 * Unit tests for the raw disk image layer. Build from the repository root:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ihost/core -Ihost/devices \
 *      host/devices/disk_image.c host/devices/disk_lock.c tests/unit/test_disk_image.c -lcmocka \
 *      -o /tmp/test_disk_image && /tmp/test_disk_image
 */
#include <errno.h>
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

#include "disk_image.h"

/* Creates a temporary file of `size` bytes, each byte = fill. */
static void make_file(char *path, size_t size, uint8_t fill)
{
	strcpy(path, "/tmp/vmm-disk-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	uint8_t *b = malloc(size ? size : 1);
	assert_non_null(b);
	memset(b, fill, size);
	assert_int_equal(write(fd, b, size), (ssize_t)size);
	free(b);
	close(fd);
}

/* Reads the whole file back; the caller frees. */
static uint8_t *slurp(const char *path, size_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*size = (size_t)st.st_size;
	uint8_t *b = malloc(*size ? *size : 1);
	assert_non_null(b);
	assert_int_equal(pread(fd, b, *size, 0), (ssize_t)*size);
	close(fd);
	return b;
}

/* Pins the mtime to a fixed past instant so any write would show. */
static void pin_mtime(const char *path)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void assert_untouched(const char *path, size_t size, uint8_t fill)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)size);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	assert_int_equal(st.st_mtim.tv_nsec, 0);
	size_t n;
	uint8_t *b = slurp(path, &n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(b[i], fill);
	free(b);
}

static void test_open_valid(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;

	make_file(path, 256 * 1024, 0);
	assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), 0);
	assert_int_equal(disk_sectors(&d), 512); /* 262144 / 512 */
	assert_false(d.read_only);
	assert_int_equal(disk_flush(&d), 0);
	disk_close(&d);
	assert_int_equal(d.fd, -1);
	disk_close(&d); /* idempotent */
	unlink(path);
}

static void test_wrong_size(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;

	make_file(path, 1000, 0x5A);
	pin_mtime(path);
	assert_true(disk_open(&d, path, false, err, sizeof(err)) < 0);
	assert_int_equal(d.fd, -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "1000"));
	assert_non_null(strstr(err, "multiple of 512"));
	assert_null(strchr(err, '\n'));
	assert_untouched(path, 1000, 0x5A);
	unlink(path);
}

static void test_zero_size(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;

	make_file(path, 0, 0);
	pin_mtime(path);
	assert_true(disk_open(&d, path, false, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "empty"));
	assert_untouched(path, 0, 0);
	unlink(path);
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[256] = "";
	struct disk d;
	const char *path = "/tmp/vmm-disk-does-not-exist-91827";

	unlink(path);
	assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(access(path, F_OK), -1); /* not created */
}

static void test_directory_rejected(void **state)
{
	(void)state;
	char err[256] = "";
	struct disk d;

	assert_true(disk_open(&d, "/tmp", true, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "/tmp"));
}

/* A FIFO would block open() until a writer came: refused at once instead.
 * The alarm turns a regression into a failure, not a hang. */
static void test_fifo_rejected(void **state)
{
	(void)state;
	char path[64] = "/tmp/vmm-disk-fifo-XXXXXX", err[256] = "";
	struct disk d;

	assert_non_null(mkdtemp(path));
	strcat(path, "/fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), -EINVAL);
	assert_int_equal(disk_open(&d, path, true, err, sizeof(err)), -EINVAL);
	alarm(0);
	assert_non_null(strstr(err, "not a regular file or block device"));
	assert_int_equal(d.fd, -1);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

/* 1 if another open file holds a lock on the byte. */
static int byte_locked(const char *path, off_t byte)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
	close(fd);
	return fl.l_type != F_UNLCK;
}

/* One writer excludes every other user; after it closes, the image is free.
 * (OFD locks conflict between two opens in one process as between two
 * processes.) */
static void test_writer_excludes_others(void **state)
{
	(void)state;
	char path[64], err[512] = "", want[512];
	struct disk writer, other;

	make_file(path, 4096, 0x5a);
	assert_int_equal(disk_open(&writer, path, false, err, sizeof(err)), 0);
	pin_mtime(path);
	assert_int_equal(disk_open(&other, path, false, err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want),
		 "disk image %s is in use by another process; use -disk %s,ro to share it read-only",
		 path, path);
	assert_string_equal(err, want);
	assert_int_equal(other.fd, -1);
	assert_int_equal(disk_open(&other, path, true, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "in use by another process"));
	/* QEMU's bytes: it uses read (100) and write (101), denies write (201). */
	assert_true(byte_locked(path, 100) && byte_locked(path, 101) && byte_locked(path, 201));
	assert_false(byte_locked(path, 200));
	disk_close(&writer);
	assert_untouched(path, 4096, 0x5a);
	assert_false(byte_locked(path, 0) || byte_locked(path, 101));
	assert_int_equal(disk_open(&other, path, false, err, sizeof(err)), 0);
	disk_close(&other);
	unlink(path);
}

static void test_readers_share(void **state)
{
	(void)state;
	char path[64], err[512] = "";
	struct disk r1, r2, w;

	make_file(path, 4096, 0x11);
	pin_mtime(path);
	assert_int_equal(disk_open(&r1, path, true, err, sizeof(err)), 0);
	assert_int_equal(disk_open(&r2, path, true, err, sizeof(err)), 0);
	assert_int_equal(disk_open(&w, path, false, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "use -disk"));
	/* A reader uses read (100) and denies write (201); it does not write. */
	assert_true(byte_locked(path, 100) && byte_locked(path, 201));
	assert_false(byte_locked(path, 101));
	disk_close(&r1);
	assert_int_equal(disk_open(&w, path, false, err, sizeof(err)), -EBUSY);
	disk_close(&r2);
	assert_untouched(path, 4096, 0x11);
	assert_int_equal(disk_open(&w, path, false, err, sizeof(err)), 0);
	disk_close(&w);
	unlink(path);
}

static void test_null_err_buffer(void **state)
{
	(void)state;
	struct disk d;

	assert_int_equal(disk_open(&d, "/tmp/vmm-disk-nope-5551", false, NULL, 0), -ENOENT);
}

static void test_read_only(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;
	uint8_t buf[1024];

	make_file(path, 4096, 0x33);
	assert_int_equal(chmod(path, 0444), 0);
	pin_mtime(path);
	assert_int_equal(disk_open(&d, path, true, err, sizeof(err)), 0);
	assert_true(d.read_only);
	assert_int_equal(disk_sectors(&d), 8);
	assert_int_equal(disk_read(&d, 6, 2, buf), 0);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(buf[i], 0x33);
	memset(buf, 0xEE, sizeof(buf));
	assert_int_equal(disk_write(&d, 0, 1, buf), -EROFS);
	disk_close(&d);
	assert_untouched(path, 4096, 0x33);

	/* Read-write open of a 0444 file must fail cleanly (root bypasses modes). */
	if (geteuid() != 0) {
		assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), -EACCES);
		assert_non_null(strstr(err, "Permission denied"));
		assert_untouched(path, 4096, 0x33);
	}
	unlink(path);
}

static void test_out_of_range(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;
	uint8_t buf[1024];

	make_file(path, 4096, 0); /* 8 sectors: LBA 0..7 */
	pin_mtime(path);
	assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), 0);
	assert_int_equal(disk_read(&d, 8, 1, buf), -EINVAL);
	assert_int_equal(disk_read(&d, 7, 2, buf), -EINVAL);
	assert_int_equal(disk_read(&d, UINT64_MAX, 2, buf), -EINVAL);
	assert_int_equal(disk_read(&d, 7, 1, buf), 0);
	memset(buf, 0xAB, sizeof(buf));
	assert_int_equal(disk_write(&d, 7, 2, buf), -EINVAL);
	assert_int_equal(disk_write(&d, UINT64_MAX - 1, 2, buf), -EINVAL);
	disk_close(&d);
	assert_untouched(path, 4096, 0);
	unlink(path);
}

static void test_write_through(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	struct disk d;
	uint8_t w[1024], r[1024];

	make_file(path, 4096, 0);
	assert_int_equal(disk_open(&d, path, false, err, sizeof(err)), 0);
	for (int i = 0; i < 1024; i++)
		w[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(disk_write(&d, 3, 2, w), 0);

	/* Visible through an independent descriptor before any flush or close. */
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, r, 1024, 3 * 512), 1024);
	close(fd);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(r[i], (uint8_t)(i * 7 + 3));

	memset(r, 0, sizeof(r));
	assert_int_equal(disk_read(&d, 3, 2, r), 0);
	assert_memory_equal(r, w, 1024);
	assert_int_equal(disk_read(&d, 2, 1, r), 0);
	for (int i = 0; i < 512; i++)
		assert_int_equal(r[i], 0);
	disk_close(&d);
	unlink(path);
}

/* Sparse files: 2^28 sectors is the limit, one more is refused. */
static char big_path[64];

static int unlink_big(void **state)
{
	(void)state;
	unlink(big_path);
	return 0;
}

static void test_lba28_limit(void **state)
{
	(void)state;
	char *path = big_path, err[256] = "";
	struct disk d;

	make_file(path, 0, 0);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	if (ftruncate(fd, (off_t)268435456 * 512) != 0) {
		close(fd);
		skip();
	}
	assert_int_equal(disk_open(&d, path, true, err, sizeof(err)), 0);
	assert_int_equal(disk_sectors(&d), 268435456);
	disk_close(&d);

	assert_int_equal(ftruncate(fd, (off_t)268435457 * 512), 0);
	close(fd);
	assert_true(disk_open(&d, path, false, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "268435457"));
	assert_non_null(strstr(err, "LBA28"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_valid),
		cmocka_unit_test(test_wrong_size),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_rejected),
		cmocka_unit_test(test_null_err_buffer),
		cmocka_unit_test(test_fifo_rejected),
		cmocka_unit_test(test_writer_excludes_others),
		cmocka_unit_test(test_readers_share),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_write_through),
		cmocka_unit_test_teardown(test_lba28_limit, unlink_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
