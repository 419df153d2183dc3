/*
 * The PV disk queue: disk requests that cost the guest no VM exit each.
 *
 * The guest's doorbell (a 32-bit out to VMM_DISK_QUEUE_PORT) is an ioeventfd:
 * KVM signals our eventfd and resumes the guest at once, without returning
 * to vmm. A thread of ours (the server) wakes up, serves the slots the guest
 * submitted, writing each one's status and then `completed`, while the guest
 * goes on or spins on `completed`. This is how virtio-blk doorbells work in
 * QEMU and kvmtool, and why their guests rarely exit for disk I/O.
 *
 * Waking a sleeping thread costs ~15 µs on this host, more than serving a
 * sector; so after serving, the server keeps watching `submitted` for
 * POLL_NS before it sleeps again (QEMU's "adaptive polling", on a smaller
 * scale): a guest writing sector after sector never waits for a wake-up.
 *
 * Without ioeventfd the doorbell exits like any port and its handler serves
 * the queue on the vCPU thread: the same results, one exit per doorbell.
 */
#include "disk_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "disk_image.h"
#include "vm.h"

/* How long the server keeps polling an idle queue before it sleeps. */
#define POLL_NS 100000ull /* 100 µs */

struct disk_queue_device {
	struct vm *vm;
	struct disk *disk; /* NULL: no drive */

	/* One server at a time (thread, doorbell exit, drain, registration). */
	pthread_mutex_t lock;
	struct disk_queue *queue; /* host view of the guest's queue; NULL: none */
	uint32_t next;            /* next slot to serve: our own copy of completed */
	bool broken;              /* the guest broke the protocol: serve nothing */
	bool broken_reported;

	int eventfd; /* -1 until the server runs; then doorbells do not exit */
	bool server_tried; /* started once, at the first registration */
	pthread_t server;
	atomic_bool quit;

	atomic_uint_fast64_t requests, failed, doorbell_exits, wakeups;
};

/* One slot, already copied out of guest memory. */
static int perform(struct disk_queue_device *dq, const struct disk_queue_slot *req)
{
	struct disk *disk = dq->disk;
	if (req->op == DISK_OP_FLUSH)
		return disk->read_only || disk_flush(disk) == 0 ? HC_OK : HC_EIO;
	if (req->op != DISK_OP_READ && req->op != DISK_OP_WRITE)
		return HC_EINVAL;
	if (!disk_range_valid(disk, req->lba, req->count))
		return HC_EINVAL;
	if (req->count == 0)
		return HC_OK;
	/* Guest-physical and contiguous, like DMA: one check covers it all. */
	void *buf = vm_gpa_ptr(dq->vm, req->buffer, (uint64_t)req->count * DISK_SECTOR_SIZE);
	if (!buf)
		return HC_EFAULT;
	if (req->op == DISK_OP_READ)
		return disk_read(disk, req->lba, req->count, buf) == 0 ? HC_OK : HC_EIO;
	if (disk->read_only)
		return HC_EIO;
	return disk_write(disk, req->lba, req->count, buf) == 0 ? HC_OK : HC_EIO;
}

/* Serves every submitted slot, in order; returns how many. Lock held. */
static unsigned serve(struct disk_queue_device *dq)
{
	struct disk_queue *q = dq->queue;
	unsigned served = 0;
	while (q && !dq->broken) {
		uint32_t submitted = atomic_load_explicit((_Atomic uint32_t *)&q->submitted,
							  memory_order_acquire);
		uint32_t pending = submitted - dq->next;
		if (pending == 0)
			break;
		if (pending > DISK_QUEUE_SLOTS) {
			dq->broken = true;
			if (!dq->broken_reported)
				fprintf(stderr, "vmm: disk queue: submitted %u is more than %d slots ahead of "
					"completed %u; queue stopped until registered again (reported once)\n",
					submitted, DISK_QUEUE_SLOTS, dq->next);
			dq->broken_reported = true;
			break;
		}
		struct disk_queue_slot *slot = &q->slot[dq->next % DISK_QUEUE_SLOTS];
		struct disk_queue_slot req = *slot; /* the guest's slot is read once */
		int status = perform(dq, &req);
		atomic_fetch_add(&dq->requests, 1);
		if (status != HC_OK)
			atomic_fetch_add(&dq->failed, 1);
		slot->status = status;
		/* Release: the guest that sees completed move sees the status and
		 * the data read before it. */
		atomic_store_explicit((_Atomic uint32_t *)&q->completed, ++dq->next, memory_order_release);
		served++;
	}
	return served;
}

static unsigned serve_locked(struct disk_queue_device *dq)
{
	pthread_mutex_lock(&dq->lock);
	unsigned served = serve(dq);
	pthread_mutex_unlock(&dq->lock);
	return served;
}

