/*
 * Fuzz target "vga": the VGA text device (host/devices/vga.c) in trapped
 * mode, its ports, text-buffer MMIO and VGA_WRITE call, against a model of
 * the registers, and the renderer (host/display/vga_render.c).
 *
 * Input: u8 flags (bit 0: snapshot and render after the steps; rendering
 * is slow, so only the inputs that ask for it pay), then steps until the
 * input ends, each u8 op % 5:
 *	0  port write: u8 port (0x3C0 + n % 32), u8 size (% 3: 1, 2, 4), u32 value
 *	1  port read:  u8 port, u8 size
 *	2  MMIO write: u16 offset (% 0x8000 into 0xB8000), u8 size (% 4: 1, 2, 4, 8), u64 value
 *	3  MMIO read:  u16 offset, u8 size
 *	4  VGA_WRITE:  u16 first cell, u16 count, u8 k, k bytes of cells (repeated)
 * The model (this file) follows the device's documented behaviour: CRTC
 * index/data at 0x3D4/0x3D5 (25 registers), the attribute controller's
 * flip-flop at 0x3C0/0x3C1 reset by reading 0x3DA, 0x3DA alternating
 * 0x09/0x00, 0x3CC = 0x67, 0xFF elsewhere; wider accesses as consecutive
 * bytes; the text buffer as bytes. Invariants: every read returns what the
 * model says; VGA_WRITE refuses exactly the cells past 1999 and writes
 * cells relative to the start address; a snapshot shows the model's screen
 * and registers; every rendered pixel is the one the documented rules give
 * (render() below), so only palette colours, and the cursor only on the
 * scanlines start..min(end, 15) of its own cell, nothing when it is off or
 * off-screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "font.h"
#include "fuzz_common.h"
#include "vga.h"
#include "vm.h"

#define TEXT_BYTES 0x8000u
#define CELL_MASK 0x3FFFu
#define CELLS_GPA 0x30000u

static struct vm *vm;
static uint8_t font[256][16];

static struct model {
	uint8_t vram[TEXT_BYTES];
	uint8_t crtc_index, crtc[0x19];
	uint8_t atc_index, atc[0x15];
	int flipflop;
	uint8_t status;
} m;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vm = fuzz_vm_create(2ull << 20);
	/* VGA_WRITE's buffer is guest-virtual: protected mode, no paging. */
	struct paging_regs flat = { .cr0 = 1 };
	fuzz_vm_set_paging(vm, &flat);
	if (vga_font_load(NULL, font, NULL, 0) < 0) /* no ROM: any glyphs will do */
		for (int c = 0; c < 256; c++)
			for (int y = 0; y < 16; y++)
				font[c][y] = (uint8_t)(c ^ (y * 17));
	return 0;
}

/* What vga_create leaves: blank light-grey screen, cursor lines 13-14. */
static void model_reset(void)
{
	memset(&m, 0, sizeof(m));
	for (unsigned i = 0; i < TEXT_BYTES; i += 2)
		m.vram[i] = 0x20, m.vram[i + 1] = 0x07;
	m.crtc[0x0A] = 13, m.crtc[0x0B] = 14;
	m.crtc[0x01] = 79, m.crtc[0x12] = (400 - 1) & 0xFF;
	m.atc[0x10] = 0x0C;
}

static uint8_t model_port_read(unsigned port)
{
	switch (port) {
	case 0x3C1: return m.atc_index < 0x15 ? m.atc[m.atc_index] : 0;
	case 0x3CC: return 0x67;
	case 0x3D4: return m.crtc_index;
	case 0x3D5: return m.crtc_index < 0x19 ? m.crtc[m.crtc_index] : 0;
	case 0x3DA:
		m.status ^= 0x09;
		m.flipflop = 0;
		return m.status;
	default: return 0xFF;
	}
}

static void model_port_write(unsigned port, uint8_t v)
{
	if (port == 0x3C0) {
		if (!m.flipflop)
			m.atc_index = v & 0x1F;
		else if (m.atc_index < 0x15)
			m.atc[m.atc_index] = v;
		m.flipflop ^= 1;
	} else if (port == 0x3D4) {
		m.crtc_index = v;
	} else if (port == 0x3D5 && m.crtc_index < 0x19) {
		m.crtc[m.crtc_index] = v;
	}
}

static unsigned start_addr(void) { return (unsigned)m.crtc[0x0C] << 8 | m.crtc[0x0D]; }

static void vga_write_call(struct fuzz_input *in)
{
	uint64_t first = fuzz_u16(in), count = fuzz_u16(in);
	size_t k;
	const uint8_t *b = fuzz_bytes(in, fuzz_u8(in), &k);
	for (uint64_t i = 0; i < 2 * (count < 2000 ? count : 2000); i++)
		vm->ram[CELLS_GPA + i] = k ? b[i % k] : (uint8_t)i;
	struct hc_request req = { .nr = HC_VGA_WRITE, .arg = { first, CELLS_GPA, count } };
	uint64_t ret = 0;
	int st = vm->hypercalls[HC_VGA_WRITE].fn(vm, vm->hypercalls[HC_VGA_WRITE].opaque, &req, &ret);
	bool past = first > 2000 || count > 2000 - first;
	FUZZ_CHECK(st == (past ? HC_EINVAL : HC_OK), "VGA_WRITE first %llu count %llu: status %d",
		   (unsigned long long)first, (unsigned long long)count, st);
	for (uint64_t i = 0; !past && i < count; i++) {
		unsigned at = ((start_addr() + (unsigned)(first + i)) & CELL_MASK) * 2;
		m.vram[at] = vm->ram[CELLS_GPA + 2 * i];
		m.vram[at + 1] = vm->ram[CELLS_GPA + 2 * i + 1];
	}
}

