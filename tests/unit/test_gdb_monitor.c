/*
 * gdb's `monitor` commands (host/gdb/gdb_monitor.h) against a real VM from
 * vm_create, put in a known state by vm_setup_cpu: long mode's page tables
 * are vmm's own (layout.h: PML4 at 0xE0000, PDPT at 0xE1000, 2 MiB pages in
 * the PD at 0xE2000), so the walk of an address is known line by line. The
 * expected lines are written out by hand. Needs /dev/kvm (skipped without).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gdb_monitor.h"
#include "paging.h"
#include "vm.h"

#define OUT_SIZE 65536

static char out[OUT_SIZE];

static struct vm *new_vm(enum cpu_mode mode)
{
	char err[256];
	struct vm_config cfg = { .mem_size = 64u << 20 };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm)
		fail_msg("vm_create: %s", err);
	assert_int_equal(vm_setup_cpu(vm, mode, 0x1000, 0x8000), 0);
	return vm;
}

static void skip_without_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		skip();
	close(fd);
}

/* Runs a command that must be understood and returns its text. */
static const char *mon(struct vm *vm, const char *cmd)
{
	int quit = -1;
	memset(out, 'x', sizeof(out));
	assert_int_equal(gdb_monitor_command(vm, cmd, out, sizeof(out), &quit), 0);
	assert_int_equal(quit, 0);
	assert_non_null(memchr(out, '\0', sizeof(out)));
	return out;
}

/* The text must hold `line` as a whole line. */
#define assert_line(text, line) assert_line_at(text, line, __FILE__, __LINE__)
static void assert_line_at(const char *text, const char *line, const char *file, int at)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
	print_error("line not found: \"%s\" in:\n%s\n", line, text);
	_fail(file, at);
}

static void put64(struct vm *vm, uint64_t gpa, uint64_t value)
{
	memcpy(vm->ram + gpa, &value, 8);
}

static void test_translate_long_mode_2m_page(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	const char *t = mon(vm, "translate 0x401234");
	/* 0x401234: PML4 index 0, PDPT index 0, PD index 2, offset 0x1234 in
	 * the 2 MiB page at 0x400000; entries P|RW (3) and P|RW|PS (0x83). */
	assert_line(t, "0x401234: 4-level paging, CR3 0xe0000");
	assert_line(t, "  PML4E[   0] at 0x00000000000e0000 = 0x00000000000e1003  P RW S  -> table at 0xe1000");
	assert_line(t, "  PDPTE[   0] at 0x00000000000e1000 = 0x00000000000e2003  P RW S  -> table at 0xe2000");
	assert_line(t, "  PDE  [   2] at 0x00000000000e2010 = 0x0000000000400083  P RW S PS  -> 2 MiB page at 0x400000");
	assert_line(t, "  = physical 0x401234");
	/* Decimal works too: 4198964 = 0x401234. */
	assert_string_equal(mon(vm, "translate 4198964"), t);
	vm_destroy(vm);
}

static void test_translate_long_mode_4k_page(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	/* PD[3] -> a page table at 0x10000 whose entry 5 maps 0x123000 with
	 * P RW U A D (0x67): 0x605abc = PD index 3, PT index 5, offset 0xabc. */
	put64(vm, 0xe2000 + 3 * 8, 0x10000 | 0x7);
	put64(vm, 0x10000 + 5 * 8, 0x123000 | 0x67);
	const char *t = mon(vm, "translate 0x605abc");
	assert_line(t, "  PDE  [   3] at 0x00000000000e2018 = 0x0000000000010007  P RW U  -> table at 0x10000");
	assert_line(t, "  PTE  [   5] at 0x0000000000010028 = 0x0000000000123067  P RW U A D  -> 4 KiB page at 0x123000");
	assert_line(t, "  = physical 0x123abc");
	/* In a PTE bit 7 is PAT, not PS; bit 63 is XD, bit 8 G. */
	put64(vm, 0x10000 + 5 * 8, 0x8000000000123181ull);
	t = mon(vm, "translate 0x605abc");
	assert_line(t, "  PTE  [   5] at 0x0000000000010028 = 0x8000000000123181  P RO S PAT G XD  -> 4 KiB page at 0x123000");
	vm_destroy(vm);
}

