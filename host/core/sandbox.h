/*
 * The sandbox: once the VM is set up (files open, KVM file descriptors made,
 * memory mapped, display started), vmm confines itself with a seccomp-bpf
 * allow-list of the system calls it makes from then on (docs/security.md,
 * "The sandbox"). A guest that finds a bug in vmm then still cannot open
 * files, start programs or reach the network with it.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/* A system call outside the list ends vmm with this status (EXIT_SANDBOX). */
#define SANDBOX_VIOLATION_STATUS 122

enum sandbox_mode {
	SANDBOX_ON,  /* a call outside the list: message on stderr, exit 122 */
	SANDBOX_LOG, /* the kernel logs the call (audit, dmesg) and lets it run */
	SANDBOX_OFF, /* no filter: for debugging */
};

/* Sanitizer builds define VMM_SANDBOX_DEFAULT_OFF: LeakSanitizer's exit-time
 * check stops the process with ptrace from a cloned child. */
#ifdef VMM_SANDBOX_DEFAULT_OFF
#define SANDBOX_DEFAULT SANDBOX_OFF
#define SANDBOX_DEFAULT_NAME "off"
#else
#define SANDBOX_DEFAULT SANDBOX_ON
#define SANDBOX_DEFAULT_NAME "on"
#endif

/* What this run needs beyond the base list. */
struct sandbox_needs {
	/* An SDL window: the X11 connection and shared-memory images. */
	bool window;
	/* The gdb stub (-gdb): its client's socket and the vCPU debug ioctls. */
	bool gdb;
};

/* "on", "log", "off"; returns -1 for anything else. */
int sandbox_mode_parse(const char *s, enum sandbox_mode *mode);

/*
 * Sets no_new_privs and loads the filter into every thread of the process
 * (threads started later inherit it). needs may be NULL (nothing extra).
 * Returns 0, or -1 with one line in err (e.g. a kernel without seccomp).
 * SANDBOX_OFF does nothing and returns 0. Call it once.
 */
int sandbox_install(enum sandbox_mode mode, const struct sandbox_needs *needs,
		    char *err, size_t errlen);

/* Registers fn to run when a violation ends vmm, before it exits: only
 * async-signal-safe work there, and only calls the filter allows (putting
 * the terminal back in its mode: serial_backend.c). At most four. */
void sandbox_on_violation(void (*fn)(void));

#endif
