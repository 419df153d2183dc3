/*
 * gdb's `monitor` commands (gdb_monitor.h): the system state gdb has no view
 * of, printed as text for gdb's console. Students use them to see what the
 * CPU really runs with (control registers, hidden segment parts), to follow
 * a page walk level by level, and to read physical memory.
 *
 * Every address gdb hands over is checked against guest RAM (vm_gpa_ptr,
 * vm_read_phys) before anything is read; nothing here writes the guest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_monitor.h"
#include "layout.h"
#include "paging.h"
#include "vm.h"
#include "x86.h"

/* `monitor phys` dumps at most half a page: 128 lines of 79 characters,
 * about 10 KiB, which fits the stub's 16 KiB reply buffer (gdb_stub.c's
 * MONITOR_OUT_MAX) with room to spare. */
#define PHYS_MAX_LEN 2048u
#define PHYS_DEFAULT_LEN 64u

/* The text for gdb, appended piece by piece; what does not fit is cut and
 * the cut is said at the end. */
struct text {
	char *buf;
	size_t cap, len;
	bool cut;
};

__attribute__((format(printf, 2, 3)))
static void say(struct text *t, const char *fmt, ...)
{
	if (t->cap == 0 || t->cut)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= t->cap - t->len) {
		t->cut = true;
		t->len = t->cap - 1;
	} else {
		t->len += (size_t)n;
	}
}

/* Ends the text; a cut one gets a last line that says so, overwriting the
 * end of the buffer if it must. */
static void finish(struct text *t)
{
	static const char note[] = "\n(output cut: gdb's buffer is full)\n";
	if (t->cap == 0)
		return;
	if (t->cut && t->cap > sizeof(note))
		memcpy(t->buf + t->cap - sizeof(note), note, sizeof(note));
	else
		t->buf[t->len] = '\0';
}

/* Names of the set bits, lowest first (names[i] is bit i's, NULL: none),
 * two spaces after the value before the first. */
static void say_bits(struct text *t, uint64_t value, const char *const *names, unsigned count)
{
	const char *sep = "  ";
	for (unsigned i = 0; i < count; i++)
		if (names[i] && (value >> i & 1)) {
			say(t, "%s%s", sep, names[i]);
			sep = " ";
		}
}

