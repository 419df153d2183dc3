#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_stub.h"
#include "layout.h"
#include "qemu_options.h"
#include "serial_backend.h"

#define VMM_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [options] FILE    (the guest; or -guest FILE, or -kernel FILE)\n"
		"Runs one guest on KVM: a flat binary, an ELF32/ELF64 executable, a Multiboot v1 or\n"
		"Multiboot2 kernel (detected from the file). Options take one dash or two and their full\n"
		"names (no abbreviations); QEMU's spellings are listed below the options.\n"
		"\n"
		"  -guest FILE       the guest image (or FILE alone, as the one positional argument)\n"
		"  -disk FILE[,ro]   a raw disk image (size a multiple of 512) as the ATA master and PV disk\n"
		"  -disk-ro          open the -disk image read-only (guest writes fail)\n"
		"  -mode MODE        CPU mode for flat binaries: real (default), protected, paged32, long\n"
		"  -load ADDR        guest-physical load address of a flat binary (default 0)\n"
		"  -entry ADDR       entry point (default: the load address, or the ELF/Multiboot entry);\n"
		"                    physical: an address in an ELF segment's virtual range is translated\n"
		"  -stack ADDR       initial stack pointer RSP, any mode (default: the top of RAM; real\n"
		"                    mode: 0x90000, SS = 0 so SP = 0: the top of the first 64 KiB)\n"
		"  -mem SIZE         guest RAM: 64M, 1G, or a number alone in MiB, 64 (default 64M; 2M..3G)\n"
		"  -append TEXT      Multiboot command line (after the file name, as QEMU passes it;\n"
		"                    Multiboot2: the text alone, as GRUB passes it)\n"
		"  -initrd \"F A,G\"   Multiboot modules, QEMU's syntax: ',' separates modules (',,' is a\n"
		"                    comma), a module is its file name and arguments\n"
		"  -multiboot2       boot a kernel with Multiboot v1 and Multiboot2 headers as Multiboot2\n"
		"                    (by default it boots as Multiboot v1, as QEMU boots it)\n"
		"  -timeout SECONDS  stop the guest after this long (exit status 124); inf: no limit\n"
		"  -stats            print exit and interrupt statistics on stderr when the guest stops\n"
		"  -no-io-fastpath   every guest port write exits to vmm: no KVM coalesced writes (ATA\n"
		"                    data port), no ioeventfd (disk queue doorbell); to study exits\n"
		"  -no-hva           the GVA_TO_HVA hypercall returns -EPERM instead of a host address\n"
		"  -vga BACKING      VGA text buffer: mapped (default: guest RAM, no exits) or trapped\n"
		"                    (every access exits to vmm)\n"
		"  -display KIND     sdl (a window), term (this terminal), none; default sdl when\n"
		"                    $DISPLAY or $WAYLAND_DISPLAY works, else none. Keys go to the\n"
		"                    guest's PS/2 keyboard. ESC quits until the guest takes the keyboard\n"
		"                    (touches port 0x60/0x64 or unmasks IRQ1); then quit with Ctrl+Alt+Q\n"
		"                    or by closing the window, Ctrl-A x in the terminal. When the guest\n"
		"                    stops, the window or terminal keeps its last screen and the reason\n"
		"                    (title, status line) until closed: ESC, q, the window closed; vmm\n"
		"                    then exits with the guest's status. Scripts: use -display none\n"
		"                    (or -no-wait). term: the guest's console (port 0xe9, COM1) scrolls\n"
		"                    under the screen and is printed whole after exit. sdl with no\n"
		"                    X11/Wayland server: an error (exit 1); the default runs with none\n"
		"  -no-wait          the window or terminal display closes when the guest stops\n"
		"  -screenshot FILE  write the final screen as a 720x400 PNG when the guest stops\n"
		"  -screendump FILE  write the final screen's 25 text lines (UTF-8) when the guest stops\n"
		"  -sandbox MODE     seccomp sandbox after setup (default: " SANDBOX_DEFAULT_NAME "): on (a forbidden\n"
		"                    system call stops vmm, exit status 122), log (the kernel logs it), off\n"
		"  -irqchip WHO      who emulates the 8259 PICs and 8254 PIT: user (vmm, default) or\n"
		"                    kernel (KVM's in-kernel chips; here ~20 ms more per run)\n"
		"  -serial SPEC      COM1 (QEMU's spelling): stdio (stdout, and stdin feeds the guest),\n"
		"                    none (no COM1), null, file:PATH (output only), unix:PATH (connect)\n"
		"                    or unix:PATH,server (wait for one client). Default: stdio when stdin\n"
		"                    is a terminal (not with -display term), else output to stdout and\n"
		"                    stdin left unread. On a terminal: Ctrl-C goes to the guest, Ctrl-A x\n"
		"                    quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h lists the keys\n"
		"  -rtc base=WHEN    the CMOS clock's start: utc (default: the host's time in UTC),\n"
		"                    localtime (the host's wall clock), or 2026-01-02T03:04:05 or\n"
		"                    2026-01-02 (a fixed moment); it runs on with the guest\n"
		"  -trace exits[=FILE]  one line per VM exit (time in us, reason, port or MMIO address,\n"
		"                    size, value, RIP; hypercalls by name), interrupts raised and\n"
		"                    injected, hlt waits, the stop: to stderr, or to FILE (opened\n"
		"                    before the guest runs)\n"
		"  -trace-format F   text (default) or json: one JSON object per line (README: Tracing exits)\n"
		"  -gdb SPEC         gdb remote stub: tcp::PORT (127.0.0.1), tcp:HOST:PORT or unix:PATH;\n"
		"                    one gdb at a time (docs/debugging.md)\n"
		"  -s                the same as -gdb tcp::1234\n"
		"  -S                the guest waits for gdb before its first instruction\n"
		"  -gdb-arch ARCH    gdb's register layout, i386 or x86-64 (default: the guest's mode at\n"
		"                    start; x86-64 for a 32-bit kernel that switches to long mode)\n"
		"  -v                verbose: loader details, each device the guest uses, unclaimed ports\n"
		"  -help, -version   (only -h, -help and --help print this)\n"
		"\n"
		"QEMU's spellings, with QEMU's meanings (README: For QEMU users):\n"
		"  -kernel FILE      -guest FILE\n"
		"  -m [size=]SIZE    -mem SIZE (a number alone is MiB, as in QEMU)\n"
		"  -hda FILE         -disk FILE\n"
		"  -drive file=FILE,format=raw[,if=ide][,index=0][,media=disk][,readonly=on]\n"
		"                    -disk FILE (\",,\" in FILE is a comma); other formats, interfaces refused\n"
		"  -nographic        -display none with COM1 on this terminal: -serial stdio, Ctrl-A x quits\n"
		"  -d guest_errors,unimp   -v (other -d items are refused)\n"
		"  -enable-kvm, -accel kvm, -no-reboot, -no-shutdown   accepted: vmm always runs on KVM,\n"
		"                    and a guest's reset ends vmm (status 120)\n"
		"  -debugcon stdio, -device isa-debug-exit,iobase=0xf4,iosize=4, -monitor none\n"
		"                    accepted: vmm always has port 0xE9 on stdout and port 0xF4, and no monitor\n"
		"  Other QEMU options and values (-cdrom, -smp, -cpu, -device e1000, -netdev, -boot, -bios,\n"
		"  ...) are refused with the reason, exit status 2.\n"
		"\n"
		"Devices every guest has (docs/devices.md, docs/hypercalls.md):\n"
		"  0xE9         debug console: bytes to stdout\n"
		"  0xF4         isa-debug-exit: writing v ends vmm with status (v << 1) | 1\n"
		"  0xABBA       hypercalls: a 32-bit out of a request block's guest-physical address\n"
		"  0xB8000      VGA text screen, 80x25 (ports 0x3C0-0x3DF, cursor at 0x3D4/0x3D5)\n"
		"  0x1F0-0x1F7, 0x3F6   ATA disk, the IDE master (-disk), polled: no IRQ\n"
		"  0x3F8-0x3FF  COM1, 16550A UART (IRQ 4)\n"
		"  0x60, 0x64   i8042 PS/2 keyboard controller (IRQ 1)\n"
		"  0x20-0x21, 0xA0-0xA1   8259A interrupt controllers (ELCR 0x4D0-0x4D1)\n"
		"  0x40-0x43, 0x61   8254 timer (IRQ 0) and port 0x61\n"
		"  0x70-0x71    CMOS and real-time clock (IRQ 8)\n"
		"  0xCF8-0xCFF  PCI configuration, host bridge 00:00.0; reset: 0x92 bit 0, 0xCF9\n"
		"Docs: README.md, docs/devices.md, docs/hypercalls.md (installed: share/doc/vmm)\n"
		"\n"
		"Exit status:\n"
		"  N                the guest's own: EXIT hypercall N (an SDK guest's main returning N);\n"
		"                   v written to port 0xf4: (v << 1) | 1\n"
		"  0                the guest halted (hlt with interrupts disabled), or the user quit\n"
		"                   (ESC, Ctrl+Alt+Q, Ctrl-A x, the window closed)\n"
		"  1                host error (no KVM, out of memory, ...)\n"
		"  2                usage error, malformed guest or disk image, disk image in use\n"
		"  119              gdb killed the guest (kill, monitor quit)\n"
		"  120              the guest asked for a reset (vmm never reboots)\n"
		"  121              guest output lost: stdout failed, not by a closed pipe (wins over\n"
		"                   every other status); also when the -trace output failed\n"
		"  122              sandbox violation: a system call outside the allow-list\n"
		"  123              KVM internal error\n"
		"  124              -timeout elapsed\n"
		"  125              guest triple fault\n"
		"  128+N            stopped by signal N\n");
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (end == s || s[0] == '-')
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* The longest -timeout: about 31 years, far inside what the run loop's 64-bit
 * nanosecond deadline can hold (beyond 1.8e10 s the conversion would wrap). */