static void test_translate_failures(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	/* 1 GiB: vmm maps the first GiB only (64 MiB of RAM); PDPT entry 1 is 0. */
	const char *t = mon(vm, "translate 0x40000000");
	assert_line(t, "  PDPTE[   1] at 0x00000000000e1008 = 0x0000000000000000  not present: the address is not mapped");
	assert_null(strstr(t, "physical"));
	/* Not canonical: nothing read. */
	t = mon(vm, "translate 0x800000000000");
	assert_non_null(strstr(t, "not canonical"));
	assert_null(strstr(t, "PML4E"));
	/* A table pointer outside RAM stops the walk without reading it. */
	put64(vm, 0xe2000 + 4 * 8, 0x80000000ull | 0x3);
	t = mon(vm, "translate 0x800000");
	assert_line(t, "  PTE  [   0] at 0x0000000080000000: not guest RAM, the walk stops");
	/* A mapping to a frame outside RAM is shown, and said to be no RAM. */
	put64(vm, 0xe2000 + 5 * 8, 0x40000000ull | 0x83);
	t = mon(vm, "translate 0xa00010");
	assert_line(t, "  = physical 0x40000010 (beyond the end of guest RAM)");
	/* Bad arguments. */
	assert_non_null(strstr(mon(vm, "translate"), "usage: monitor translate ADDR"));
	assert_non_null(strstr(mon(vm, "translate 0x"), "usage:"));
	assert_non_null(strstr(mon(vm, "translate 12z"), "usage:"));
	assert_non_null(strstr(mon(vm, "translate 0x10000000000000000"), "usage:"));
	assert_non_null(strstr(mon(vm, "translate 1 2"), "usage:"));
	vm_destroy(vm);
}

static void test_translate_other_modes(void **state)
{
	(void)state;
	skip_without_kvm();
	/* paged32: one page directory of 4 MiB pages at 0xE6000 (PSE):
	 * 0x801234 = PD index 2, entry 0x800083 (P RW PS). The walker's trace
	 * is checked directly: this host's software KVM drops CR0.PG without
	 * PAE (its 32-bit paging triple-faults), so `regs` would not see it. */
	struct vm *vm = new_vm(MODE_PAGED32);
	const struct paging_regs pr32 = { .cr0 = 0x80000011, .cr3 = 0xe6000, .cr4 = 0x10 };
	struct paging_trace tr;
	uint64_t gpa = 0, size = 0;
	assert_int_equal(paging_translate_trace(&pr32, 0x801234, vm_read_phys, vm, &gpa, &size, &tr), 0);
	assert_true(gpa == 0x801234 && size == 4u << 20);
	assert_int_equal(tr.n, 1);
	assert_string_equal(tr.steps[0].name, "PDE");
	assert_int_equal(tr.steps[0].index, 2);
	assert_true(tr.steps[0].entry_gpa == 0xe6008 && tr.steps[0].entry == 0x800083);
	assert_true(tr.steps[0].width == 4 && tr.steps[0].readable && tr.steps[0].leaf);
	/* Through a 4 KiB page table at 0x20000: PDE[3] -> PTE[1] = 0x5000. */
	memcpy(vm->ram + 0xe6000 + 3 * 4, &(uint32_t){ 0x20000 | 0x3 }, 4);
	memcpy(vm->ram + 0x20000 + 1 * 4, &(uint32_t){ 0x5000 | 0x1 }, 4);
	assert_int_equal(paging_translate_trace(&pr32, 0xc01010, vm_read_phys, vm, &gpa, &size, &tr), 0);
	assert_true(gpa == 0x5010 && size == 4096);
	assert_int_equal(tr.n, 2);
	assert_false(tr.steps[0].leaf);
	assert_string_equal(tr.steps[1].name, "PTE");
	assert_true(tr.steps[1].index == 1 && tr.steps[1].entry_gpa == 0x20004 && tr.steps[1].leaf);
	struct kvm_sregs s;
	assert_int_equal(vm_get_sregs(vm, &s), 0);
	if (s.cr0 & 0x80000000u) { /* hardware KVM keeps it: the monitor's lines */
		const char *t = mon(vm, "translate 0x801234");
		assert_line(t, "0x801234: 32-bit, 2 levels paging, CR3 0xe6000");
		assert_line(t, "  PDE  [   2] at 0x000e6008 = 0x00800083  P RW S PS  -> 4 MiB page at 0x800000");
		assert_line(t, "  = physical 0x801234");
	}
	vm_destroy(vm);

	vm = new_vm(MODE_PROTECTED);
	const char *t = mon(vm, "translate 0x1234");
	assert_line(t, "0x1234: paging is off (CR0.PG=0): physical = linear");
	assert_line(t, "  = physical 0x1234");
	vm_destroy(vm);

	vm = new_vm(MODE_REAL);
	t = mon(vm, "translate 0xb8000");
	assert_line(t, "0xb8000: real mode, no paging: physical = linear (segment base + offset)");
	assert_line(t, "  = physical 0xb8000 (the VGA window, not RAM)");
	t = mon(vm, "translate 0x110000");
	assert_line(t, "  beyond 0x10ffef, the last byte real mode reaches");
	assert_null(strstr(t, "physical 0x"));
	vm_destroy(vm);
}