static const char *const cr0_bits[32] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET", [5] = "NE",
	[16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG",
};
static const char *const cr4_bits[25] = {
	[0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE", [5] = "PAE",
	[6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR", [10] = "OSXMMEXCPT",
	[11] = "UMIP", [12] = "LA57", [13] = "VMXE", [14] = "SMXE", [16] = "FSGSBASE",
	[17] = "PCIDE", [18] = "OSXSAVE", [20] = "SMEP", [21] = "SMAP", [22] = "PKE",
	[23] = "CET", [24] = "PKS",
};
static const char *const efer_bits[16] = {
	[0] = "SCE", [8] = "LME", [10] = "LMA", [11] = "NXE", [12] = "SVME",
	[13] = "LMSLE", [14] = "FFXSR", [15] = "TCE",
};

/* What the CPU executes in now, in words. */
static const char *cpu_mode_words(const struct kvm_sregs *s, uint64_t rflags)
{
	if (!(s->cr0 & CR0_PE))
		return "real mode (CR0.PE=0)";
	if (rflags & (UINT64_C(1) << 17))
		return "virtual-8086 mode (RFLAGS.VM=1)";
	if (s->efer & EFER_LMA)
		return s->cs.l ? "long mode, 64-bit code (EFER.LMA=1, CS.L=1)"
			       : s->cs.db ? "long mode, 32-bit compatibility code (CS.L=0, CS.D=1)"
					  : "long mode, 16-bit compatibility code (CS.L=0, CS.D=0)";
	return s->cs.db ? "protected mode, 32-bit code (CS.D=1)"
			: "protected mode, 16-bit code (CS.D=0)";
}

static const char *paging_words(enum paging_mode m)
{
	switch (m) {
	case PAGING_REAL: return "none (real mode)";
	case PAGING_NONE: return "off (CR0.PG=0)";
	case PAGING_32: return "32-bit, 2 levels";
	case PAGING_PAE: return "PAE, 3 levels";
	case PAGING_LONG4: return "4-level";
	case PAGING_LONG5: return "5-level (LA57)";
	}
	return "?";
}

/* A segment's type field in words (Intel SDM vol. 3, 3.4.5.1 and 3.5). */
static void say_segment_type(struct text *t, const struct kvm_segment *seg)
{
	unsigned type = seg->type;
	if (seg->s) {
		if (type & 8)
			say(t, "code %s%s%s", type & 2 ? "exec/read" : "exec-only",
			    type & 4 ? " conforming" : "", type & 1 ? " accessed" : "");
		else
			say(t, "data %s%s%s", type & 2 ? "read/write" : "read-only",
			    type & 4 ? " expand-down" : "", type & 1 ? " accessed" : "");
		return;
	}
	static const char *const system[16] = {
		[1] = "16-bit TSS available", [2] = "LDT", [3] = "16-bit TSS busy",
		[4] = "16-bit call gate", [5] = "task gate", [6] = "16-bit interrupt gate",
		[7] = "16-bit trap gate", [9] = "32/64-bit TSS available",
		[11] = "32/64-bit TSS busy", [12] = "32/64-bit call gate",
		[14] = "32/64-bit interrupt gate", [15] = "32/64-bit trap gate",
	};
	say(t, "system %s", system[type & 15] ? system[type & 15] : "reserved");
}

static void say_segment(struct text *t, const char *name, const struct kvm_segment *seg)
{
	say(t, "%-4s sel 0x%04x  base 0x%016llx  limit 0x%08x  type 0x%x ", name, seg->selector,
	    (unsigned long long)seg->base, seg->limit, seg->type);
	say_segment_type(t, seg);
	say(t, "  dpl %u (rpl %u) ", seg->dpl, seg->selector & 3u);
	say(t, "%s%s%s%s%s%s%s\n", seg->present ? " P" : " not-present", seg->s ? " S" : "",
	    seg->db ? " DB" : "", seg->l ? " L" : "", seg->g ? " G" : "", seg->avl ? " AVL" : "",
	    seg->unusable ? " unusable" : "");
}

static int cmd_regs(struct vm *vm, struct text *t)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	if (vm_get_sregs(vm, &s) < 0 || vm_get_regs(vm, &r) < 0) {
		say(t, "registers unavailable: %s\n", strerror(errno));
		return 0;
	}
	struct paging_regs pr = { s.cr0, s.cr3, s.cr4, s.efer };
	say(t, "mode   %s; paging %s\n", cpu_mode_words(&s, r.rflags), paging_words(paging_mode_of(&pr)));
	say(t, "cr0    0x%016llx", (unsigned long long)s.cr0);
	say_bits(t, s.cr0, cr0_bits, 32);
	say(t, "\ncr2    0x%016llx  (last page-fault address)\n", (unsigned long long)s.cr2);
	say(t, "cr3    0x%016llx  (page-table root 0x%llx)\n", (unsigned long long)s.cr3,
	    (unsigned long long)(s.cr3 & ~UINT64_C(0xfff)));
	say(t, "cr4    0x%016llx", (unsigned long long)s.cr4);
	say_bits(t, s.cr4, cr4_bits, 25);
	say(t, "\ncr8    0x%016llx  (task priority)\n", (unsigned long long)s.cr8);
	say(t, "efer   0x%016llx", (unsigned long long)s.efer);
	say_bits(t, s.efer, efer_bits, 16);
	say(t, "\ngdtr   base 0x%016llx  limit 0x%04x (%u entries)\n", (unsigned long long)s.gdt.base,
	    s.gdt.limit, (s.gdt.limit + 1u) / 8u);
	say(t, "idtr   base 0x%016llx  limit 0x%04x\n", (unsigned long long)s.idt.base, s.idt.limit);
	const struct { const char *name; const struct kvm_segment *seg; } segs[] = {
		{ "cs", &s.cs }, { "ds", &s.ds }, { "es", &s.es }, { "fs", &s.fs },
		{ "gs", &s.gs }, { "ss", &s.ss }, { "tr", &s.tr }, { "ldtr", &s.ldt },
	};
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		say_segment(t, segs[i].name, segs[i].seg);
	say(t, "apic_base 0x%016llx\n", (unsigned long long)s.apic_base);
	return 0;
}

/* A number as a student types it: 0x-prefixed hex or decimal (a bare
 * "0100" is decimal 100, not octal). The whole word must be the number. */
static int parse_number(const char **p, uint64_t *value)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!(base == 16 ? (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
				   (*s >= 'A' && *s <= 'F')
			 : (*s >= '0' && *s <= '9')))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno == ERANGE || (*end != '\0' && *end != ' ' && *end != '\t'))
		return -1;
	*value = v;
	*p = end;
	return 0;
}

