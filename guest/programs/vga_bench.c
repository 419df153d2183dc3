/*
 * The cost of filling the whole 80x25 screen, per method: exits (NUM_EXITS)
 * and guest time (GET_TIMESTAMP), best of REPS. Prints one line per method,
 * "vga-bench METHOD EXITS NANOSECONDS", for bench/vga_bench.sh. Run it with
 * -vga trapped for the trapped and PV methods and -vga mapped for the
 * mapped one (the script does both); the methods that do not apply to the
 * backing vmm was given are still run, so both runs print everything.
 */
#include "hypercall.h"
#include "printf.h"
#include "vga.h"
#include "vga_pv.h"

#define CELLS (VGA_COLS * VGA_ROWS)
#define REPS 3

static uint16_t screen[CELLS];

static void fill_stores(int width) { vga_write_cells(0, screen, CELLS, width); }
static void fill8(void) { fill_stores(1); }
static void fill16(void) { fill_stores(2); }
static void fill32(void) { fill_stores(4); }
static void pv_per_cell(void)
{
	for (unsigned i = 0; i < CELLS; i++)
		hc_vga_write(i, screen + i, 1);
}
static void pv_one_call(void) { hc_vga_write(0, screen, CELLS); }

static void measure(const char *name, void (*fill)(void))
{
	unsigned long long best_ns = ~0ull, best_exits = 0;
	for (int r = 0; r < REPS; r++) {
		screen[0]++; /* a different screen each time */
		unsigned long long e0 = hc_numexits(), t0 = hc_gettimestamp();
		fill();
		unsigned long long t1 = hc_gettimestamp(), e1 = hc_numexits();
		/* The two GET_TIMESTAMP calls are exits too; NUM_EXITS is not. */
		unsigned long long exits = e1 - e0 - 2;
		if (t1 - t0 < best_ns) {
			best_ns = t1 - t0;
			best_exits = exits;
		}
	}
	printf("vga-bench %s %llu %llu\n", name, best_exits, best_ns);
}

int main(void)
{
	for (unsigned i = 0; i < CELLS; i++)
		screen[i] = VGA_CELL('A' + i % 26, 0x1F);
	measure("stores8", fill8);
	measure("stores16", fill16);
	measure("stores32", fill32);
	measure("pv-per-cell", pv_per_cell);
	measure("pv-one-call", pv_one_call);
	return 0;
}