static void test_regs(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	const char *t = mon(vm, "regs");
	/* vm_setup_cpu's long mode: CR0 = PE MP ET NE WP PG, CR4 = PAE and
	 * SSE's two bits, EFER = LME LMA, a 4-entry GDT at 0xE7000, flat
	 * 64-bit code in selector 0x18 and data in 0x10. */
	assert_line(t, "mode   long mode, 64-bit code (EFER.LMA=1, CS.L=1); paging 4-level");
	assert_line(t, "cr0    0x0000000080010033  PE MP ET NE WP PG");
	assert_line(t, "cr3    0x00000000000e0000  (page-table root 0xe0000)");
	assert_line(t, "cr4    0x0000000000000620  PAE OSFXSR OSXMMEXCPT");
	assert_line(t, "efer   0x0000000000000500  LME LMA");
	assert_line(t, "gdtr   base 0x00000000000e7000  limit 0x001f (4 entries)");
	assert_line(t, "cs   sel 0x0018  base 0x0000000000000000  limit 0xffffffff  type 0xb "
		       "code exec/read accessed  dpl 0 (rpl 0)  P S L G");
	assert_line(t, "ss   sel 0x0010  base 0x0000000000000000  limit 0xffffffff  type 0x3 "
		       "data read/write accessed  dpl 0 (rpl 0)  P S DB G");
	for (const char *seg = "ds\0es\0fs\0gs\0tr\0ldtr\0"; *seg; seg += strlen(seg) + 1) {
		char prefix[16];
		snprintf(prefix, sizeof(prefix), "\n%-4s sel 0x", seg);
		assert_non_null(strstr(t, prefix));
	}
	assert_non_null(strstr(t, "\nidtr   base 0x"));
	assert_non_null(strstr(t, "\ncr2    0x"));
	vm_destroy(vm);

	vm = new_vm(MODE_REAL);
	t = mon(vm, "regs");
	assert_line(t, "mode   real mode (CR0.PE=0); paging none (real mode)");
	vm_destroy(vm);
	vm = new_vm(MODE_PROTECTED);
	t = mon(vm, "regs");
	assert_line(t, "mode   protected mode, 32-bit code (CS.D=1); paging off (CR0.PG=0)");
	assert_line(t, "cr0    0x0000000000000033  PE MP ET NE");
	vm_destroy(vm);
}

static void test_phys(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	memcpy(vm->ram + 0x2000, "Hello, world!\n\x01\xff", 16);
	const char *t = mon(vm, "phys 0x2000 16");
	assert_string_equal(t, "0x00002000: 48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 ff  |Hello, world!...|\n");
	/* A short last line keeps the columns: 11 missing bytes of 3 columns,
	 * the gap after the 8th, then the 2 before '|'. */
	t = mon(vm, "phys 8192 5");
	char want[128];
	snprintf(want, sizeof(want), "0x00002000: 48 65 6c 6c 6f%*s|Hello|\n", 11 * 3 + 1 + 2, "");
	assert_string_equal(t, want);
	/* The default length is 64 bytes: 4 lines. */
	t = mon(vm, "phys 0x2000");
	assert_int_equal(strlen(t), 4 * strlen("0x00002000: 48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 ff  |Hello, world!...|\n"));
	/* The last bytes of RAM are RAM; one past is not. */
	assert_non_null(strstr(mon(vm, "phys 0x3fffff0 16"), "0x03fffff0: 00"));
	const char *refused = "is not all guest RAM (RAM: 0x0-0x9ffff and 0xc0000-0x3ffffff)";
	assert_non_null(strstr(mon(vm, "phys 0x3fffff8 16"), refused));
	assert_non_null(strstr(mon(vm, "phys 0xa0000 1"), refused));
	assert_non_null(strstr(mon(vm, "phys 0x9fff8 16"), refused));
	assert_non_null(strstr(mon(vm, "phys 0xffffffffffffffff 2"), refused));
	/* LEN is capped at half a page, whose dump fits the stub's 16 KiB. */
	t = mon(vm, "phys 0 5000");
	assert_true(strncmp(t, "(LEN cut to 2048 bytes)\n0x00000000:", 35) == 0);
	assert_non_null(strstr(t, "\n0x000007f0:"));
	assert_null(strstr(t, "\n0x00000800:"));
	assert_true(strlen(t) < 16384);
	/* Bad arguments. */
	for (const char *bad = "phys\0phys 0x2000 0\0phys x\0phys 1 2 3\0phys -1 4\0"; *bad;
	     bad += strlen(bad) + 1)
		assert_non_null(strstr(mon(vm, bad), "usage: monitor phys ADDR [LEN]"));
	vm_destroy(vm);
}