static bool at_end(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

/* Why gpa is not guest RAM, for messages; NULL if it is. */
static const char *not_ram_reason(struct vm *vm, uint64_t gpa)
{
	if (vm_gpa_ptr(vm, gpa, 1))
		return NULL;
	if (gpa >= VGA_WINDOW_BASE && gpa < VGA_WINDOW_END)
		return "the VGA window, not RAM";
	return "beyond the end of guest RAM";
}

/* An entry's flag bits in words. `level_4k`: a PTE, whose bit 7 is PAT. */
static void say_entry_flags(struct text *t, const struct paging_step *st, bool level_4k)
{
	uint64_t e = st->entry;
	say(t, " P %s %s", e & 2 ? "RW" : "RO", e & 4 ? "U" : "S");
	if (e & 8)
		say(t, " PWT");
	if (e & 16)
		say(t, " PCD");
	if (e & 32)
		say(t, " A");
	if (e & 64)
		say(t, " D");
	if (e & 128)
		say(t, level_4k ? " PAT" : " PS");
	if (e & 256)
		say(t, " G");
	if (st->width == 8 && (e >> 63))
		say(t, " XD");
}

static void say_size(struct text *t, uint64_t size)
{
	if (size >= (UINT64_C(1) << 30))
		say(t, "%llu GiB", (unsigned long long)(size >> 30));
	else if (size >= (UINT64_C(1) << 20))
		say(t, "%llu MiB", (unsigned long long)(size >> 20));
	else
		say(t, "%llu KiB", (unsigned long long)(size >> 10));
}

/* One line per entry the walk read. */
static void say_walk(struct text *t, const struct paging_trace *tr, uint64_t gpa)
{
	for (int i = 0; i < tr->n; i++) {
		const struct paging_step *st = &tr->steps[i];
		say(t, "  %-5s[%4u] at 0x%0*llx", st->name, st->index, st->width == 4 ? 8 : 16,
		    (unsigned long long)st->entry_gpa);
		if (!st->readable) {
			say(t, ": not guest RAM, the walk stops\n");
			continue;
		}
		say(t, " = 0x%0*llx ", st->width == 4 ? 8 : 16, (unsigned long long)st->entry);
		if (!(st->entry & PTE_PRESENT)) {
			say(t, " not present: the address is not mapped\n");
			continue;
		}
		bool pte = strcmp(st->name, "PTE") == 0;
		say_entry_flags(t, st, pte);
		if (st->leaf) {
			say(t, "  -> ");
			say_size(t, st->page_size);
			say(t, " page at 0x%llx\n", (unsigned long long)(gpa & ~(st->page_size - 1)));
		} else {
			uint64_t mask = st->width == 4 ? UINT64_C(0xFFFFF000) : UINT64_C(0x000FFFFFFFFFF000);
			say(t, "  -> table at 0x%llx\n", (unsigned long long)(st->entry & mask));
		}
	}
}

static int cmd_translate(struct vm *vm, const char *args, struct text *t)
{
	uint64_t gva, gpa, page_size;
	if (parse_number(&args, &gva) < 0 || !at_end(args)) {
		say(t, "usage: monitor translate ADDR (0x-hex or decimal)\n");
		return 0;
	}
	struct kvm_sregs s;
	if (vm_get_sregs(vm, &s) < 0) {
		say(t, "registers unavailable: %s\n", strerror(errno));
		return 0;
	}
	struct paging_regs pr = { s.cr0, s.cr3, s.cr4, s.efer };
	enum paging_mode mode = paging_mode_of(&pr);
	struct paging_trace tr;
	int rc = paging_translate_trace(&pr, gva, vm_read_phys, vm, &gpa, &page_size, &tr);

	say(t, "0x%llx: ", (unsigned long long)gva);
	switch (mode) {
	case PAGING_REAL:
		say(t, "real mode, no paging: physical = linear (segment base + offset)\n");
		if (rc != 0)
			say(t, "  beyond 0x10ffef, the last byte real mode reaches\n");
		break;
	case PAGING_NONE:
		say(t, "paging is off (CR0.PG=0): physical = linear\n");
		if (rc != 0)
			say(t, "  at or above 4 GiB: beyond a 32-bit linear address\n");
		break;
	default:
		say(t, "%s paging, CR3 0x%llx\n", paging_words(mode), (unsigned long long)s.cr3);
		if (rc != 0 && tr.n == 0)
			say(t, "  %s: not mapped\n",
			    mode == PAGING_LONG4 || mode == PAGING_LONG5
				    ? "not canonical (the bits above the top one used must copy it)"
				    : "at or above 4 GiB: beyond a 32-bit linear address");
		say_walk(t, &tr, gpa);
		break;
	}
	if (rc != 0)
		return 0;
	const char *why = not_ram_reason(vm, gpa);
	say(t, "  = physical 0x%llx%s%s%s\n", (unsigned long long)gpa, why ? " (" : "",
	    why ? why : "", why ? ")" : "");
	return 0;
}

static int cmd_phys(struct vm *vm, const char *args, struct text *t)
{
	uint64_t addr, len = PHYS_DEFAULT_LEN;
	if (parse_number(&args, &addr) < 0 || (!at_end(args) && parse_number(&args, &len) < 0) ||
	    !at_end(args) || len == 0) {
		say(t, "usage: monitor phys ADDR [LEN] (0x-hex or decimal; LEN 1..%u, default %u)\n",
		    PHYS_MAX_LEN, PHYS_DEFAULT_LEN);
		return 0;
	}
	if (len > PHYS_MAX_LEN) {
		say(t, "(LEN cut to %u bytes)\n", PHYS_MAX_LEN);
		len = PHYS_MAX_LEN;
	}
	const uint8_t *p = vm_gpa_ptr(vm, addr, len);
	if (!p) {
		say(t, "phys: 0x%llx..0x%llx is not all guest RAM (RAM: 0x0-0x%llx and 0x%llx-0x%llx)\n",
		    (unsigned long long)addr, (unsigned long long)(addr + len - 1),
		    LOW_RAM_END - 1, BIOS_AREA_BASE, (unsigned long long)(vm->mem_size - 1));
		return 0;
	}
	for (uint64_t off = 0; off < len; off += 16) {
		uint64_t n = len - off < 16 ? len - off : 16;
		say(t, "0x%08llx:", (unsigned long long)(addr + off));
		for (uint64_t i = 0; i < 16; i++) {
			if (i == 8)
				say(t, " ");
			if (i < n)
				say(t, " %02x", p[off + i]);
			else
				say(t, "   ");
		}
		say(t, "  |");
		for (uint64_t i = 0; i < n; i++) {
			uint8_t c = p[off + i];
			say(t, "%c", c >= 0x20 && c < 0x7f ? c : '.');
		}
		say(t, "|\n");
	}
	return 0;
}

/* The -stats table straight into the rest of the buffer: fmemopen needs no
 * system call (open_memstream's growth could realloc with mremap, which the
 * sandbox forbids). */
static int cmd_stats(struct vm *vm, struct text *t)
{
	if (t->cap == 0 || t->cut)
		return 0;
	size_t room = t->cap - t->len;
	FILE *f = room > 1 ? fmemopen(t->buf + t->len, room, "w") : NULL;
	if (!f) {
		t->cut = room <= 1;
		if (!t->cut)
			say(t, "stats unavailable: %s\n", strerror(errno));
		return 0;
	}
	vm_print_stats_to(vm, f);
	fflush(f);
	long n = ftell(f);
	fclose(f);
	if (n < 0 || (size_t)n >= room - 1) { /* full: the table may go on */
		t->cut = true;
		t->len = t->cap - 1;
	} else {
		t->len += (size_t)n;
	}
	t->buf[t->len] = '\0';
	return 0;
}

static void cmd_help(struct text *t)
{
	say(t, "vmm monitor commands (numbers: 0x-hex or decimal):\n"
	       "  regs                 control registers, EFER, GDTR/IDTR, segments with hidden parts\n"
	       "  translate ADDR       the page walk of virtual ADDR, level by level\n"
	       "  phys ADDR [LEN]      hexdump of guest-physical memory (LEN <= %u, default %u)\n"
	       "  stats                the -stats table so far\n"
	       "  quit                 end the run\n"
	       "  help                 this list\n",
	    PHYS_MAX_LEN, PHYS_DEFAULT_LEN);
}

/* True if the first word of *line is `word`; then *line moves past it. */
static bool take_word(const char **line, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*line, word, n) != 0 || ((*line)[n] != '\0' && (*line)[n] != ' ' && (*line)[n] != '\t'))
		return false;
	*line += n;
	return true;
}

int gdb_monitor_command(struct vm *vm, const char *cmd, char *out, size_t outlen, int *quit)
{
	struct text t = { out, outlen, 0, false };
	int rc = 0;
	if (quit)
		*quit = 0;
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (*cmd == '\0' || take_word(&cmd, "help")) {
		cmd_help(&t);
	} else if (take_word(&cmd, "regs")) {
		rc = cmd_regs(vm, &t);
	} else if (take_word(&cmd, "translate")) {
		rc = cmd_translate(vm, cmd, &t);
	} else if (take_word(&cmd, "phys")) {
		rc = cmd_phys(vm, cmd, &t);
	} else if (take_word(&cmd, "stats")) {
		rc = cmd_stats(vm, &t);
	} else if (take_word(&cmd, "quit")) {
		say(&t, "vmm: quitting at gdb's request (monitor quit)\n");
		if (quit)
			*quit = 1;
	} else {
		say(&t, "unknown monitor command \"%.40s\"; try \"monitor help\"\n", cmd);
		rc = -1;
	}
	finish(&t);
	return rc;
}