#define TIMEOUT_MAX_SEC 1e9

/* -timeout: seconds (a decimal fraction is fine) in (0, TIMEOUT_MAX_SEC], or
 * "inf"/"infinity" for no limit (stored as 0, as when -timeout is absent).
 * NaN, negative, zero and out-of-range values are refused. */
static int parse_timeout(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE) /* ERANGE: 1e400 is not "inf" */
		return -1;
	if (isinf(v) && v > 0) {
		*out = 0;
		return 0;
	}
	if (!(v > 0) || v > TIMEOUT_MAX_SEC)
		return -1;
	*out = v;
	return 0;
}

/* A usage error: one line on stderr, exit status 2. */
static int bad(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(int *status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "vmm: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see vmm --help)\n");
	va_end(ap);
	*status = EXIT_USAGE;
	return -1;
}

/* "-disk FILE,ro" (QEMU's style) means -disk FILE -disk-ro. The name is
 * copied so that argv stays intact for messages. */
static void split_disk_suffix(struct options *opt)
{
	size_t len = strlen(opt->disk);
	if (len <= 3 || strcmp(opt->disk + len - 3, ",ro") != 0)
		return;
	static char name[4096];
	snprintf(name, sizeof(name), "%.*s", (int)(len - 3), opt->disk);
	opt->disk = name;
	opt->disk_read_only = true;
}

