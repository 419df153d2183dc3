/*
 * The PV disk at library level: a VM with a disk attached through
 * disk_device_attach, request blocks and queues placed in guest RAM by the
 * test. Checks the ABI's promises for the hypercalls (DISK_READ/WRITE/INFO)
 * and the disk queue (HC_DISK_QUEUE + doorbell): statuses, no partial effect
 * on the image or guest memory for a bad request, any count in one exit, no
 * exit per queued request, read-only and absent disks, a guest that breaks
 * the queue protocol.
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
#define QUEUE 0x4000

SNIPPET_DECLARE(disk_queue_run);

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

/*
 * A DISK_READ whose buffer holds the guest's own page table (defect 1 of
 * issue 9). Long mode with the test's tables: virtual OWN_VA + i * 4 KiB is
 * page-table entry i of OWN_PT; entry 0 maps the table itself and entries
 * 1..511 map the physical pages OWN_DATA + (i - 1) * 4 KiB. The read covers
 * all 512 pages, so its first 4 KiB rewrite the table: the image's sector 0
 * carries the same table except that entry `moved` points past guest RAM.
 * vmm must translate the whole buffer before the first byte lands: the read
 * completes against the mapping at the time of the call, so the bytes after
 * the first page land in OWN_DATA, where the old entries pointed.
 */
#define OWN_PML4 0x20000
#define OWN_PT 0x24000
#define OWN_VA 0x40000000ull
#define OWN_DATA 0x400000
#define OWN_BYTES (512 * 4096)
#define PAST_RAM (1ull << 40)

SNIPPET_DECLARE(hypercall_own_cr3);

static void build_own_tables(struct fixture *f, uint64_t *pt)
{
	uint64_t *pml4 = (uint64_t *)guest(f, OWN_PML4, 5 * 4096);
	memset(pml4, 0, 5 * 4096);
	uint64_t *pdpt = pml4 + 512, *pd0 = pml4 + 1024, *pd1 = pml4 + 1536;
	pml4[0] = (OWN_PML4 + 0x1000) | 3;
	pdpt[0] = (OWN_PML4 + 0x2000) | 3; /* first GiB: identity, 2 MiB pages */
	for (uint64_t i = 0; i < 512; i++)
		pd0[i] = (i << 21) | 0x83;
	pdpt[1] = (OWN_PML4 + 0x3000) | 3; /* OWN_VA: the 4 KiB table OWN_PT */
	pd1[0] = OWN_PT | 3;
	pt[0] = OWN_PT | 3;
	for (uint64_t i = 1; i < 512; i++)
		pt[i] = (OWN_DATA + (i - 1) * 4096) | 3;
	memcpy(guest(f, OWN_PT, 4096), pt, 4096);
}

static void read_over_own_page_table(unsigned moved)
{
	struct fixture *f = setup(true, false);
	uint64_t table[512];
	build_own_tables(f, table);
	static uint8_t image[OWN_BYTES];
	for (uint32_t i = 0; i < OWN_BYTES; i++)
		image[i] = (uint8_t)(i * 7) ^ (uint8_t)(i >> 12);
	table[moved] = PAST_RAM | 3;
	memcpy(image, table, sizeof(table));
	assert_int_equal(pwrite(f->fd, image, OWN_BYTES, 0), OWN_BYTES);

	struct hc_request *req = (struct hc_request *)guest(f, BLOCK, sizeof(*req));
	*req = (struct hc_request){ .nr = HC_DISK_READ, .status = 0x5a5a5a5a,
				    .arg = { 0, OWN_VA, OWN_BYTES / 512, 0 } };
	test_vm_load(f->vm, MODE_LONG, SNIPPET(hypercall_own_cr3));
	struct kvm_regs regs;
	assert_int_equal(vm_get_regs(f->vm, &regs), 0);
	regs.rax = OWN_PML4, regs.rbx = BLOCK;
	assert_int_equal(vm_set_regs(f->vm, &regs), 0);
	/* Before the fix vmm wrote through NULL here (exit 139). */
	assert_int_equal(test_vm_run(f->vm, 20, NULL), STOP_HALT);
	assert_int_equal(req->status, HC_OK);
	/* The table got sector 0..7, the old mapping's pages the rest. */
	assert_memory_equal(guest(f, OWN_PT, 4096), image, 4096);
	assert_memory_equal(guest(f, OWN_DATA, OWN_BYTES - 4096), image + 4096, OWN_BYTES - 4096);
	teardown(f);
}

/* The next page's entry moves: one host piece (the crash of defect 1). */
static void test_read_over_own_page_table(void **state)
{
	(void)state;
	read_over_own_page_table(1);
}

/* An entry in the second 1 MiB host piece moves: still the old mapping, and
 * no -EFAULT after the first piece has landed. */
static void test_read_over_own_page_table_later_piece(void **state)
{
	(void)state;
	read_over_own_page_table(300);
}

/* The queue, as the guest sees it. */
static struct disk_queue *queue(struct fixture *f)
{
	return (struct disk_queue *)guest(f, QUEUE, sizeof(struct disk_queue));
}

