#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "serial_backend.h"

#define VMM_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm -guest FILE [-disk FILE] [options]\n"
		"Runs one guest on KVM: a flat binary, an ELF32/ELF64 executable, a Multiboot v1 or\n"
		"Multiboot2 kernel (detected from the file). Options take one dash or two.\n"
		"\n"
		"  -guest FILE       the guest image (required)\n"
		"  -disk FILE[,ro]   a raw disk image (size a multiple of 512) as the ATA master and PV disk\n"
		"  -disk-ro          open the -disk image read-only (guest writes fail)\n"
		"  -mode MODE        CPU mode for flat binaries: real (default), protected, paged32, long\n"
		"  -load ADDR        guest-physical load address of a flat binary (default 0)\n"
		"  -entry ADDR       entry point (default: the load address, or the ELF/Multiboot entry);\n"
		"                    physical: an address in an ELF segment's virtual range is translated\n"
		"  -stack ADDR       initial stack pointer RSP, any mode (default: the top of RAM; real\n"
		"                    mode: 0x90000, SS = 0 so SP = 0: the top of the first 64 KiB)\n"
		"  -mem SIZE         guest RAM, e.g. 64M, 1G (default 64M; 2M..3G)\n"
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
		"                    or by closing the window, Ctrl-A x in the terminal\n"
		"  -screenshot FILE  write the final screen as a 720x400 PNG when the guest stops\n"
		"  -screendump FILE  write the final screen's 25 text lines (UTF-8) when the guest stops\n"
		"  -sandbox MODE     seccomp sandbox after setup (default: " SANDBOX_DEFAULT_NAME "): on (a forbidden\n"
		"                    system call stops vmm, exit status 122), log (the kernel logs it), off\n"
		"  -irqchip WHO      who emulates the 8259 PICs and 8254 PIT: user (vmm, default) or\n"
		"                    kernel (KVM's in-kernel chips; costs milliseconds at every exit)\n"
		"  -serial SPEC      COM1 (QEMU's spelling): stdio (stdout, and stdin feeds the guest),\n"
		"                    none (no COM1), null, file:PATH (output only), unix:PATH (connect)\n"
		"                    or unix:PATH,server (wait for one client). Default: stdio when stdin\n"
		"                    is a terminal (not with -display term), else output to stdout and\n"
		"                    stdin left unread. On a terminal: Ctrl-C goes to the guest, Ctrl-A x\n"
		"                    quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h lists the keys\n"
		"  -rtc base=WHEN    the CMOS clock's start: utc (default: the host's time in UTC),\n"
		"                    localtime (the host's wall clock), or 2026-01-02T03:04:05 or\n"
		"                    2026-01-02 (a fixed moment); it runs on with the guest\n"
		"  -v                verbose: loader details, each device the guest uses, unclaimed ports\n"
		"  -help, -version\n"
		"\n"
		"Exit status:\n"
		"  N                the guest's own: EXIT hypercall N; v written to port 0xf4: (v << 1) | 1\n"
		"  0                the guest halted (hlt with interrupts disabled), or the user quit\n"
		"                   (ESC, Ctrl+Alt+Q, Ctrl-A x, the window closed)\n"
		"  1                host error (no KVM, out of memory, ...)\n"
		"  2                usage error, malformed guest or disk image, disk image in use\n"
		"  121              guest output lost: stdout failed, not by a closed pipe (wins over\n"
		"                   every other status)\n"
		"  122              sandbox violation: a system call outside the allow-list\n"
		"  123              KVM internal error\n"
		"  124              -timeout elapsed\n"
		"  125              guest triple fault\n"
		"  128+N            stopped by signal N\n"
		"  120              the guest asked for a reset (vmm never reboots)\n"
		"  119              reserved (gdb kill): not implemented yet\n");
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

