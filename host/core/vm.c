/* VM lifecycle: /dev/kvm, the VM, guest RAM and its memslots, the vCPU. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpuid.h"
#include "layout.h"

/* KVM needs three pages for the real-mode TSS and one for the EPT identity
 * map on Intel; put them just below 4 GiB, far from guest RAM (as QEMU does). */
#define KVM_TSS_ADDR         0xfffbd000ull
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ull

static struct vm *fail(struct vm *vm, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	vm_destroy(vm);
	return NULL;
}

static int add_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)(vm->ram + gpa),
	};
	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return fail(vm, err, errlen, "out of memory");
	vm->cfg = *cfg;
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->wake_fd = -1;
	vm->run = MAP_FAILED;
	vm->ram = MAP_FAILED;
	vm->mem_size = cfg->mem_size ? cfg->mem_size : MEM_DEFAULT;
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "mmio");
	vm->pio.report_first_use = vm->mmio.report_first_use = cfg->verbose;

	if (vm->mem_size < MEM_MIN || vm->mem_size > MEM_MAX || vm->mem_size % 4096)
		return fail(vm, err, errlen, "memory size %llu is outside 2 MiB..3 GiB or not page aligned",
			    (unsigned long long)vm->mem_size);

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return fail(vm, err, errlen, "cannot open /dev/kvm: %s", strerror(errno));
	int api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		return fail(vm, err, errlen, "KVM API version %d, vmm needs %d", api, KVM_API_VERSION);

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail(vm, err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		return fail(vm, err, errlen, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	uint64_t identity = KVM_IDENTITY_MAP_ADDR;
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		return fail(vm, err, errlen, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));

	/* MAP_NORESERVE: a 3 GiB guest that touches 1 MiB costs 1 MiB. */
	vm->ram = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		return fail(vm, err, errlen, "cannot map %llu bytes of guest RAM: %s",
			    (unsigned long long)vm->mem_size, strerror(errno));
	madvise(vm->ram, vm->mem_size, MADV_MERGEABLE);
	/* Two slots leave the VGA window [0xA0000, 0xC0000) unbacked, so guest
	 * accesses there exit to vmm as MMIO. */
	if (add_memslot(vm, 0, 0, LOW_RAM_END) < 0 ||
	    add_memslot(vm, 1, BIOS_AREA_BASE, vm->mem_size - BIOS_AREA_BASE) < 0)
		return fail(vm, err, errlen, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	vm->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vm->wake_fd < 0)
		return fail(vm, err, errlen, "eventfd: %s", strerror(errno));
	/* KVM's own 8259 pair, IOAPIC and 8254, only when asked for: each costs
	 * milliseconds at exit on a software KVM (docs/devices.md). They must
	 * exist before the vCPU. */
	if (cfg->irqchip == IRQCHIP_KERNEL) {
		struct kvm_pit_config pit = { .flags = 0 };
		if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
			return fail(vm, err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
			return fail(vm, err, errlen, "KVM_CREATE_PIT2: %s", strerror(errno));
	}

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return fail(vm, err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail(vm, err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	vm->run_size = (size_t)run_size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		return fail(vm, err, errlen, "cannot map the kvm_run area: %s", strerror(errno));

	/* The coalesced ring lives at a fixed page of the vCPU mapping. */
	int ring_page = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) > 0
				? ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO) : 0;
	long page = sysconf(_SC_PAGESIZE);
	if (ring_page > 0 && (size_t)(ring_page + 1) * (size_t)page <= vm->run_size)
		vm->coalesced_ring = (struct kvm_coalesced_mmio_ring *)((uint8_t *)vm->run + ring_page * page);

	/* Any vCPU ioctl costs as much as an exit on a software KVM (KVM_GET_SREGS
	 * ~6.5 µs here, measured); having KVM store the special registers in the
	 * run area at every exit costs nothing measurable. Hypercalls that take
	 * guest-virtual pointers need them for the page walk. */
	int sync = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	if (sync > 0 && (sync & KVM_SYNC_X86_SREGS))
		vm->run->kvm_valid_regs = KVM_SYNC_X86_SREGS;

	if (cpuid_setup(vm, err, errlen) < 0) {
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (int i = vm->n_destroy_hooks - 1; i >= 0; i--)
		vm->destroy_hooks[i].fn(vm, vm->destroy_hooks[i].opaque);
	if (vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->ram != MAP_FAILED)
		munmap(vm->ram, vm->mem_size);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;
	if (end < gpa)
		return NULL; /* wraps around */
	bool in_low = end <= LOW_RAM_END;
	bool in_high = gpa >= BIOS_AREA_BASE && end <= vm->mem_size;
	return in_low || in_high ? vm->ram + gpa : NULL;
}

int vm_read_phys(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	void *src = vm_gpa_ptr(opaque, gpa, len);
	if (!src)
		return -1;
	memcpy(buf, src, len);
	return 0;
}

int vm_get_regs(struct vm *vm, struct kvm_regs *regs)
{
	return ioctl(vm->vcpu_fd, KVM_GET_REGS, regs);
}

int vm_set_regs(struct vm *vm, const struct kvm_regs *regs)
{
	return ioctl(vm->vcpu_fd, KVM_SET_REGS, regs);
}

int vm_get_sregs(struct vm *vm, struct kvm_sregs *sregs)
{
	if (vm->sregs_in_run) {
		*sregs = vm->run->s.regs.sregs;
		return 0;
	}
	return ioctl(vm->vcpu_fd, KVM_GET_SREGS, sregs);
}

int vm_set_sregs(struct vm *vm, const struct kvm_sregs *sregs)
{
	vm->sregs_in_run = false; /* the copy KVM left in the run area is stale now */
	return ioctl(vm->vcpu_fd, KVM_SET_SREGS, sregs);
}

int vm_register_pio(struct vm *vm, uint16_t port, uint16_t len, const char *name,
		    const struct io_ops *ops, void *opaque)
{
	return bus_register(&vm->pio, port, len, name, ops, opaque);
}

int vm_register_mmio(struct vm *vm, uint64_t base, uint64_t len, const char *name,
		     const struct io_ops *ops, void *opaque)
{
	return bus_register(&vm->mmio, base, len, name, ops, opaque);
}

int vm_register_hypercall(struct vm *vm, unsigned nr, hypercall_fn fn, void *opaque)
{
	if (nr > HC_MAX)
		return -1;
	vm->hypercalls[nr].fn = fn;
	vm->hypercalls[nr].opaque = opaque;
	return 0;
}

static int add_hook(struct vm_hook *hooks, int *n, stop_hook_fn fn, void *opaque)
{
	if (*n == VM_MAX_STOP_HOOKS)
		return -1;
	hooks[*n] = (struct vm_hook){ fn, opaque };
	(*n)++;
	return 0;
}

int vm_add_stop_hook(struct vm *vm, stop_hook_fn fn, void *opaque)
{
	return add_hook(vm->stop_hooks, &vm->n_stop_hooks, fn, opaque);
}

int vm_add_destroy_hook(struct vm *vm, stop_hook_fn fn, void *opaque)
{
	return add_hook(vm->destroy_hooks, &vm->n_destroy_hooks, fn, opaque);
}

int vm_add_stats_hook(struct vm *vm, stop_hook_fn fn, void *opaque)
{
	return add_hook(vm->stats_hooks, &vm->n_stats_hooks, fn, opaque);
}

int vm_ioeventfd_pio(struct vm *vm, uint16_t port, int fd)
{
	struct kvm_ioeventfd req = { .addr = port, .len = 4, .fd = fd, .flags = KVM_IOEVENTFD_FLAG_PIO };
	if (vm->cfg.no_io_fastpath || ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) <= 0)
		return -1;
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &req) < 0 ? -1 : 0;
}

