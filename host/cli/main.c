/* vmm's command line: parse options, build the VM from the core library,
 * load the guest, run it, and turn the way it stopped into an exit status. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "console.h"
#include "console_ports.h"
#include "disk_device.h"
#include "gdb_stub.h"
#include "hypercall.h"
#include "loader.h"
#include "options.h"
#include "pc_platform.h"
#include "sandbox.h"
#include "screen_setup.h"
#include "trace.h"
#include "vm.h"

_Static_assert(SANDBOX_VIOLATION_STATUS == EXIT_SANDBOX, "one status for a sandbox violation");

static int exit_status_of(enum vm_stop_reason reason, int guest_status)
{
	switch (reason) {
	case STOP_HALT: return 0;
	case STOP_GUEST_EXIT: return guest_status;
	case STOP_USER: return guest_status;
	case STOP_TIMEOUT: return EXIT_TIMEOUT;
	case STOP_TRIPLE_FAULT: return EXIT_TRIPLE_FAULT;
	case STOP_KVM_ERROR: return EXIT_KVM_ERROR;
	case STOP_RESET: return EXIT_GUEST_RESET;
	default: return EXIT_HOST_ERROR;
	}
}

static int register_devices(struct vm *vm)
{
	return debugcon_register(vm) | debug_exit_register(vm) |
	       hypercall_register(vm);
}

/*
 * A standard descriptor the caller closed (`vmm ... >&-`) would be taken by
 * the next file vmm opens, and guest output or messages would be written
 * into it: the disk image, say. Hold each closed one with /dev/null opened
 * read-only, so that writes to it fail (EBADF) and are reported as lost
 * output instead of landing in another file.
 */
static void hold_standard_descriptors(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != fd)
			_exit(EXIT_HOST_ERROR); /* cannot happen: the lowest free fd is this one */
}

int main(int argc, char **argv)
{
	hold_standard_descriptors();
	struct options opt;
	int status;
	if (options_parse(argc, argv, &opt, &status) < 0)
		return status;

	char err[512];
	/* The trace file first: a bad path is refused before anything runs. */
	struct vm_trace *trace = NULL;
	if (opt.trace_exits && !(trace = trace_open(opt.trace_file, opt.trace_format, err, sizeof(err)))) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_USAGE;
	}
	struct image_source image;
	if (guest_file_open(opt.guest, &image, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_USAGE;
	}
	struct vm_config cfg = { .mem_size = opt.mem_size, .verbose = opt.verbose,
				 .no_io_fastpath = opt.no_io_fastpath, .no_hva = opt.no_hva,
				 .irqchip = opt.irqchip };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm) {
		fprintf(stderr, "vmm: %s\n", err);
		guest_file_close(&image);
		return EXIT_HOST_ERROR;
	}
	/* -mode or -load say the file is a flat binary (see loader.h). */
	opt.load.ignore_bad_multiboot = opt.mode_set || opt.load_set;
	struct load_result res;
	int load_rc = guest_load_source(vm, &image, &opt.load, &res, err, sizeof(err));
	guest_file_close(&image);
	if (load_rc < 0) {
		fprintf(stderr, "vmm: %s: %s\n", opt.guest, err);
		vm_destroy(vm);
		return EXIT_USAGE;
	}
	if ((opt.mode_set || opt.load_set) && res.format != FORMAT_FLAT)
		fprintf(stderr, "vmm: note: -mode and -load apply to flat binaries; %s is %s and starts in %s mode\n",
			opt.guest, guest_format_name(res.format), cpu_mode_name(res.mode));
	if (opt.verbose)
		fprintf(stderr, "vmm: %s: %s, %s mode, entry 0x%llx, %llu MiB RAM\n", opt.guest,
			guest_format_name(res.format), cpu_mode_name(res.mode),
			(unsigned long long)res.entry, (unsigned long long)(vm->mem_size >> 20));
	if (register_devices(vm) < 0) {
		fprintf(stderr, "vmm: cannot register devices\n");
		vm_destroy(vm);
		return EXIT_HOST_ERROR;
	}
	int platform_rc = pc_platform_register(vm, &opt.platform, err, sizeof(err));
	if (platform_rc < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		vm_destroy(vm);
		return platform_rc == -2 ? EXIT_USAGE : EXIT_HOST_ERROR;
	}
	/* After the guest loaded: a bad guest is reported before a bad disk. */
	int disk_rc = disk_device_attach(vm, opt.disk, opt.disk_read_only, err, sizeof(err));
	if (disk_rc < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		vm_destroy(vm);
		return disk_rc == -2 ? EXIT_USAGE : EXIT_HOST_ERROR;
	}
	/* Last: the display thread starts here and sees a complete VM. */
	int screen_rc = screen_setup(vm, &opt, err, sizeof(err));
	if (screen_rc < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		vm_destroy(vm);
		return screen_rc == -2 ? EXIT_USAGE : EXIT_HOST_ERROR;
	}
	/* The gdb stub's socket listens before the sandbox forbids bind. */
	if (opt.gdb) {
		struct gdb_stub_config gdb = { .spec = opt.gdb, .wait = opt.gdb_wait,
					       .arch_forced = opt.gdb_arch_set, .arch = opt.gdb_arch,
					       .verbose = opt.verbose };
		bool usage;
		if (gdb_stub_start(vm, &gdb, err, sizeof(err), &usage) < 0) {
			fprintf(stderr, "vmm: %s\n", err);
			vm_destroy(vm);
			return usage ? EXIT_USAGE : EXIT_HOST_ERROR;
		}
	}
	/* Everything is open and mapped: from here on vmm needs only the system
	 * calls on the sandbox's list (docs/security.md). */
	struct sandbox_needs needs = { .window = screen_rc == 1, .gdb = vm->gdb != NULL };
	if (sandbox_install(opt.sandbox, &needs, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		gdb_stub_stop(vm);
		vm_destroy(vm);
		return EXIT_HOST_ERROR;
	}
	trace_attach(vm, trace);
	enum vm_stop_reason reason = vm_run(vm, opt.timeout_sec);
	/* A window or terminal display stays until the user closes it (not with
	 * -no-wait); vmm's notes follow, on the normal screen. */
	display_wait(vm, reason, exit_status_of(reason, vm->exit_status));
	const char *hint = guest_fault_hint(vm, &res, opt.mode_set, reason);
	if (hint)
		fprintf(stderr, "vmm: note: %s\n", hint);
	if (reason == STOP_TIMEOUT)
		fprintf(stderr, "vmm: guest stopped after the %g s timeout\n", opt.timeout_sec);
	if (opt.stats)
		vm_print_stats(vm);
	status = exit_status_of(reason, vm->exit_status);
	if (trace_finish(trace, reason, status) != 0)
		status = EXIT_OUTPUT_LOST; /* a trace with a hole must not pass for whole */
	/* Lost output outranks every other status: a script would not see the
	 * loss otherwise (the other cause, if any, is on stderr). */
	if (console_output_lost())
		status = EXIT_OUTPUT_LOST;
	gdb_stub_guest_ended(vm, status); /* an attached gdb sees the exit status */
	gdb_stub_stop(vm);
	vm_destroy(vm);
	return status;
}