enum { OPT_GUEST = 256, OPT_DISK, OPT_DISK_RO, OPT_MODE, OPT_LOAD, OPT_ENTRY, OPT_MEM, OPT_APPEND,
       OPT_TIMEOUT, OPT_STATS, OPT_NO_IO_FASTPATH, OPT_HELP, OPT_VERSION, OPT_NO_HVA };
enum { OPT_VGA = 512, OPT_DISPLAY, OPT_SCREENSHOT, OPT_SCREENDUMP, OPT_NO_WAIT };
enum { OPT_SANDBOX = 768 };
enum { OPT_IRQCHIP = 1024, OPT_SERIAL, OPT_RTC };
enum { OPT_STACK = 1280 };
enum { OPT_INITRD = 1536, OPT_MULTIBOOT2 };
/* QEMU's spellings (issue 13); their codes above 2048. */
enum { OPT_VERBOSE = 1792, OPT_POSITIONAL, OPT_END };
enum { OPT_HDA = 2048, OPT_DRIVE, OPT_NOGRAPHIC, OPT_ACCEL, OPT_QEMU_LOG, OPT_QEMU_NO_OP,
       OPT_DEBUGCON, OPT_DEVICE, OPT_MONITOR };

enum { OPT_TRACE = 2304, OPT_TRACE_FORMAT };
enum { OPT_GDB = 2560, OPT_GDB_DEFAULT, OPT_GDB_WAIT, OPT_GDB_ARCH };

