/*
 * vmm hypercall ABI, version 1: the one header shared by the VMM (host/) and
 * guests (guest/). docs/hypercalls.md is the contract it encodes and
 * explains it. Everything here is plain data: no host or guest types.
 *
 * A guest makes a hypercall with one 32-bit `out` to VMM_HC_PORT whose value
 * is the guest-physical address of an 8-byte-aligned request block.
 */
#ifndef VMM_ABI_H
#define VMM_ABI_H

#define VMM_ABI_VERSION 1

/* Ports every guest may rely on. */
#define VMM_HC_PORT        0xABBA /* hypercall doorbell, 32-bit out only */
#define VMM_DEBUGCON_PORT  0xE9   /* bytes written go to stdout; reads 0xE9 */
#define VMM_DEBUG_EXIT_PORT 0xF4  /* write v: vmm exits with (v << 1) | 1 */
#define VMM_COM1_PORT      0x3F8  /* 16550A UART, 8 registers */
#define VMM_DISK_QUEUE_PORT 0xABBC /* disk queue doorbell: any 32-bit out */

/* Hypercall numbers. 14..255 are reserved for the project. */
#define HC_PRINT8        1  /* arg0: byte, written raw to stdout */
#define HC_PRINT32       2  /* arg0: u32, printed in decimal + '\n' */
#define HC_NUM_EXITS     3  /* ret: exits so far, not counting NUM_EXITS calls */
#define HC_PRINTSTR      4  /* arg0: gva of NUL-terminated string (<= 1 MiB) */
#define HC_GVA_TO_HVA    5  /* arg0: gva; ret: host virtual address or 0 */
#define HC_GET_TIMESTAMP 6  /* ret: kvmclock in nanoseconds */
#define HC_EXIT          7  /* arg0: exit status 0..255 */
#define HC_VGA_WRITE     8  /* arg0: first cell, arg1: gva of u16 cells, arg2: count */
#define HC_DISK_READ     9  /* arg0: lba, arg1: gva of buffer, arg2: sectors */
#define HC_DISK_WRITE    10 /* arg0: lba, arg1: gva of buffer, arg2: sectors */
#define HC_DISK_INFO     11 /* ret: sectors of the disk */
#define HC_MEMMAP        12 /* arg0: gva of entries, arg1: max entries; ret: total */
#define HC_PRINT64       13 /* arg0: u64, printed as 0x<lower-case hex> + '\n' */
/* Project extension (numbers 14..255 are the project's): */
#define HC_DISK_QUEUE    14 /* arg0: guest-physical address of a struct disk_queue, 0 = none */
#define HC_MAX           255

/* Longest string PRINTSTR reads, terminator included. */
#define HC_PRINTSTR_MAX  (1u << 20)

/* Status values: negative Linux errno numbers, spelled out so that guests
 * need no libc headers. */
#define HC_OK      0
#define HC_EPERM   (-1)
#define HC_EIO     (-5)
#define HC_EFAULT  (-14)
#define HC_ENODEV  (-19)
#define HC_EINVAL  (-22)
#define HC_ENOSPC  (-28)
#define HC_ENOSYS  (-38)

/* The request block: 48 bytes, little-endian, 8-byte aligned in guest RAM. */
struct hc_request {
	unsigned int nr;           /* offset 0: written by the guest */
	int status;                /* offset 4: written by the VMM */
	unsigned long long arg[4]; /* offset 8: written by the guest */
	unsigned long long ret;    /* offset 40: written by the VMM */
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct hc_request) == 48, "hc_request is 48 bytes");

/* One MEMMAP entry, e820-style. */
#define HC_MEM_USABLE   1
#define HC_MEM_RESERVED 2
struct hc_memmap_entry {
	unsigned long long base;
	unsigned long long length;
	unsigned int type;
	unsigned int zero;
};

_Static_assert(sizeof(struct hc_memmap_entry) == 24, "memmap entry is 24 bytes");

/* VGA text screen geometry (VGA_WRITE cells are char | attr << 8). */
#define VGA_COLS 80
#define VGA_ROWS 25

#define DISK_SECTOR_SIZE 512

/*
 * The PV disk queue (docs/hypercalls.md, "Disk queue"): requests without a VM
 * exit each. The guest registers the queue once with HC_DISK_QUEUE; then for
 * each request it fills slot[submitted % DISK_QUEUE_SLOTS], increments
 * `submitted` (at most DISK_QUEUE_SLOTS ahead of `completed`) and writes any
 * 32-bit value to VMM_DISK_QUEUE_PORT. KVM turns that write into a wake-up of
 * vmm's disk thread (an ioeventfd) and the guest runs on. vmm serves the slots
 * in order; for each it writes `status` (HC_OK or a negative HC_E* value),
 * then increments `completed`. A written sector is in the image file once its
 * slot is completed. Buffers are guest-PHYSICAL, contiguous and wholly in
 * RAM, as for a DMA engine: vmm's thread cannot walk the guest's page tables
 * while the vCPU runs.
 */
#define DISK_QUEUE_SLOTS 16
#define DISK_OP_READ  1
#define DISK_OP_WRITE 2
#define DISK_OP_FLUSH 3 /* reaches stable storage (fdatasync); lba, count ignored */

struct disk_queue_slot {
	unsigned int op;           /* offset 0: DISK_OP_*, written by the guest */
	int status;                /* offset 4: written by vmm */
	unsigned long long lba;    /* offset 8 */
	unsigned long long buffer; /* offset 16: guest-physical address */
	unsigned int count;        /* offset 24: sectors */
	unsigned int reserved;
} __attribute__((aligned(8)));

struct disk_queue {
	unsigned int submitted;    /* offset 0: written by the guest */
	unsigned int completed;    /* offset 4: written by vmm */
	unsigned long long reserved;
	struct disk_queue_slot slot[DISK_QUEUE_SLOTS]; /* offset 16 */
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct disk_queue_slot) == 32, "a disk queue slot is 32 bytes");
_Static_assert(sizeof(struct disk_queue) == 16 + 32 * DISK_QUEUE_SLOTS, "disk queue layout");

#endif