/* Fills the i-th slot after those already submitted, as a driver would. */
static void put(struct fixture *f, unsigned i, unsigned op, uint64_t lba, uint64_t buffer,
		uint32_t count)
{
	struct disk_queue *q = queue(f);
	q->slot[(q->submitted + i) % DISK_QUEUE_SLOTS] = (struct disk_queue_slot){
		.op = op, .status = 0x5a5a5a5a, .lba = lba, .buffer = buffer, .count = count,
	};
}

static void assert_image_sector(struct fixture *f, uint64_t lba, const uint8_t *expected)
{
	uint8_t sector[512];
	assert_int_equal(pread(f->fd, sector, 512, (off_t)(lba * 512)), 512);
	assert_memory_equal(sector, expected, 512);
}

static int slot_status(struct fixture *f, unsigned i)
{
	return queue(f)->slot[i % DISK_QUEUE_SLOTS].status;
}

/* disk_queue_run's flags (EDI). */
#define RUN_NO_WAIT 0
#define RUN_WAIT 1
#define RUN_NO_DOORBELL 2

/* Runs disk_queue_run: registers the queue at gpa, publishes n slots, rings
 * the doorbell and waits for them, as flags say. Returns HC_DISK_QUEUE's
 * status and its ret (1: doorbells cost no exit) in *no_exit. */
static int run_queue(struct fixture *f, uint64_t gpa, unsigned n, unsigned flags, uint64_t *no_exit)
{
	struct hc_request *req = (struct hc_request *)guest(f, BLOCK, sizeof(*req));
	*req = (struct hc_request){ .nr = HC_DISK_QUEUE, .status = 0x5a5a5a5a, .arg = { gpa } };
	test_vm_load(f->vm, MODE_PROTECTED, SNIPPET(disk_queue_run));
	struct kvm_regs regs;
	assert_int_equal(vm_get_regs(f->vm, &regs), 0);
	regs.rax = BLOCK, regs.rsi = QUEUE, regs.rbx = n, regs.rdi = flags;
	assert_int_equal(vm_set_regs(f->vm, &regs), 0);
	assert_int_equal(test_vm_run(f->vm, 20, NULL), STOP_HALT);
	if (no_exit)
		*no_exit = req->ret;
	return req->status;
}

/* Write, read back and flush in one batch, served in order, with no exit
 * for the doorbell when the host has ioeventfd. */