enum option_value { NO_VALUE, VALUE };

/* One option: its name as typed after one dash or two, whether it takes a
 * value (the next argument, or after '='), and its code. Names match
 * exactly: no abbreviations, which made -hda mean -h (issue 13). */
struct cli_option {
	const char *name;
	enum option_value value;
	int code;
};

static const struct cli_option cli_options[] = {
	{ "guest", VALUE, OPT_GUEST },
	{ "disk", VALUE, OPT_DISK },
	{ "disk-ro", NO_VALUE, OPT_DISK_RO },
	{ "mode", VALUE, OPT_MODE },
	{ "load", VALUE, OPT_LOAD },
	{ "entry", VALUE, OPT_ENTRY },
	{ "stack", VALUE, OPT_STACK },
	{ "mem", VALUE, OPT_MEM },
	{ "append", VALUE, OPT_APPEND },
	{ "initrd", VALUE, OPT_INITRD },
	{ "multiboot2", NO_VALUE, OPT_MULTIBOOT2 },
	{ "timeout", VALUE, OPT_TIMEOUT },
	{ "stats", NO_VALUE, OPT_STATS },
	{ "no-io-fastpath", NO_VALUE, OPT_NO_IO_FASTPATH },
	{ "no-hva", NO_VALUE, OPT_NO_HVA },
	{ "vga", VALUE, OPT_VGA },
	{ "display", VALUE, OPT_DISPLAY },
	{ "screenshot", VALUE, OPT_SCREENSHOT },
	{ "screendump", VALUE, OPT_SCREENDUMP },
	{ "no-wait", NO_VALUE, OPT_NO_WAIT },
	{ "sandbox", VALUE, OPT_SANDBOX },
	{ "irqchip", VALUE, OPT_IRQCHIP },
	{ "serial", VALUE, OPT_SERIAL },
	{ "rtc", VALUE, OPT_RTC },
	{ "trace", VALUE, OPT_TRACE },
	{ "trace-format", VALUE, OPT_TRACE_FORMAT },
	{ "gdb", VALUE, OPT_GDB },
	{ "s", NO_VALUE, OPT_GDB_DEFAULT },
	{ "S", NO_VALUE, OPT_GDB_WAIT },
	{ "gdb-arch", VALUE, OPT_GDB_ARCH },
	{ "v", NO_VALUE, OPT_VERBOSE },
	{ "h", NO_VALUE, OPT_HELP },
	{ "help", NO_VALUE, OPT_HELP },
	{ "version", NO_VALUE, OPT_VERSION },
	/* QEMU's spellings, with QEMU's meanings. */
	{ "kernel", VALUE, OPT_GUEST },
	{ "m", VALUE, OPT_MEM },
	{ "hda", VALUE, OPT_HDA },
	{ "drive", VALUE, OPT_DRIVE },
	{ "nographic", NO_VALUE, OPT_NOGRAPHIC },
	{ "accel", VALUE, OPT_ACCEL },
	{ "d", VALUE, OPT_QEMU_LOG },
	{ "enable-kvm", NO_VALUE, OPT_QEMU_NO_OP }, /* vmm always runs on KVM */
	{ "no-reboot", NO_VALUE, OPT_QEMU_NO_OP },  /* vmm never reboots: a reset ends it (120) */
	{ "no-shutdown", NO_VALUE, OPT_QEMU_NO_OP },
	/* What vmm always has, as QEMU test scripts spell it. */
	{ "debugcon", VALUE, OPT_DEBUGCON },       /* stdio: port 0xE9 writes to stdout */
	{ "device", VALUE, OPT_DEVICE },           /* isa-debug-exit,iobase=0xf4 */
	{ "monitor", VALUE, OPT_MONITOR },         /* none: vmm has no monitor */
};

