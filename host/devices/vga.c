/* The VGA text-mode device: text buffer (mapped or trapped), CRTC, status
 * and attribute-controller ports, and the VGA_WRITE hypercall. */
#include "vga.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_access.h"
#include "vm.h"

#define VGA_PORT_BASE 0x3C0
#define VGA_PORT_COUNT 0x20 /* 0x3C0-0x3DF: every colour-mode VGA port */
#define CRTC_REGS 0x19
#define ATC_REGS 0x15
#define ATC_MODE 0x10
#define ATC_LINE_GRAPHICS 0x04
#define STATUS_RETRACE 0x09 /* bit 0 display disabled, bit 3 vertical retrace */
#define CELL_MASK (VGA_TEXT_SIZE / 2 - 1)

struct vga {
	struct vm *vm;
	enum vga_backing backing;
	/* Taken by the vCPU thread for each access and by the display thread
	 * for a snapshot (a 4 KB copy): the vCPU never waits for more than that. */
	pthread_mutex_t lock;
	uint8_t *vram;                /* guest RAM at 0xB8000, or own[] */
	uint8_t own[VGA_TEXT_SIZE];   /* trapped: the buffer only vmm sees */
	uint8_t crtc_index, crtc[CRTC_REGS];
	uint8_t atc_index, atc[ATC_REGS];
	int atc_flipflop;             /* 0: next 0x3C0 write is an index */
	uint8_t status;
};

/* ---- the text buffer (trapped only: mapped accesses never exit) ---- */

static uint64_t vram_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;
	uint64_t v = 0;
	pthread_mutex_lock(&vga->lock);
	for (unsigned i = 0; i < size && offset + i < VGA_TEXT_SIZE; i++)
		v |= (uint64_t)vga->vram[offset + i] << (8 * i);
	pthread_mutex_unlock(&vga->lock);
	return v;
}

/* Byte by byte: a 32-bit write at an even address fills two cells, one at an
 * odd address the attribute of one and the char of the next, as on hardware. */
static void vram_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct vga *vga = opaque;
	pthread_mutex_lock(&vga->lock);
	for (unsigned i = 0; i < size && offset + i < VGA_TEXT_SIZE; i++)
		vga->vram[offset + i] = (uint8_t)(value >> (8 * i));
	pthread_mutex_unlock(&vga->lock);
}

static const struct io_ops vram_ops = { vram_read, vram_write };

/* ---- ports 0x3C0-0x3DF ---- */

static uint8_t port_read(struct vga *vga, unsigned port)
{
	switch (port) {
	case 0x3C1:
		return vga->atc_index < ATC_REGS ? vga->atc[vga->atc_index] : 0;
	case 0x3CC:
		return 0x67; /* misc output as mode 3 leaves it: colour, 0x3Dx ports */
	case 0x3D4:
		return vga->crtc_index;
	case 0x3D5:
		return vga->crtc_index < CRTC_REGS ? vga->crtc[vga->crtc_index] : 0;
	case 0x3DA:
		/* Alternate between "in retrace" and "not", so a driver that
		 * waits for either edge finishes after one or two reads. Reading
		 * also resets the attribute controller's flip-flop. */
		vga->status ^= STATUS_RETRACE;
		vga->atc_flipflop = 0;
		return vga->status;
	default:
		return 0xFF;
	}
}

static void port_write(struct vga *vga, unsigned port, uint8_t v)
{
	switch (port) {
	case 0x3C0:
		if (!vga->atc_flipflop)
			vga->atc_index = v & 0x1F;
		else if (vga->atc_index < ATC_REGS)
			vga->atc[vga->atc_index] = v;
		vga->atc_flipflop ^= 1;
		break;
	case 0x3D4:
		vga->crtc_index = v;
		break;
	case 0x3D5:
		if (vga->crtc_index < CRTC_REGS)
			vga->crtc[vga->crtc_index] = v;
		break;
	default:
		break; /* sequencer, graphics controller, DAC: accepted, unused */
	}
}

/* A 16-bit out to 0x3D4 is index then data, like two byte writes to
 * consecutive ports; so is every wider access. */
static uint64_t ports_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;
	uint64_t v = 0;
	pthread_mutex_lock(&vga->lock);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)port_read(vga, VGA_PORT_BASE + (unsigned)offset + i) << (8 * i);
	pthread_mutex_unlock(&vga->lock);
	return v;
}

static void ports_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct vga *vga = opaque;
	pthread_mutex_lock(&vga->lock);
	for (unsigned i = 0; i < size; i++)
		port_write(vga, VGA_PORT_BASE + (unsigned)offset + i, (uint8_t)(value >> (8 * i)));
	pthread_mutex_unlock(&vga->lock);
}

static const struct io_ops port_ops = { ports_read, ports_write };

/* ---- VGA_WRITE ---- */