static int bad(int *status, const char *fmt, const char *arg)
{
	fprintf(stderr, "vmm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see vmm --help)\n");
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
enum { OPT_VGA = 512, OPT_DISPLAY, OPT_SCREENSHOT, OPT_SCREENDUMP };
enum { OPT_SANDBOX = 768 };
enum { OPT_IRQCHIP = 1024, OPT_SERIAL, OPT_RTC };
enum { OPT_STACK = 1280 };
enum { OPT_INITRD = 1536, OPT_MULTIBOOT2 };

int options_parse(int argc, char **argv, struct options *opt, int *status)
{
	static const struct option longopts[] = {
		{ "guest", required_argument, NULL, OPT_GUEST },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "disk-ro", no_argument, NULL, OPT_DISK_RO },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "stack", required_argument, NULL, OPT_STACK },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "multiboot2", no_argument, NULL, OPT_MULTIBOOT2 },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "no-io-fastpath", no_argument, NULL, OPT_NO_IO_FASTPATH },
		{ "no-hva", no_argument, NULL, OPT_NO_HVA },
		{ "vga", required_argument, NULL, OPT_VGA },
		{ "display", required_argument, NULL, OPT_DISPLAY },
		{ "screenshot", required_argument, NULL, OPT_SCREENSHOT },
		{ "screendump", required_argument, NULL, OPT_SCREENDUMP },
		{ "sandbox", required_argument, NULL, OPT_SANDBOX },
		{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
		{ "serial", required_argument, NULL, OPT_SERIAL },
		{ "rtc", required_argument, NULL, OPT_RTC },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	memset(opt, 0, sizeof(*opt));
	opt->load.mode = MODE_REAL;
	opt->mem_size = MEM_DEFAULT;
	opt->sandbox = SANDBOX_DEFAULT;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long_only(argc, argv, ":vh", longopts, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case OPT_GUEST: opt->guest = optarg; break;
		case OPT_DISK: opt->disk = optarg; break;
		case OPT_DISK_RO: opt->disk_read_only = true; break;
		case OPT_MODE:
			if (cpu_mode_parse(optarg, &opt->load.mode) < 0)
				return bad(status, "unknown mode '%s': use real, protected, paged32 or long", optarg);
			opt->mode_set = true;
			break;
		case OPT_LOAD:
			if (parse_size(optarg, &opt->load.load_addr) < 0)
				return bad(status, "bad load address '%s'", optarg);
			opt->load_set = true;
			break;
		case OPT_ENTRY:
			if (parse_size(optarg, &opt->load.entry) < 0)
				return bad(status, "bad entry address '%s'", optarg);
			opt->load.entry_set = true;
			break;
		case OPT_STACK: /* checked against guest RAM by the loader */
			if (parse_size(optarg, &opt->load.stack) < 0)
				return bad(status, "bad stack address '%s'", optarg);
			opt->load.stack_set = true;
			break;
		case OPT_MEM:
			if (parse_size(optarg, &v) < 0 || v < MEM_MIN || v > MEM_MAX || v % 4096)
				return bad(status, "bad memory size '%s': give 2M..3G, a multiple of 4K", optarg);
			opt->mem_size = v;
			break;
		case OPT_APPEND: opt->load.cmdline = optarg; break;
		case OPT_INITRD: opt->load.initrd = optarg; break; /* split by the loader */
		case OPT_MULTIBOOT2: opt->load.multiboot2 = true; break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &opt->timeout_sec) < 0)
				return bad(status, "bad timeout '%s': give seconds above 0, at most 1e9, or inf", optarg);
			break;
		case OPT_STATS: opt->stats = true; break;
		case OPT_NO_IO_FASTPATH: opt->no_io_fastpath = true; break;
		case OPT_NO_HVA: opt->no_hva = true; break;
		case OPT_VGA:
			if (vga_backing_parse(optarg, &opt->vga) < 0)
				return bad(status, "unknown -vga '%s': use mapped or trapped", optarg);
			break;
		case OPT_DISPLAY:
			if (display_kind_parse(optarg, &opt->display) < 0)
				return bad(status, "unknown -display '%s': use sdl, term or none", optarg);
			break;
		case OPT_SCREENSHOT: opt->screenshot = optarg; break;
		case OPT_SCREENDUMP: opt->screendump = optarg; break;
		case OPT_SANDBOX:
			if (sandbox_mode_parse(optarg, &opt->sandbox) < 0)
				return bad(status, "unknown -sandbox '%s': use on, log or off", optarg);
			break;
		case OPT_IRQCHIP:
			if (strcmp(optarg, "user") == 0)
				opt->irqchip = IRQCHIP_USER;
			else if (strcmp(optarg, "kernel") == 0)
				opt->irqchip = IRQCHIP_KERNEL;
			else
				return bad(status, "unknown -irqchip '%s': use user or kernel", optarg);
			break;
		case OPT_SERIAL: opt->platform.serial = optarg; break;
		case OPT_RTC: opt->platform.rtc_base = optarg; break;
		case 'v': opt->verbose = true; break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			*status = 0;
			return -1;
		case OPT_VERSION:
			printf("vmm %s (hypercall ABI %d)\n", VMM_VERSION, VMM_ABI_VERSION);
			*status = 0;
			return -1;
		case ':':
			return bad(status, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return bad(status, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad(status, "unexpected argument '%s'", argv[optind]);
	if (!opt->guest)
		return bad(status, "%s", "no guest given: use -guest FILE");
	opt->load.name = opt->guest;
	if (opt->disk)
		split_disk_suffix(opt);
	/* -serial's default: the terminal when stdin is one (serial_backend.h). */
	if (!opt->platform.serial)
		opt->platform.serial = serial_default_spec(opt->display == DISPLAY_TERM);
	else if (!strcmp(opt->platform.serial, "stdio") && opt->display == DISPLAY_TERM)
		return bad(status, "%s", "-serial stdio and -display term cannot both read the terminal");
	return 0;
}