/* Walks argv: options, their values and positional arguments, in order. */
struct arg_cursor {
	int argc, next;
	char **argv;
	bool options_ended; /* after "--" every argument is positional */
};

/* The next option's code and *value (NULL for none); OPT_POSITIONAL with
 * the argument in *value; OPT_END; or -1 after printing a usage error. */
static int next_option(struct arg_cursor *cur, const char **value, int *status)
{
	*value = NULL;
	if (cur->next >= cur->argc)
		return OPT_END;
	const char *arg = cur->argv[cur->next++];
	if (cur->options_ended || arg[0] != '-' || arg[1] == '\0') {
		*value = arg;
		return OPT_POSITIONAL;
	}
	if (!strcmp(arg, "--")) {
		cur->options_ended = true;
		return next_option(cur, value, status);
	}
	const char *name = arg + (arg[1] == '-' ? 2 : 1);
	const char *equals = strchr(name, '=');
	size_t len = equals ? (size_t)(equals - name) : strlen(name);
	for (size_t i = 0; i < sizeof(cli_options) / sizeof(cli_options[0]); i++) {
		const struct cli_option *o = &cli_options[i];
		if (strlen(o->name) != len || strncmp(o->name, name, len))
			continue;
		if (o->value == NO_VALUE && equals)
			return bad(status, "option '%.*s' takes no value", (int)(equals - arg), arg);
		if (o->value == VALUE) {
			if (equals)
				*value = equals + 1;
			else if (cur->next < cur->argc)
				*value = cur->argv[cur->next++];
			else
				return bad(status, "option '%s' needs an argument", arg);
		}
		return o->code;
	}
	char plain[64];
	snprintf(plain, sizeof(plain), "%.*s", (int)len, name);
	const char *reason = qemu_unsupported_reason(plain);
	if (reason)
		return bad(status, "-%s is a QEMU option vmm does not support: %s", plain, reason);
	return bad(status, "unknown option '%s'", arg);
}

/* Where the guest's file comes from: -guest, -kernel or the one positional
 * argument. Two are a usage error rather than a silent choice. */
static int set_guest(struct options *opt, const char *file, int *status)
{
	if (opt->guest && strcmp(opt->guest, file))
		return bad(status, "two guest files given: '%s' and '%s'", opt->guest, file);
	opt->guest = file;
	return 0;
}

/* The one disk, from -disk, -hda or -drive. */
static int set_disk(struct options *opt, const char *file, bool read_only, int *status)
{
	if (opt->disk)
		return bad(status, "two disks given: '%s' and '%s' (vmm has one)", opt->disk, file);
	opt->disk = file;
	opt->disk_read_only |= read_only;
	return 0;
}

/* -trace exits[=FILE]: the exit trace (host/core/trace.h), to stderr or FILE. */
static int parse_trace(const char *spec, struct options *opt)
{
	if (strcmp(spec, "exits") == 0)
		opt->trace_file = NULL;
	else if (strncmp(spec, "exits=", 6) == 0 && spec[6])
		opt->trace_file = spec + 6;
	else
		return -1;
	opt->trace_exits = true;
	return 0;
}

/* -d LIST, QEMU's log items: those with a vmm counterpart are mapped, the
 * others refused. guest_errors and unimp: -v reports the ports and MMIO
 * pages the guest touches that no device claims. int, exec, in_asm and the
 * rest log what QEMU's own emulator does: the refusal points at -trace,
 * which logs exits, interrupts and hlt waits rather than instructions. */
static int parse_qemu_log(const char *list, struct options *opt, int *status)
{
	char item[64];
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		s += n + (s[n] == ',');
		if (!strcmp(item, "guest_errors") || !strcmp(item, "unimp")) {
			opt->verbose = true;
			continue;
		}
		return bad(status, "-d %s is a QEMU option vmm does not support: -d guest_errors and unimp "
			   "are -v; -trace exits[=FILE] logs every exit, interrupt and hlt", item);
	}
	return 0;
}