static void test_queue_write_read_flush(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint8_t *src = guest(f, BUF, 2 * 512);
	for (int i = 0; i < 2 * 512; i++)
		src[i] = (uint8_t)(i * 13 + 1);
	memset(guest(f, BUF + 0x1000, 2 * 512), 0xEE, 2 * 512);
	put(f, 0, DISK_OP_WRITE, 100, BUF, 2);
	put(f, 1, DISK_OP_READ, 100, BUF + 0x1000, 2);
	put(f, 2, DISK_OP_FLUSH, 0, 0, 0);
	uint64_t before = f->vm->stats.exits, no_exit = 7;
	assert_int_equal(run_queue(f, QUEUE, 3, RUN_WAIT, &no_exit), HC_OK);
	assert_true(no_exit == 0 || no_exit == 1);
	/* the registration's out and hlt, plus the doorbell if it exits */
	assert_int_equal(f->vm->stats.exits - before, no_exit ? 2 : 3);
	assert_int_equal(queue(f)->completed, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(slot_status(f, i), HC_OK);
	uint8_t file[2 * 512];
	assert_int_equal(pread(f->fd, file, sizeof(file), 100 * 512), (ssize_t)sizeof(file));
	assert_memory_equal(file, src, sizeof(file));
	assert_memory_equal(guest(f, BUF + 0x1000, sizeof(file)), src, sizeof(file));
	teardown(f);
}

/* Each bad slot fails alone, with nothing written to the image or read into
 * guest memory; the good slot after them is still served. */
static void test_queue_bad_slots(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	uint64_t tail = MEM - 512;
	memset(guest(f, tail, 512), 0xCD, 512);
	assert_int_equal(pwrite(f->fd, "x", 1, 0), 1); /* sector 0 is not zero */
	put(f, 0, 9, 0, BUF, 1);                          /* unknown op */
	put(f, 1, DISK_OP_WRITE, SECTORS - 1, BUF, 2);    /* past the end */
	put(f, 2, DISK_OP_WRITE, UINT64_MAX, BUF, 1);
	put(f, 3, DISK_OP_READ, 0, tail, 2);              /* runs off the end of RAM */
	put(f, 4, DISK_OP_WRITE, 1, 0x9FF00, 1);          /* crosses into the VGA hole */
	put(f, 5, DISK_OP_WRITE, 1, UINT64_MAX - 100, 1);
	put(f, 6, DISK_OP_READ, 0, BUF, 0);               /* empty: fine */
	assert_int_equal(run_queue(f, QUEUE, 7, RUN_WAIT, NULL), HC_OK);
	const int want[] = { HC_EINVAL, HC_EINVAL, HC_EINVAL, HC_EFAULT, HC_EFAULT, HC_EFAULT, HC_OK };
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(slot_status(f, i), want[i]);
	assert_int_equal(guest(f, tail, 1)[0], 0xCD);
	assert_int_equal(pwrite(f->fd, "", 1, 0), 1);
	assert_true(file_is_zero(f));
	teardown(f);
}

static void test_queue_registration(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	memset(guest(f, BUF, 512), 0x77, 512);
	/* Refused registrations change nothing: the queue stays unregistered. */
	put(f, 0, DISK_OP_WRITE, 0, BUF, 1);
	assert_int_equal(run_queue(f, QUEUE + 4, 1, RUN_NO_WAIT, NULL), HC_EINVAL);
	assert_int_equal(run_queue(f, MEM - 64, 0, RUN_NO_WAIT, NULL), HC_EFAULT);
	assert_int_equal(run_queue(f, UINT64_MAX - 7, 0, RUN_NO_WAIT, NULL), HC_EFAULT);
	assert_int_equal(queue(f)->completed, 0);
	assert_true(file_is_zero(f));
	/* Registered, then unregistered (0): the doorbell serves nothing. */
	assert_int_equal(run_queue(f, QUEUE, 0, RUN_NO_WAIT, NULL), HC_OK);
	assert_int_equal(queue(f)->completed, queue(f)->submitted);
	assert_int_equal(run_queue(f, 0, 0, RUN_NO_WAIT, NULL), HC_OK);
	put(f, 0, DISK_OP_WRITE, 0, BUF, 1);
	uint32_t completed = queue(f)->completed;
	assert_int_equal(run_queue(f, 0, 1, RUN_NO_WAIT, NULL), HC_OK);
	assert_int_equal(queue(f)->completed, completed);
	assert_true(file_is_zero(f));
	teardown(f);

	f = setup(false, false);
	assert_int_equal(run_queue(f, QUEUE, 0, RUN_NO_WAIT, NULL), HC_ENODEV);
	teardown(f);
}

static void test_queue_read_only(void **state)
{
	(void)state;
	struct fixture *f = setup(true, true);
	put(f, 0, DISK_OP_WRITE, 0, BUF, 1);
	put(f, 1, DISK_OP_READ, 0, BUF, 1);
	put(f, 2, DISK_OP_FLUSH, 0, 0, 0);
	assert_int_equal(run_queue(f, QUEUE, 3, RUN_WAIT, NULL), HC_OK);
	assert_int_equal(slot_status(f, 0), HC_EIO);
	assert_int_equal(slot_status(f, 1), HC_OK);
	assert_int_equal(slot_status(f, 2), HC_OK);
	assert_true(file_is_zero(f));
	teardown(f);
}

/* Submitting more than DISK_QUEUE_SLOTS at once breaks the protocol: vmm
 * serves nothing (the slots' contents are ambiguous) and carries on; a new
 * registration starts afresh. */
static void test_queue_overrun(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	memset(guest(f, BUF, 512), 0x42, 512);
	for (unsigned i = 0; i < DISK_QUEUE_SLOTS; i++)
		put(f, i, DISK_OP_WRITE, i, BUF, 1);
	assert_int_equal(run_queue(f, QUEUE, DISK_QUEUE_SLOTS + 1, RUN_NO_WAIT, NULL), HC_OK);
	assert_int_equal(queue(f)->completed, queue(f)->submitted - DISK_QUEUE_SLOTS - 1);
	assert_true(file_is_zero(f));
	put(f, 0, DISK_OP_WRITE, 3, BUF, 1);
	assert_int_equal(run_queue(f, QUEUE, 1, RUN_WAIT, NULL), HC_OK);
	assert_int_equal(queue(f)->completed, queue(f)->submitted);
	assert_image_sector(f, 3, guest(f, BUF, 512));
	teardown(f);
}

/* A guest that queues a write and halts without ringing: the disk thread,
 * asleep since the registration, never hears of it, so only the stop hook
 * can serve it; once vm_run has returned, the sector is in the image. */
static void test_queue_served_by_stop(void **state)
{
	(void)state;
	struct fixture *f = setup(true, false);
	memset(guest(f, BUF, 512), 0x99, 512);
	put(f, 0, DISK_OP_WRITE, 7, BUF, 1);
	assert_int_equal(run_queue(f, QUEUE, 1, RUN_NO_DOORBELL, NULL), HC_OK);
	assert_int_equal(queue(f)->completed, queue(f)->submitted);
	assert_int_equal(slot_status(f, 0), HC_OK);
	assert_image_sector(f, 7, guest(f, BUF, 512));
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
		cmocka_unit_test(test_read_over_own_page_table),
		cmocka_unit_test(test_read_over_own_page_table_later_piece),
		cmocka_unit_test(test_queue_write_read_flush),
		cmocka_unit_test(test_queue_bad_slots),
		cmocka_unit_test(test_queue_registration),
		cmocka_unit_test(test_queue_read_only),
		cmocka_unit_test(test_queue_overrun),
		cmocka_unit_test(test_queue_served_by_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
