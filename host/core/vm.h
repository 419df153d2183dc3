/*
 * The vmm core library: create a VM, load a guest, register devices and
 * hypercalls, run it, stop it. The CLI (host/cli) and the tests both build
 * VMs with these calls, the way Linux's KVM selftests use kvm_util.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "events.h"
#include "guest_ram.h"
#include "irq.h"
#include "vm_timer.h"
#include "vmm/abi.h"

enum cpu_mode { MODE_REAL, MODE_PROTECTED, MODE_PAGED32, MODE_LONG };

/* Why a run ended. Each maps to a documented exit status (see exit_status.h). */
enum vm_stop_reason {
	STOP_NONE = 0,
	STOP_HALT,           /* the guest executed hlt */
	STOP_GUEST_EXIT,     /* EXIT hypercall or isa-debug-exit port */
	STOP_USER,           /* window closed, ESC, SIGINT/SIGTERM */
	STOP_TIMEOUT,        /* -timeout elapsed */
	STOP_TRIPLE_FAULT,   /* KVM_EXIT_SHUTDOWN */
	STOP_KVM_ERROR,      /* internal error, failed entry, unknown exit */
	STOP_HOST_ERROR,     /* an ioctl of vmm's failed */
	STOP_RESET,          /* the guest asked for a reset (vmm never reboots) */
};

struct vm_config {
	uint64_t mem_size;   /* bytes; MEM_DEFAULT when 0 */
	bool verbose;        /* -v: report unclaimed ports, loader details */
	/* Every port write exits: vm_coalesce_pio and vm_ioeventfd_pio refuse. */
	bool no_io_fastpath;
	/* GVA_TO_HVA answers -EPERM instead of disclosing a host address. */
	bool no_hva;
	/* Who emulates the 8259/8254 (irq.h): vmm (default) or KVM. */
	enum irqchip_kind irqchip;
};

struct vm;
struct gdb_stub;
/* A hypercall handler: opaque is what it was registered with (its device). */
typedef int (*hypercall_fn)(struct vm *vm, void *opaque, const struct hc_request *req,
			    uint64_t *ret);
typedef void (*stop_hook_fn)(struct vm *vm, void *opaque);

#define VM_MAX_STOP_HOOKS 16 /* each PC device adds a destroy hook */
#define VM_MAX_EVENT_HOOKS 8
#define EXIT_REASONS_TRACKED 64

struct vm_stats {
	uint64_t exits;                            /* every exit from KVM_RUN */
	uint64_t by_reason[EXIT_REASONS_TRACKED];  /* indexed by KVM_EXIT_* */
	uint64_t numexits_calls;                   /* NUM_EXITS hypercalls */
	uint64_t hypercalls, hypercalls_failed;
	uint64_t guest_ns, vmm_ns;                 /* time in KVM_RUN vs outside */
	uint64_t idle_ns;                          /* of vmm_ns: asleep in an idle hlt */
	uint64_t coalesced_writes;                 /* replayed from the ring, no exit */
	uint64_t irq_raised[VM_IRQ_LINES];         /* rising edges per ISA line */
	uint64_t injected[256];                    /* interrupts injected, per vector */
	uint64_t halts;                            /* hlt exits that waited for an interrupt */
};

struct vm {
	struct vm_config cfg;
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	/* KVM's coalesced-write ring (in the vCPU mapping), or NULL. */
	struct kvm_coalesced_mmio_ring *coalesced_ring;

	/* True while the vCPU is stopped in an exit and KVM_CAP_SYNC_REGS has
	 * left its special registers in run->s.regs.sregs (vm_get_sregs). */
	bool sregs_in_run;
	uint8_t *ram;        /* host mapping of guest-physical [0, mem_size) */
	uint64_t mem_size;
	/* Who uses which RAM: the image, vmm's own structures (guest_ram.h). */
	struct guest_ram_use ram_use;

	struct bus pio, mmio;
	struct {
		hypercall_fn fn;
		void *opaque;
	} hypercalls[HC_MAX + 1];
	bool bad_block_reported;
	uint8_t unclaimed_port_seen[65536 / 8];
#define VM_UNCLAIMED_MMIO_REPORTS 16
	uint64_t unclaimed_mmio_seen[VM_UNCLAIMED_MMIO_REPORTS]; /* page numbers */
	int n_unclaimed_mmio;

	struct vm_hook {
		stop_hook_fn fn;
		void *opaque;
	} stop_hooks[VM_MAX_STOP_HOOKS], destroy_hooks[VM_MAX_STOP_HOOKS],
	  stats_hooks[VM_MAX_STOP_HOOKS];
	int n_stop_hooks, n_destroy_hooks, n_stats_hooks;
	/* Where stats hooks print: set by vm_print_stats_to while it runs. */
	FILE *stats_out;

	/* Stop state: the first request wins; written from any thread. */
	atomic_int stop_reason;
	int exit_status;
	pthread_t vcpu_thread;
	atomic_bool vcpu_running;
	pthread_mutex_t wait_lock; /* with vcpu_done: vm_run waits for the vCPU */
	pthread_cond_t vcpu_done;

	/* Interrupts (irq.c): the user-space controller, if any, and the lines
	 * as devices last drove them. */
	const struct irqchip_ops *intc;
	void *intc_opaque;
	bool irq_level[VM_IRQ_LINES];
	atomic_uint irq_ever_unmasked; /* bit n: the guest unmasked line n */

	/* Timers (vm_timer.c): armed ones, earliest first; a POSIX timer kicks
	 * the vCPU out of KVM_RUN at the earliest deadline. */
	struct vm_timer *timers;
	bool posix_timer_created;
	void *posix_timer; /* timer_t */
	uint64_t posix_timer_deadline;
	_Atomic uint64_t clock_paused_at, clock_paused_total; /* read by any thread */
	int vcpu_tid; /* the vCPU thread's id while it runs, else 0 */