int options_parse(int argc, char **argv, struct options *opt, int *status)
{
	memset(opt, 0, sizeof(*opt));
	opt->load.mode = MODE_REAL;
	opt->mem_size = MEM_DEFAULT;
	opt->sandbox = SANDBOX_DEFAULT;
	bool nographic = false, display_set = false;
	struct arg_cursor cur = { .argc = argc, .next = 1, .argv = argv };
	const char *arg;
	char err[256];
	int c;
	while ((c = next_option(&cur, &arg, status)) != OPT_END) {
		uint64_t v;
		switch (c) {
		case -1:
			return -1;
		case OPT_POSITIONAL:
		case OPT_GUEST:
			if (set_guest(opt, arg, status) < 0)
				return -1;
			break;
		case OPT_DISK:
			if (set_disk(opt, arg, false, status) < 0)
				return -1;
			split_disk_suffix(opt);
			break;
		case OPT_HDA:
			if (set_disk(opt, arg, false, status) < 0) /* QEMU: the name as given */
				return -1;
			break;
		case OPT_DRIVE: {
			struct qemu_drive drive;
			if (qemu_parse_drive(arg, &drive, err, sizeof(err)) < 0)
				return bad(status, "%s", err);
			if (set_disk(opt, drive.file, drive.read_only, status) < 0)
				return -1;
			break;
		}
		case OPT_DISK_RO: opt->disk_read_only = true; break;
		case OPT_MODE:
			if (cpu_mode_parse(arg, &opt->load.mode) < 0)
				return bad(status, "unknown mode '%s': use real, protected, paged32 or long", arg);
			opt->mode_set = true;
			break;
		case OPT_LOAD:
			if (parse_size(arg, &opt->load.load_addr) < 0)
				return bad(status, "bad load address '%s'", arg);
			opt->load_set = true;
			break;
		case OPT_ENTRY:
			if (parse_size(arg, &opt->load.entry) < 0)
				return bad(status, "bad entry address '%s'", arg);
			opt->load.entry_set = true;
			break;
		case OPT_STACK: /* checked against guest RAM by the loader */
			if (parse_size(arg, &opt->load.stack) < 0)
				return bad(status, "bad stack address '%s'", arg);
			opt->load.stack_set = true;
			break;
		case OPT_MEM: /* -mem and QEMU's -m: a bare number is MiB */
			if (qemu_parse_mem_size(arg, &v, err, sizeof(err)) < 0)
				return bad(status, "%s", err);
			if (v < MEM_MIN || v > MEM_MAX || v % 4096)
				return bad(status, "bad memory size '%s': give 2M..3G (a bare number is MiB), a multiple of 4K", arg);
			opt->mem_size = v;
			break;
		case OPT_APPEND: opt->load.cmdline = arg; break;
		case OPT_INITRD: opt->load.initrd = arg; break; /* split by the loader */
		case OPT_MULTIBOOT2: opt->load.multiboot2 = true; break;
		case OPT_TIMEOUT:
			if (parse_timeout(arg, &opt->timeout_sec) < 0)
				return bad(status, "bad timeout '%s': give seconds above 0, at most 1e9, or inf", arg);
			break;
		case OPT_STATS: opt->stats = true; break;
		case OPT_NO_IO_FASTPATH: opt->no_io_fastpath = true; break;
		case OPT_NO_HVA: opt->no_hva = true; break;
		case OPT_VGA:
			if (vga_backing_parse(arg, &opt->vga) < 0)
				return bad(status, "unknown -vga '%s': use mapped or trapped (vmm's screen is VGA text mode)", arg);
			break;
		case OPT_DISPLAY:
			if (display_kind_parse(arg, &opt->display) < 0)
				return bad(status, "unknown -display '%s': use sdl, term or none", arg);
			display_set = true;
			break;
		case OPT_NOGRAPHIC: nographic = true; break;
		case OPT_SCREENSHOT: opt->screenshot = arg; break;
		case OPT_SCREENDUMP: opt->screendump = arg; break;
		case OPT_NO_WAIT: opt->no_wait = true; break;
		case OPT_SANDBOX:
			if (sandbox_mode_parse(arg, &opt->sandbox) < 0)
				return bad(status, "unknown -sandbox '%s': use on, log or off", arg);
			break;
		case OPT_IRQCHIP:
			if (strcmp(arg, "user") == 0)
				opt->irqchip = IRQCHIP_USER;
			else if (strcmp(arg, "kernel") == 0)
				opt->irqchip = IRQCHIP_KERNEL;
			else
				return bad(status, "unknown -irqchip '%s': use user or kernel", arg);
			break;
		case OPT_SERIAL: opt->platform.serial = arg; break;
		case OPT_RTC: opt->platform.rtc_base = arg; break;
		case OPT_TRACE:
			if (parse_trace(arg, opt) < 0)
				return bad(status, "unknown -trace '%s': use exits (to stderr) or exits=FILE", arg);
			break;
		case OPT_TRACE_FORMAT:
			if (trace_format_parse(arg, &opt->trace_format) < 0)
				return bad(status, "unknown -trace-format '%s': use text or json", arg);
			break;
		case OPT_GDB: {
			char why[200];
			if (gdb_stub_parse_spec(arg, why, sizeof(why)) < 0)
				return bad(status, "%s", why);
			opt->gdb = arg;
			break;
		}
		case OPT_GDB_DEFAULT: opt->gdb = "tcp::1234"; break;
		case OPT_GDB_WAIT: opt->gdb_wait = true; break;
		case OPT_GDB_ARCH:
			if (gdb_arch_parse(arg, &opt->gdb_arch) < 0)
				return bad(status, "unknown -gdb-arch '%s': use i386 or x86-64", arg);
			opt->gdb_arch_set = true;
			break;
		case OPT_ACCEL:
			if (strcmp(arg, "kvm"))
				return bad(status, "-accel %s: vmm runs guests on KVM only (-accel kvm)", arg);
			break;
		case OPT_QEMU_LOG:
			if (parse_qemu_log(arg, opt, status) < 0)
				return -1;
			break;
		case OPT_QEMU_NO_OP: break;
		case OPT_DEBUGCON:
			if (strcmp(arg, "stdio"))
				return bad(status, "-debugcon %s is a QEMU option vmm does not support: vmm's debug "
					   "console (port 0xE9) always writes to stdout (-debugcon stdio)", arg);
			break;
		case OPT_DEVICE:
			if (qemu_check_device(arg, err, sizeof(err)) < 0)
				return bad(status, "-device %s is a QEMU option vmm does not support: %s", arg, err);
			break;
		case OPT_MONITOR:
			if (strcmp(arg, "none"))
				return bad(status, "-monitor %s is a QEMU option vmm does not support: vmm has no monitor "
					   "(quit with Ctrl-A x, or stop the guest with -timeout)", arg);
			break;
		case OPT_VERBOSE: opt->verbose = true; break;
		case OPT_HELP:
			usage(stdout);
			*status = 0;
			return -1;
		case OPT_VERSION:
			printf("vmm %s (hypercall ABI %d)\n", VMM_VERSION, VMM_ABI_VERSION);
			*status = 0;
			return -1;
		}
	}
	if (!opt->guest)
		return bad(status, "%s", "no guest given: use vmm FILE or -guest FILE");
	opt->load.name = opt->guest;
	if ((opt->gdb_wait || opt->gdb_arch_set) && !opt->gdb)
		return bad(status, "%s", "-S and -gdb-arch are for the gdb stub: give -s or -gdb too");
	/* QEMU's -nographic: no window, COM1 on this terminal (Ctrl-A x quits). */
	if (nographic) {
		if (display_set && opt->display != DISPLAY_NONE)
			return bad(status, "%s", "-nographic cannot be used with -display sdl or term");
		opt->display = DISPLAY_NONE;
		if (!opt->platform.serial)
			opt->platform.serial = "stdio";
	}
	/* -serial's default: the terminal when stdin is one (serial_backend.h). */
	if (!opt->platform.serial)
		opt->platform.serial = serial_default_spec(opt->display == DISPLAY_TERM);
	else if (!strcmp(opt->platform.serial, "stdio") && opt->display == DISPLAY_TERM)
		return bad(status, "%s", "-serial stdio and -display term cannot both read the terminal");
	return 0;
}