int vm_coalesce_pio(struct vm *vm, uint16_t port, uint16_t len)
{
	if (!vm->coalesced_ring || vm->cfg.no_io_fastpath)
		return -1;
	struct kvm_coalesced_mmio_zone zone = { .addr = port, .size = len, .pio = 1 };
	return ioctl(vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0 ? -1 : 0;
}

void vm_drain_coalesced(struct vm *vm)
{
	struct kvm_coalesced_mmio_ring *ring = vm->coalesced_ring;
	if (!ring)
		return;
	const uint32_t max = (uint32_t)((sysconf(_SC_PAGESIZE) - sizeof(*ring)) / sizeof(ring->coalesced_mmio[0]));
	while (ring->first != atomic_load_explicit((_Atomic uint32_t *)&ring->last, memory_order_acquire)) {
		struct kvm_coalesced_mmio *w = &ring->coalesced_mmio[ring->first];
		uint64_t value = 0;
		memcpy(&value, w->data, w->len > 8 ? 8 : w->len);
		bus_access(w->pio ? &vm->pio : &vm->mmio, w->phys_addr, true, w->len, &value, false);
		vm->stats.coalesced_writes++;
		/* Hand the slot back to KVM only after we are done with it. */
		atomic_store_explicit((_Atomic uint32_t *)&ring->first, (ring->first + 1) % max,
				      memory_order_release);
	}
}
