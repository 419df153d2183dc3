/*
 * The seccomp allow-list (sandbox.h). Every entry says which part of vmm
 * makes the call after setup; docs/security.md has the same list. A call
 * that is not here raises SIGSYS (SECCOMP_RET_TRAP), and the handler below
 * names it, syncs the disk images and exits with status 122: stop hooks do
 * not run, but nothing the guest was told was written is lost.
 */
#include "sandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/kvm.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_names.h"

/* Every run: allowed whatever the arguments (docs/security.md has the
 * same list). */
static const int base_calls[] = {
	SCMP_SYS(read),             /* the disk queue's eventfd, keys from the terminal display, serial input */
	SCMP_SYS(write),            /* guest output, messages, terminal frames, eventfd, screenshots, -trace */
	SCMP_SYS(writev),           /* glibc's fatal messages (failed assertion, heap corruption) */
	SCMP_SYS(pread64),          /* disk image reads (ATA, PV calls, the disk queue) */
	SCMP_SYS(pwrite64),         /* disk image writes */
	SCMP_SYS(fdatasync),        /* the guest's FLUSH, the disk flush at every stop */
	SCMP_SYS(close),            /* the disk queue's eventfd, screenshot files (opened at setup), the display */
	SCMP_SYS(fstat),            /* stdio sizes a stream's buffer at its first write */
	SCMP_SYS(newfstatat),       /* fstat() in glibc 2.33 and later */
	SCMP_SYS(eventfd2),         /* the disk queue's doorbell, made when the guest asks for it */
	SCMP_SYS(futex),            /* mutexes, condition variables, pthread_join */
	SCMP_SYS(clock_gettime),    /* the run loop, the display (when the vDSO cannot answer) */
	SCMP_SYS(clock_nanosleep),  /* the display thread's 60 Hz frame timer */
	SCMP_SYS(restart_syscall),  /* the kernel resumes a sleep that a signal interrupted */
	SCMP_SYS(brk),              /* malloc */
	SCMP_SYS(munmap),           /* free, thread stacks, vm_destroy */
	SCMP_SYS(madvise),          /* malloc and thread exits give memory back */
	SCMP_SYS(rt_sigaction),     /* vm_run installs its stop and vCPU-kick handlers */
	SCMP_SYS(rt_sigprocmask),   /* pthread_create, abort */
	SCMP_SYS(rt_sigreturn),     /* every signal handler returns through it */
	SCMP_SYS(getpid),           /* pthread_kill */
	SCMP_SYS(gettid),           /* raise, abort */
	SCMP_SYS(tgkill),           /* pthread_kill: the kick that makes KVM_RUN return */
	SCMP_SYS(set_robust_list),  /* each new thread (vCPU, disk queue) */
	SCMP_SYS(rseq),             /* each new thread registers glibc's restartable sequences */
	SCMP_SYS(exit),             /* a thread ends */
	SCMP_SYS(exit_group),       /* vmm ends */
	SCMP_SYS(ppoll),            /* an idle hlt waits for the next event (events.c); serial input */
	SCMP_SYS(timer_create),     /* device timers kick the vCPU thread (vm_timer.c) */
	SCMP_SYS(timer_settime),    /* ... aimed at the earliest deadline */
	SCMP_SYS(timer_delete),     /* ... removed when the vCPU thread ends */
};

/* With a window (SDL's X11 back end, software rendering: what Xvfb showed),
 * on top of the base list. */
static const int window_calls[] = {
	SCMP_SYS(poll),             /* SDL waits for the X server */
	SCMP_SYS(recvmsg),          /* xcb reads the X server's socket */
	SCMP_SYS(recvfrom),         /* xcb reads the X server's socket */
	SCMP_SYS(shutdown),         /* Xlib closes the connection at stop */
	SCMP_SYS(shmget),           /* MIT-SHM images, made anew when the window is resized */
	SCMP_SYS(shmat),            /* MIT-SHM images */
	SCMP_SYS(shmdt),            /* MIT-SHM images */
	SCMP_SYS(shmctl),           /* MIT-SHM images */
};