static int hc_vga_write(struct vm *vm, void *opaque, const struct hc_request *req, uint64_t *ret)
{
	(void)ret;
	struct vga *vga = opaque;
	uint64_t first = req->arg[0], count = req->arg[2];
	if (first > VGA_TEXT_CELLS || count > VGA_TEXT_CELLS - first)
		return HC_EINVAL;
	/* Copy first: a bad buffer must leave the screen untouched. */
	uint16_t cells[VGA_TEXT_CELLS];
	if (vm_copy_from_gva(vm, req->arg[1], cells, count * 2) < 0)
		return HC_EFAULT;
	pthread_mutex_lock(&vga->lock);
	/* Cell numbers are screen positions: relative to the start address. */
	uint64_t start = (uint64_t)vga->crtc[0x0C] << 8 | vga->crtc[0x0D];
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = ((start + first + i) & CELL_MASK) * 2;
		vga->vram[at] = (uint8_t)cells[i];
		vga->vram[at + 1] = (uint8_t)(cells[i] >> 8);
	}
	pthread_mutex_unlock(&vga->lock);
	return HC_OK;
}

/* ---- snapshot, life cycle ---- */

void vga_snapshot(struct vga *vga, struct vga_text_state *s)
{
	vga_text_state_init(s); /* palette: the DAC is not emulated */
	pthread_mutex_lock(&vga->lock);
	s->start_addr = (uint16_t)(vga->crtc[0x0C] << 8 | vga->crtc[0x0D]);
	s->cursor_addr = (uint16_t)(vga->crtc[0x0E] << 8 | vga->crtc[0x0F]);
	s->cursor_start = vga->crtc[0x0A];
	s->cursor_end = vga->crtc[0x0B];
	s->line_graphics = (vga->atc[ATC_MODE] & ATC_LINE_GRAPHICS) != 0;
	for (int i = 0; i < VGA_TEXT_CELLS; i++) {
		const uint8_t *c = vga->vram + ((s->start_addr + (unsigned)i) & CELL_MASK) * 2;
		s->cells[i] = (uint16_t)(c[0] | c[1] << 8);
	}
	pthread_mutex_unlock(&vga->lock);
	s->cursor_blink_on = true;
}

static void vga_free(struct vm *vm, void *opaque)
{
	struct vga *vga = opaque;
	(void)vm;
	pthread_mutex_destroy(&vga->lock);
	free(vga);
}

/* Guest RAM's host mapping covers 0xB8000 too (no slot uses it), so the
 * mapped window is just that part of it handed to KVM as slot 2. */
static int map_window(struct vga *vga)
{
	struct kvm_userspace_memory_region region = {
		.slot = VGA_MEMSLOT,
		.guest_phys_addr = VGA_TEXT_BASE,
		.memory_size = VGA_TEXT_SIZE,
		.userspace_addr = (uintptr_t)(vga->vm->ram + VGA_TEXT_BASE),
	};
	return ioctl(vga->vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

struct vga *vga_create(struct vm *vm, enum vga_backing backing, char *err, size_t errlen)
{
	struct vga *vga = calloc(1, sizeof(*vga));
	if (!vga) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vga->vm = vm;
	vga->backing = backing;
	pthread_mutex_init(&vga->lock, NULL);
	vga->vram = backing == VGA_MAPPED ? vm->ram + VGA_TEXT_BASE : vga->own;

	/* What SeaBIOS leaves after setting mode 3, so that a guest that never
	 * touches a register sees (and shows) what it would under QEMU. */
	struct vga_text_state init;
	vga_text_state_init(&init);
	for (uint64_t i = 0; i < VGA_TEXT_SIZE; i += 2) {
		vga->vram[i] = (uint8_t)init.cells[0];
		vga->vram[i + 1] = (uint8_t)(init.cells[0] >> 8);
	}
	vga->crtc[0x0A] = init.cursor_start;
	vga->crtc[0x0B] = init.cursor_end;
	vga->atc[ATC_MODE] = 0x0C; /* line graphics on, blink (QEMU ignores it) */
	vga->crtc[0x01] = VGA_TEXT_COLS - 1;
	vga->crtc[0x12] = (VGA_TEXT_ROWS * VGA_CELL_HEIGHT - 1) & 0xFF;

	const char *what = NULL;
	errno = 0;
	if (backing == VGA_MAPPED && map_window(vga) < 0)
		what = "cannot map the VGA window (KVM_SET_USER_MEMORY_REGION)";
	else if (backing == VGA_TRAPPED &&
		 vm_register_mmio(vm, VGA_TEXT_BASE, VGA_TEXT_SIZE, "vga-text", &vram_ops, vga) < 0)
		what = "cannot claim the VGA window";
	else if (vm_register_pio(vm, VGA_PORT_BASE, VGA_PORT_COUNT, "vga", &port_ops, vga) < 0)
		what = "cannot claim ports 0x3C0-0x3DF";
	if (what) {
		snprintf(err, errlen, "%s%s%s", what, errno ? ": " : "", errno ? strerror(errno) : "");
		pthread_mutex_destroy(&vga->lock);
		free(vga);
		return NULL;
	}
	vm_register_hypercall(vm, HC_VGA_WRITE, hc_vga_write, vga);
	vm_add_destroy_hook(vm, vga_free, vga);
	return vga;
}

int vga_backing_parse(const char *name, enum vga_backing *out)
{
	if (!strcmp(name, "mapped"))
		*out = VGA_MAPPED;
	else if (!strcmp(name, "trapped"))
		*out = VGA_TRAPPED;
	else
		return -1;
	return 0;
}

const char *vga_backing_name(enum vga_backing backing)
{
	return backing == VGA_MAPPED ? "mapped" : "trapped";
}
