#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

#define VMM_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm -guest FILE [-disk FILE] [options]\n"
		"Runs one guest on KVM: a flat binary, an ELF32/ELF64 executable or a Multiboot v1 kernel\n"
		"(detected from the file). Options take one dash or two.\n"
		"\n"
		"  -guest FILE       the guest image (required)\n"
		"  -mode MODE        CPU mode for flat binaries: real (default), protected, paged32, long\n"
		"  -load ADDR        guest-physical load address of a flat binary (default 0)\n"
		"  -entry ADDR       entry point (default: the load address, or the ELF/Multiboot entry)\n"
		"  -mem SIZE         guest RAM, e.g. 64M, 1G (default 64M; 2M..3G)\n"
		"  -append TEXT      Multiboot command line (after the file name, as QEMU passes it)\n"
		"  -timeout SECONDS  stop the guest after this long (exit status 124)\n"
		"  -stats            print exit statistics on stderr when the guest stops\n"
		"  -v                verbose: loader details, unclaimed ports\n"
		"  -help, -version\n"
		"\n"
		"Exit status: the guest's own (EXIT hypercall: its argument; port 0xf4: (v << 1) | 1),\n"
		"0 after hlt, 1 host error, 2 usage error or malformed input, 123 KVM internal error,\n"
		"124 timeout, 125 guest triple fault, 128+N stopped by signal N.\n");
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

static int bad(int *status, const char *fmt, const char *arg)
{
	fprintf(stderr, "vmm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see vmm --help)\n");
	*status = EXIT_USAGE;
	return -1;
}

enum { OPT_GUEST = 256, OPT_DISK, OPT_MODE, OPT_LOAD, OPT_ENTRY, OPT_MEM, OPT_APPEND,
       OPT_TIMEOUT, OPT_STATS, OPT_HELP, OPT_VERSION };

int options_parse(int argc, char **argv, struct options *opt, int *status)
{
	static const struct option longopts[] = {
		{ "guest", required_argument, NULL, OPT_GUEST },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	memset(opt, 0, sizeof(*opt));
	opt->load.mode = MODE_REAL;
	opt->mem_size = MEM_DEFAULT;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long_only(argc, argv, ":vh", longopts, NULL)) != -1) {
		uint64_t v;
		char *end;
		switch (c) {
		case OPT_GUEST: opt->guest = optarg; break;
		case OPT_DISK: opt->disk = optarg; break;
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
		case OPT_MEM:
			if (parse_size(optarg, &v) < 0 || v < MEM_MIN || v > MEM_MAX || v % 4096)
				return bad(status, "bad memory size '%s': give 2M..3G, a multiple of 4K", optarg);
			opt->mem_size = v;
			break;
		case OPT_APPEND: opt->load.cmdline = optarg; break;
		case OPT_TIMEOUT:
			opt->timeout_sec = strtod(optarg, &end);
			if (end == optarg || *end || !(opt->timeout_sec > 0))
				return bad(status, "bad timeout '%s': give a positive number of seconds", optarg);
			break;
		case OPT_STATS: opt->stats = true; break;
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
	return 0;
}