/* With the gdb stub (-gdb): its socket listens from setup on; the client
 * comes later. */
static const int gdb_calls[] = {
	SCMP_SYS(accept4),          /* a debugger connects (a second is refused) */
	SCMP_SYS(sendto),           /* replies to gdb (send with MSG_NOSIGNAL) */
	SCMP_SYS(setsockopt),       /* TCP_NODELAY on the client: one packet, no 40 ms wait */
	SCMP_SYS(shutdown),         /* a second client, refused, is sent no more */
};

static const unsigned long gdb_ioctls[] = {
	KVM_SET_GUEST_DEBUG,        /* breakpoints, watchpoints, single-step */
	KVM_GET_FPU, KVM_SET_FPU,   /* gdb's x87 and SSE registers */
};

/* ioctl: only these requests, on any descriptor. */
static const unsigned long allowed_ioctls[] = {
	KVM_RUN,                    /* the vCPU loop */
	KVM_GET_REGS, KVM_SET_REGS, /* hypercalls, register dumps, -trace's RIP */
	KVM_GET_SREGS, KVM_SET_SREGS,
	KVM_GET_CLOCK,              /* the TIME hypercall */
	KVM_CHECK_EXTENSION,        /* the disk queue asks for ioeventfd support */
	KVM_IOEVENTFD,              /* the disk queue's doorbell */
	KVM_INTERRUPT,              /* the user-space 8259 injects an interrupt (irq.c) */
	KVM_IRQ_LINE,               /* devices drive KVM's in-kernel 8259 (-irqchip kernel) */
	KVM_GET_MP_STATE,           /* a halted vCPU with IF=0 ends the run (-irqchip kernel) */
	TCGETS,                     /* isatty() when stdio first writes to a stream */
	TCSETSF,                    /* the terminal display puts the tty back */
	TCSETS,                     /* -serial stdio puts the terminal back (at stop, exit, violation) */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int allow_all(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
	return rc;
}

/* The kernel reads the request as 32 bits: so does the rule. */
static int allow_ioctls(scmp_filter_ctx ctx, const unsigned long *requests, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFul, requests[i]));
	return rc;
}

/* Memory for malloc and thread stacks, never executable: no new code. */
static int allow_memory(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) |
	       seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* Only threads: a clone that shares memory, signal handlers and the thread
 * group cannot be a new process. glibc tries clone3 first, whose flags are in
 * memory where seccomp cannot see them: ENOSYS makes it fall back to clone. */
static int allow_threads(scmp_filter_ctx ctx)
{
	const unsigned long thread = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, thread, thread)) |
	       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

/* --- the SIGSYS handler: async-signal-safe calls only -------------------- */

/* Appends s to buf[*n..]; no stdio in a signal handler. */
static void put(char *buf, size_t size, size_t *n, const char *s)
{
	while (*s && *n + 1 < size)
		buf[(*n)++] = *s++;
}

static void put_number(char *buf, size_t size, size_t *n, unsigned long v)
{
	char digits[24];
	int i = sizeof(digits) - 1;
	digits[i] = '\0';
	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	put(buf, size, n, digits + i);
}

/* What must happen before a violation ends vmm (sandbox_on_violation). */
#define MAX_VIOLATION_HOOKS 4
static void (*violation_hooks[MAX_VIOLATION_HOOKS])(void);
static int n_violation_hooks;

void sandbox_on_violation(void (*fn)(void))
{
	if (n_violation_hooks < MAX_VIOLATION_HOOKS)
		violation_hooks[n_violation_hooks++] = fn;
}

/* The disk images are among the open files; fdatasync on the others (KVM,
 * eventfd, tty, sockets) fails harmlessly. Descriptors past this are not
 * vmm's: it opens a handful. */