static void hook_line(struct vm *vm, void *opaque)
{
	fprintf(vm->stats_out, "  %s\n", (const char *)opaque);
}

static void test_stats(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	vm->stats.exits = 7;
	vm->stats.by_reason[KVM_EXIT_IO] = 5;
	vm->stats.by_reason[KVM_EXIT_HLT] = 2;
	vm->stats.hypercalls = 3;
	assert_int_equal(vm_add_stats_hook(vm, hook_line, "device line"), 0);
	const char *t = mon(vm, "stats");
	/* The -stats table, device hooks' lines included, in gdb's text. */
	assert_line(t, "vmm: exit statistics");
	assert_line(t, "  total exits 7");
	assert_line(t, "  reason io                          5");
	assert_line(t, "  reason hlt                         2");
	assert_line(t, "  hypercalls 3 (failed 0)");
	assert_line(t, "  device line");
	assert_null(vm->stats_out);
	vm_destroy(vm);
}

static void test_help_quit_unknown(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	const char *t = mon(vm, "help");
	for (const char *c = "regs\0translate ADDR\0phys ADDR [LEN]\0stats\0quit\0help\0"; *c; c += strlen(c) + 1) {
		char want[64];
		snprintf(want, sizeof(want), "\n  %s ", c);
		assert_non_null(strstr(t, want));
	}
	assert_string_equal(mon(vm, ""), t);
	assert_string_equal(mon(vm, "  help  "), t);
	/* Leading blanks are allowed before any command. */
	assert_non_null(strstr(mon(vm, "   regs"), "cr0    0x"));

	int quit = 0;
	assert_int_equal(gdb_monitor_command(vm, "quit", out, sizeof(out), &quit), 0);
	assert_int_equal(quit, 1);
	assert_non_null(strstr(out, "monitor quit"));

	/* Unknown: -1 (the stub answers with an error), with a hint. */
	quit = -1;
	assert_int_equal(gdb_monitor_command(vm, "regsx", out, sizeof(out), &quit), -1);
	assert_int_equal(quit, 0);
	assert_string_equal(out, "unknown monitor command \"regsx\"; try \"monitor help\"\n");
	assert_int_equal(gdb_monitor_command(vm, "quitnow", out, sizeof(out), &quit), -1);
	assert_int_equal(quit, 0);
	vm_destroy(vm);
}

static void test_small_buffer(void **state)
{
	(void)state;
	skip_without_kvm();
	struct vm *vm = new_vm(MODE_LONG);
	char small[100];
	memset(small, 'x', sizeof(small));
	/* A dump that does not fit is cut, NUL-terminated, and says so. */
	assert_int_equal(gdb_monitor_command(vm, "phys 0 256", small, sizeof(small), NULL), 0);
	assert_non_null(memchr(small, '\0', sizeof(small)));
	size_t n = strlen(small);
	assert_true(n == sizeof(small) - 1);
	assert_string_equal(small + n - strlen("(output cut: gdb's buffer is full)\n"),
			    "(output cut: gdb's buffer is full)\n");
	/* The same for the -stats table, printed through a stream. */
	memset(small, 'x', sizeof(small));
	vm->stats.by_reason[KVM_EXIT_IO] = 1;
	vm->stats.by_reason[KVM_EXIT_HLT] = 1;
	assert_int_equal(gdb_monitor_command(vm, "stats", small, 80, NULL), 0);
	assert_int_equal(strlen(small), 79);
	assert_true(strncmp(small, "vmm: exit statistics\n  total exits", 34) == 0);
	assert_string_equal(small + 79 - strlen("(output cut: gdb's buffer is full)\n"),
			    "(output cut: gdb's buffer is full)\n");
	assert_int_equal(small[80], 'x');
	/* No room at all: nothing written, no crash; quit still reported. */
	int quit = 0;
	assert_int_equal(gdb_monitor_command(vm, "regs", NULL, 0, NULL), 0);
	assert_int_equal(gdb_monitor_command(vm, "quit", NULL, 0, &quit), 0);
	assert_int_equal(quit, 1);
	char one[1] = { 'x' };
	assert_int_equal(gdb_monitor_command(vm, "help", one, 1, NULL), 0);
	assert_int_equal(one[0], '\0');
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_long_mode_2m_page),
		cmocka_unit_test(test_translate_long_mode_4k_page),
		cmocka_unit_test(test_translate_failures),
		cmocka_unit_test(test_translate_other_modes),
		cmocka_unit_test(test_regs),
		cmocka_unit_test(test_phys),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_help_quit_unknown),
		cmocka_unit_test(test_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