	/* Events (events.c): posted by any thread, run on the vCPU thread. */
	int wake_fd; /* eventfd */
	atomic_bool event_posted;
	struct vm_hook event_hooks[VM_MAX_EVENT_HOOKS];
	int n_event_hooks;
	/* The guest executed hlt with IF=1 and waits for an interrupt. */
	bool halted;

	/* Keys (input.h): the keyboard device the front ends' keys go to (set
	 * before the display thread starts), and whether the guest has taken
	 * the keyboard (from then on ESC is a key, not a way out). */
	void (*key_sink)(void *opaque, unsigned keycode, bool down);
	void *key_sink_opaque;
	atomic_bool keyboard_taken;

	struct vm_stats stats;
	/* The exit trace (trace.h), or NULL: off. */
	struct vm_trace *trace;

	/* The gdb stub (host/gdb/gdb_stub.h) when -gdb is given, else NULL:
	 * the run loop parks the vCPU there when a debugger stops the guest. */
	struct gdb_stub *gdb;
};

/* Creates a VM with guest RAM and one vCPU. Returns NULL with a message in err. */
struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
/* Unmaps and closes everything. Safe on a partly built VM. */
void vm_destroy(struct vm *vm);

/* Checked access to guest-physical memory: returns the host address of
 * [gpa, gpa + len) if it lies wholly in guest RAM, else NULL. Every address a
 * guest hands us goes through here. */
void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
/* Reads guest-physical memory; 0 or -1 (not RAM). Matches phys_read_fn. */
int vm_read_phys(void *vm, uint64_t gpa, void *buf, size_t len);

/* Puts the vCPU in `mode` with flat segments, entry point and stack. */
int vm_setup_cpu(struct vm *vm, enum cpu_mode mode, uint64_t entry, uint64_t stack);
int vm_get_regs(struct vm *vm, struct kvm_regs *regs);
int vm_set_regs(struct vm *vm, const struct kvm_regs *regs);
/* Free when the vCPU is stopped in an exit (KVM_CAP_SYNC_REGS), else an ioctl. */
int vm_get_sregs(struct vm *vm, struct kvm_sregs *sregs);
int vm_set_sregs(struct vm *vm, const struct kvm_sregs *sregs);

/* Devices and hypercalls. */
int vm_register_pio(struct vm *vm, uint16_t port, uint16_t len, const char *name,
		    const struct io_ops *ops, void *opaque);
int vm_register_mmio(struct vm *vm, uint64_t base, uint64_t len, const char *name,
		     const struct io_ops *ops, void *opaque);
int vm_register_hypercall(struct vm *vm, unsigned nr, hypercall_fn fn, void *opaque);
/*
 * Lets guest writes to ports [port, port + len) skip the exit: KVM queues
 * them in a ring and vmm replays them, in order, on the bus at the very next
 * exit (and at stop). Only for registers whose writes can wait until the
 * guest next reads something (reads always exit). Returns 0, or -1 if this
 * host's KVM lacks KVM_CAP_COALESCED_PIO (the writes then simply exit).
 */
int vm_coalesce_pio(struct vm *vm, uint16_t port, uint16_t len);
/*
 * Lets 32-bit guest writes to `port` skip the exit altogether: KVM only
 * signals the eventfd `fd` (KVM_IOEVENTFD) and the guest runs on; the value
 * written is lost. For doorbells served by a thread of their own. Returns 0,
 * or -1 if this host's KVM cannot (the writes then exit as usual, to the
 * port's handler on the bus).
 */
int vm_ioeventfd_pio(struct vm *vm, uint16_t port, int fd);
/* Replays queued coalesced writes (run.c calls it at every exit). */
void vm_drain_coalesced(struct vm *vm);
/* Stop hooks run once the vCPU has stopped (flush disks, screenshots);
 * destroy hooks run in vm_destroy (free device state). */
int vm_add_stop_hook(struct vm *vm, stop_hook_fn fn, void *opaque);
int vm_add_destroy_hook(struct vm *vm, stop_hook_fn fn, void *opaque);
/* Stats hooks add a device's lines to vm_print_stats (-stats), printed to
 * vm->stats_out. */
int vm_add_stats_hook(struct vm *vm, stop_hook_fn fn, void *opaque);

/* Runs the vCPU on its own thread until the guest stops, a stop is requested
 * or timeout_sec elapses (none when it is 0, negative, NaN, or infinite: too
 * long for 64-bit nanoseconds, as run.c says). Returns the stop reason; the guest's
 * status is in vm->exit_status. Stop hooks (disk flush...) have run. */
enum vm_stop_reason vm_run(struct vm *vm, double timeout_sec);
/* Asks the VM to stop; callable from any thread or a device handler. */
void vm_request_stop(struct vm *vm, enum vm_stop_reason reason, int status);

/* Memory map as the guest sees it (e820 style), from the records of
 * guest_ram.h: vmm's ranges reserved, the image's usable. Returns the entry
 * count, which may exceed max (only max entries are written). */
int vm_memmap(const struct vm *vm, struct hc_memmap_entry *out, int max);

/* Prints the registers to stderr (after a fault). */
void vm_dump_regs(struct vm *vm);
/* Prints -stats to stderr. */
void vm_print_stats(struct vm *vm);
/* The same table to `out` (gdb's `monitor stats` prints it into a buffer). */
void vm_print_stats_to(struct vm *vm, FILE *out);

const char *cpu_mode_name(enum cpu_mode mode);
int cpu_mode_parse(const char *name, enum cpu_mode *mode);

#endif