/*
 * The renderer's documented rules (vga_render.h, vga_render.c), pixel by
 * pixel: glyph bits in the foreground colour, the rest background; the 9th
 * column repeats the 8th for 0xB0-0xDF with line graphics on; the cursor
 * fills scanlines start..min(end, 15) of its cell in the foreground colour,
 * only when on, on screen and start <= end. So every pixel is a palette
 * colour, and the cursor stays inside its cell.
 */
static void render(struct vga *vga)
{
	static struct vga_text_state s;
	vga_snapshot(vga, &s);
	FUZZ_CHECK(s.start_addr == start_addr() && s.cursor_addr == ((unsigned)m.crtc[0x0E] << 8 | m.crtc[0x0F]) &&
		   s.cursor_start == m.crtc[0x0A] && s.cursor_end == m.crtc[0x0B] &&
		   s.line_graphics == ((m.atc[0x10] & 4) != 0), "snapshot registers differ from the model");
	FUZZ_CHECK(memcmp(s.palette, vga_default_palette, sizeof(s.palette)) == 0, "snapshot palette changed");
	for (unsigned i = 0; i < VGA_TEXT_CELLS; i++) {
		unsigned at = ((start_addr() + i) & CELL_MASK) * 2;
		FUZZ_CHECK(s.cells[i] == (m.vram[at] | m.vram[at + 1] << 8), "snapshot cell %u: 0x%04x", i, s.cells[i]);
	}

	static uint32_t px[VGA_SCREEN_PIXELS];
	vga_render(&s, (const uint8_t(*)[16])font, px);

	long cursor = (long)s.cursor_addr - (long)s.start_addr;
	int first = s.cursor_start & 0x1F, last = s.cursor_end & 0x1F;
	if (last > 15)
		last = 15;
	if (!s.cursor_blink_on || (s.cursor_start & VGA_CURSOR_DISABLE) || cursor < 0 || cursor >= VGA_TEXT_CELLS)
		cursor = -1;
	for (int i = 0; i < VGA_TEXT_CELLS; i++) {
		uint8_t ch = (uint8_t)s.cells[i], attr = (uint8_t)(s.cells[i] >> 8);
		uint32_t fg = s.palette[attr & 15], bg = s.palette[attr >> 4];
		bool dup9 = s.line_graphics && ch >= 0xB0 && ch <= 0xDF;
		const uint32_t *cell = px + (i / VGA_TEXT_COLS) * VGA_CELL_HEIGHT * VGA_SCREEN_WIDTH +
				       (i % VGA_TEXT_COLS) * VGA_CELL_WIDTH;
		for (int y = 0; y < VGA_CELL_HEIGHT; y++) {
			uint8_t bits = font[ch][y];
			bool cursor_line = i == cursor && y >= first && y <= last;
			const uint32_t *row = cell + y * VGA_SCREEN_WIDTH;
			uint32_t diff = row[8] ^ (cursor_line || (dup9 && (bits & 1)) ? fg : bg);
			for (int x = 0; x < 8; x++)
				diff |= row[x] ^ (cursor_line || (bits & (0x80 >> x)) ? fg : bg);
			FUZZ_CHECK(diff == 0, "cell %d (cursor %ld) scanline %d: drawn differently from the rules", i,
				   cursor, y);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	char err[256];
	fuzz_vm_remove_devices(vm);
	struct vga *vga = vga_create(vm, VGA_TRAPPED, err, sizeof(err));
	FUZZ_CHECK(vga, "vga_create: %s", err);
	model_reset();
	bool render_at_end = fuzz_u8(&in) & 1;
	static const unsigned port_sizes[3] = { 1, 2, 4 }, mmio_sizes[4] = { 1, 2, 4, 8 };

	while (in.left) {
		uint8_t op = fuzz_u8(&in) % 5;
		if (op <= 1) {
			unsigned port = 0x3C0 + fuzz_u8(&in) % 32, sz = port_sizes[fuzz_u8(&in) % 3];
			uint64_t v = op == 0 ? fuzz_u32(&in) : 0;
			FUZZ_CHECK(bus_access(&vm->pio, port, op == 0, sz, &v, true), "port 0x%x unclaimed", port);
			for (unsigned i = 0; i < sz; i++) {
				if (op == 0) {
					model_port_write(port + i, (uint8_t)(v >> (8 * i)));
				} else {
					uint8_t want = model_port_read(port + i), got = (uint8_t)(v >> (8 * i));
					FUZZ_CHECK(got == want, "port 0x%x read 0x%02x, model 0x%02x", port + i, got, want);
				}
			}
		} else if (op <= 3) {
			unsigned off = fuzz_u16(&in) % TEXT_BYTES, sz = mmio_sizes[fuzz_u8(&in) % 4];
			uint64_t v = op == 2 ? fuzz_u64(&in) : 0;
			FUZZ_CHECK(bus_access(&vm->mmio, VGA_TEXT_BASE + off, op == 2, sz, &v, true), "MMIO unclaimed");
			for (unsigned i = 0; i < sz && off + i < TEXT_BYTES; i++) {
				if (op == 2)
					m.vram[off + i] = (uint8_t)(v >> (8 * i));
				else
					FUZZ_CHECK((uint8_t)(v >> (8 * i)) == m.vram[off + i], "MMIO read at 0x%x differs",
						   off + i);
			}
		} else {
			vga_write_call(&in);
		}
	}
	if (render_at_end)
		render(vga);
	return 0;
}