static void *server_main(void *arg)
{
	struct disk_queue_device *dq = arg;
	while (!atomic_load(&dq->quit)) {
		uint64_t doorbells;
		if (read(dq->eventfd, &doorbells, sizeof(doorbells)) < 0 && errno != EINTR)
			break;
		atomic_fetch_add(&dq->wakeups, 1);
		/* Serve, then poll for the next request before sleeping again. */
		uint64_t idle_since = host_monotonic_ns();
		while (!atomic_load(&dq->quit)) {
			if (serve_locked(dq))
				idle_since = host_monotonic_ns();
			else if (host_monotonic_ns() - idle_since > POLL_NS)
				break;
			else
				__builtin_ia32_pause();
		}
	}
	return NULL;
}

/* Wakes the server with quit set and waits for it to end. */
static void stop_server(struct disk_queue_device *dq)
{
	atomic_store(&dq->quit, true);
	uint64_t one = 1;
	while (write(dq->eventfd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(dq->server, NULL);
	close(dq->eventfd);
	dq->eventfd = -1;
}

/* The first registration starts the server and turns the doorbell into an
 * ioeventfd; if any step fails, doorbells keep exiting. */
static void start_server(struct disk_queue_device *dq)
{
	dq->server_tried = true;
	int fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		return;
	dq->eventfd = fd;
	if (pthread_create(&dq->server, NULL, server_main, dq) != 0) {
		close(fd);
		dq->eventfd = -1;
		return;
	}
	if (vm_ioeventfd_pio(dq->vm, VMM_DISK_QUEUE_PORT, fd) < 0)
		stop_server(dq); /* no ioeventfd: nothing would ever wake it */
}

static int hc_disk_queue(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	struct disk_queue_device *dq = opaque;
	if (!dq->disk)
		return HC_ENODEV;
	uint64_t gpa = req->arg[0];
	struct disk_queue *q = NULL;
	if (gpa) {
		if (gpa % 8)
			return HC_EINVAL;
		q = vm_gpa_ptr(vm, gpa, sizeof(*q));
		if (!q)
			return HC_EFAULT;
		if (!dq->server_tried)
			start_server(dq);
	}
	pthread_mutex_lock(&dq->lock);
	serve(dq); /* what the old queue still holds is not lost */
	dq->queue = q;
	dq->broken = false;
	if (q) {
		/* Start where the guest stands; all earlier slots count as done. */
		dq->next = q->submitted;
		atomic_store_explicit((_Atomic uint32_t *)&q->completed, dq->next, memory_order_release);
	}
	pthread_mutex_unlock(&dq->lock);
	*ret = dq->eventfd >= 0;
	return HC_OK;
}

/* Doorbells that exit: no ioeventfd, or an 8- or 16-bit out. */
static void doorbell_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)offset, (void)size, (void)value;
	struct disk_queue_device *dq = opaque;
	atomic_fetch_add(&dq->doorbell_exits, 1);
	serve_locked(dq);
}

static const struct io_ops doorbell_ops = { NULL, doorbell_write };

void disk_queue_drain(struct disk_queue_device *dq)
{
	serve_locked(dq);
}

static void print_stats(struct vm *vm, void *opaque)
{
	struct disk_queue_device *dq = opaque;
	if (!atomic_load(&dq->requests) && !atomic_load(&dq->doorbell_exits))
		return;
	fprintf(vm->stats_out ? vm->stats_out : stderr, "  disk queue requests %llu (failed %llu), server wake-ups %llu, doorbell exits %llu\n",
		(unsigned long long)atomic_load(&dq->requests), (unsigned long long)atomic_load(&dq->failed),
		(unsigned long long)atomic_load(&dq->wakeups),
		(unsigned long long)atomic_load(&dq->doorbell_exits));
}

static void destroy(struct vm *vm, void *opaque)
{
	(void)vm;
	struct disk_queue_device *dq = opaque;
	if (dq->eventfd >= 0)
		stop_server(dq);
	pthread_mutex_destroy(&dq->lock);
	free(dq);
}

struct disk_queue_device *disk_queue_attach(struct vm *vm, struct disk *disk)
{
	struct disk_queue_device *dq = calloc(1, sizeof(*dq));
	if (!dq)
		return NULL;
	dq->vm = vm;
	dq->disk = disk;
	dq->eventfd = -1;
	pthread_mutex_init(&dq->lock, NULL);
	if (vm_add_destroy_hook(vm, destroy, dq) < 0) {
		pthread_mutex_destroy(&dq->lock);
		free(dq);
		return NULL;
	}
	/* From here on vm_destroy frees dq. */
	if (vm_register_hypercall(vm, HC_DISK_QUEUE, hc_disk_queue, dq) < 0 ||
	    vm_register_pio(vm, VMM_DISK_QUEUE_PORT, 1, "disk-queue", &doorbell_ops, dq) < 0 ||
	    vm_add_stats_hook(vm, print_stats, dq) < 0)
		return NULL;
	return dq;
}