#define SYNC_FD_LIMIT 1024

static void on_forbidden_syscall(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	char msg[200];
	size_t n = 0;
	put(msg, sizeof(msg), &n, "vmm: sandbox: forbidden system call ");
	if (info->si_arch != AUDIT_ARCH_X86_64) {
		put(msg, sizeof(msg), &n, "of another architecture, number ");
		put_number(msg, sizeof(msg), &n, (unsigned)info->si_syscall);
	} else {
		const char *name = syscall_name(info->si_syscall);
		put(msg, sizeof(msg), &n, name ? name : "(unknown)");
		put(msg, sizeof(msg), &n, " (");
		put_number(msg, sizeof(msg), &n, (unsigned)info->si_syscall);
		put(msg, sizeof(msg), &n, ")");
	}
	put(msg, sizeof(msg), &n, "; stopping with status 122 (-sandbox log or off allows it)\n");
	ssize_t written = write(STDERR_FILENO, msg, n);
	(void)written;
	for (int i = 0; i < n_violation_hooks; i++)
		violation_hooks[i]();
	for (int fd = 3; fd < SYNC_FD_LIMIT; fd++)
		fdatasync(fd);
	/* The system call itself, not _exit(): sanitizers wrap _exit with
	 * exit-time work that makes calls the filter forbids. */
	syscall(SYS_exit_group, SANDBOX_VIOLATION_STATUS);
}

/* --------------------------------------------------------------------------- */

int sandbox_mode_parse(const char *s, enum sandbox_mode *mode)
{
	static const char *const names[] = { [SANDBOX_ON] = "on", [SANDBOX_LOG] = "log",
					     [SANDBOX_OFF] = "off" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*mode = (enum sandbox_mode)i;
			return 0;
		}
	return -1;
}

static int build_rules(scmp_filter_ctx ctx, const struct sandbox_needs *needs)
{
	struct sandbox_needs none = { 0 };
	if (!needs)
		needs = &none;
	int rc = allow_all(ctx, base_calls, COUNT(base_calls)) | allow_threads(ctx) |
		 allow_ioctls(ctx, allowed_ioctls, COUNT(allowed_ioctls));
	if (needs->window)
		rc |= allow_all(ctx, window_calls, COUNT(window_calls));
	if (needs->gdb)
		rc |= allow_all(ctx, gdb_calls, COUNT(gdb_calls)) |
		      allow_ioctls(ctx, gdb_ioctls, COUNT(gdb_ioctls));
	return rc | allow_memory(ctx);
}

int sandbox_install(enum sandbox_mode mode, const struct sandbox_needs *needs,
		    char *err, size_t errlen)
{
	if (mode == SANDBOX_OFF)
		return 0;
	uint32_t action = mode == SANDBOX_LOG ? SCMP_ACT_LOG : SCMP_ACT_TRAP;
	if (mode == SANDBOX_ON) {
		struct sigaction sa = { .sa_sigaction = on_forbidden_syscall, .sa_flags = SA_SIGINFO };
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0) {
			snprintf(err, errlen, "sandbox: SIGSYS handler: %s", strerror(errno));
			return -1;
		}
	}
	scmp_filter_ctx ctx = seccomp_init(action);
	if (!ctx) {
		snprintf(err, errlen, "sandbox: seccomp_init failed (use -sandbox off to run without it)");
		return -1;
	}
	/* An i386 int 0x80 or x32 call would slip past a list of x86-64 numbers:
	 * treat it as forbidden too (libseccomp's default kills only the thread). */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action);
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (!rc) /* the display thread already runs */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!rc)
		rc = build_rules(ctx, needs) ? -EINVAL : 0;
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		snprintf(err, errlen, "sandbox: cannot install the seccomp filter: %s (use -sandbox off to run without it)",
			 strerror(-rc));
		return -1;
	}
	return 0;
}
