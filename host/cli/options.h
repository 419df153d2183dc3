/* Command-line options of vmm (see usage() in options.c and README.md). */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "display.h"
#include "gdb_regs.h"
#include "irq.h"
#include "loader.h"
#include "pc_platform.h"
#include "sandbox.h"
#include "trace.h"
#include "vga.h"

/* vmm's exit statuses besides the guest's own (documented in --help). */
#define EXIT_HOST_ERROR   1   /* KVM unavailable, out of memory, ... */
#define EXIT_USAGE        2   /* bad option, malformed guest or disk image */
#define EXIT_GUEST_RESET  120 /* the guest asked for a reset: vmm never reboots */
#define EXIT_OUTPUT_LOST  121 /* guest output lost: stdout failed (not EPIPE) */
#define EXIT_SANDBOX      122 /* a syscall outside the seccomp allow-list */
#define EXIT_KVM_ERROR    123 /* KVM internal error or failed entry */
#define EXIT_TIMEOUT      124 /* -timeout elapsed (as timeout(1)) */
#define EXIT_TRIPLE_FAULT 125 /* the guest triple-faulted */

struct options {
	const char *guest;
	const char *disk;
	bool disk_read_only;
	struct load_options load;
	bool mode_set, load_set;
	uint64_t mem_size;
	double timeout_sec;
	bool stats;
	bool no_io_fastpath;
	bool no_hva; /* -no-hva: GVA_TO_HVA returns -EPERM */
	bool verbose;
	/* Screen (issue 4): -vga, -display, -screenshot, -screendump. */
	enum vga_backing vga;
	enum display_kind display;
	const char *screenshot, *screendump;
	bool no_wait; /* -no-wait: the display closes when the guest stops */
	enum sandbox_mode sandbox; /* -sandbox on|log|off (issue 9) */
	enum irqchip_kind irqchip; /* -irqchip user|kernel */
	struct platform_config platform; /* -serial, -rtc */
	/* The exit trace (host/core/trace.h): -trace exits[=FILE] sets
	 * trace_exits and trace_file (NULL: stderr); -trace-format text|json. */
	bool trace_exits;
	const char *trace_file;
	enum trace_format trace_format;
	/* The gdb stub (host/gdb/gdb_stub.h): -gdb SPEC or -s (tcp::1234), -S
	 * (wait for gdb before the first instruction), -gdb-arch i386|x86-64. */
	const char *gdb;
	bool gdb_wait;
	bool gdb_arch_set;
	enum gdb_arch gdb_arch;
};

/* Returns -1 when vmm should exit with *status (usage error, --help, --version). */
int options_parse(int argc, char **argv, struct options *opt, int *status);
/* Parses "64M", "2G", "4096", "0x1000" (suffixes K, M, G). */
int parse_size(const char *s, uint64_t *out);

#endif
