/*
 * The seccomp sandbox (host/core/sandbox.c): each test forks a child that
 * installs it through the library call, as vmm's main does after setup, then
 * makes one system call. A forbidden call must end the child with status 122
 * and a line on stderr naming the call; an allowed one must work.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox.h"

struct outcome {
	int status;      /* exit status, or 128 + signal */
	char err[1024];  /* what the child wrote on stderr */
};

typedef int (*child_fn)(void);

/* Sanitizer builds (VMM_SANDBOX_DEFAULT_OFF: vmm runs them without the
 * sandbox) wrap threads and stdio with calls of their own (sigaltstack for
 * each thread...) that the list does not have: tests of allowed paths
 * through those wrappers are skipped there. */
static void skip_in_sanitizer_builds(void)
{
#ifdef VMM_SANDBOX_DEFAULT_OFF
	skip();
#endif
}

/* Runs fn in a child with stderr captured; the child exits with fn's value. */
static struct outcome run_child(child_fn fn)
{
	struct outcome o = { .status = -1 };
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		_exit(fn());
	}
	close(pipefd[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(o.err) - 1 && (r = read(pipefd[0], o.err + n, sizeof(o.err) - 1 - n)) > 0)
		n += (size_t)r;
	o.err[n] = '\0';
	close(pipefd[0]);
	int wstatus;
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	o.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	return o;
}

static void install(enum sandbox_mode mode, const struct sandbox_needs *needs)
{
	char err[256];
	if (sandbox_install(mode, needs, err, sizeof(err)) < 0) {
		fprintf(stderr, "install failed: %s\n", err);
		_exit(99);
	}
}

static void assert_trapped(struct outcome o, const char *name)
{
	if (o.status != SANDBOX_VIOLATION_STATUS || !strstr(o.err, name))
		print_error("child status %d, stderr '%s'; expected %d naming %s\n", o.status, o.err,
			    SANDBOX_VIOLATION_STATUS, name);
	assert_int_equal(o.status, SANDBOX_VIOLATION_STATUS);
	assert_non_null(strstr(o.err, name));
	assert_non_null(strstr(o.err, "vmm: sandbox: forbidden system call"));
}

static int exec_true(void)
{
	char *argv[] = { "true", NULL };
	execv("/bin/true", argv);
	return 50; /* exec failed */
}

/* --- forbidden calls are trapped and named --------------------------------- */

static int execve_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	return exec_true();
}

static void test_execve_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(execve_under_sandbox), "execve (59)");
}

static int socket_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 51;
}

static void test_socket_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(socket_under_sandbox), "socket (41)");
}

/* fork() is clone without CLONE_THREAD: a new process, not a thread. */
static int fork_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	return 52;
}

static void test_fork_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(fork_under_sandbox), "clone (56)");
}

/* TIOCSTI pushes characters into a terminal's input: the classic escape
 * from a sandboxed program that holds a tty. Only listed requests pass. */
static int tiocsti_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	char c = 'x';
	ioctl(STDERR_FILENO, TIOCSTI, &c);
	return 53;
}

static void test_unlisted_ioctl_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(tiocsti_under_sandbox), "ioctl (16)");
}

/* No new code after setup: executable mappings are refused. */
static int exec_mapping_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 54 : 0;
}

static void test_executable_mapping_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(exec_mapping_under_sandbox), "mmap (9)");
}

/* No file is opened after setup, for reading or for writing. */
static int read_open_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	return open("/etc/passwd", O_RDONLY) >= 0 ? 0 : 55;
}

static void test_open_for_reading_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(read_open_under_sandbox), "openat (257)");
}

static char scratch_path[64];

static int create_file_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	return open(scratch_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) >= 0 ? 0 : 56;
}

static void test_file_creation_is_trapped(void **state)
{
	(void)state;
	snprintf(scratch_path, sizeof(scratch_path), "/tmp/vmm-test-sandbox-%d", (int)getpid());
	assert_trapped(run_child(create_file_under_sandbox), "openat (257)");
	assert_int_equal(access(scratch_path, F_OK), -1); /* nothing was created */
}

/* An i386 system call (int 0x80) is not on a list of x86-64 numbers: it
 * must not slip through, nor kill only its thread (libseccomp's default). */
static int i386_call_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	long ret = 20; /* i386 getpid */
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return 57;
}

static void test_i386_call_is_trapped(void **state)
{
	(void)state;
	assert_trapped(run_child(i386_call_under_sandbox), "another architecture, number 20");
}

/* --- threads ---------------------------------------------------------------- */

/* A thread that was running before the install (vmm's display thread) is
 * covered too: SCMP_FLTATR_CTL_TSYNC. */
static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go;

static void *socket_when_told(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&go_lock);
	while (!go)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);
	socket(AF_INET, SOCK_STREAM, 0);
	return NULL;
}

static int older_thread_under_sandbox(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, socket_when_told, NULL) != 0)
		return 60;
	install(SANDBOX_ON, NULL);
	pthread_mutex_lock(&go_lock);
	go = 1;
	pthread_cond_signal(&go_cond);
	pthread_mutex_unlock(&go_lock);
	pthread_join(t, NULL);
	return 61;
}

static void test_thread_started_before_is_covered(void **state)
{
	(void)state;
	skip_in_sanitizer_builds();
	assert_trapped(run_child(older_thread_under_sandbox), "socket (41)");
}

/* Threads started later (the vCPU, the disk queue) can be created, run the
 * allowed calls, and inherit the filter. */
static void *allowed_then_execve(void *arg)
{
	(void)arg;
	int fd = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;
	if (fd < 0 || write(fd, &one, sizeof(one)) != sizeof(one) || read(fd, &one, sizeof(one)) != sizeof(one))
		return (void *)1;
	close(fd);
	void *p = malloc(1 << 20); /* mmap without PROT_EXEC */
	free(p);
	exec_true();
	return NULL;
}

static int new_thread_under_sandbox(void)
{
	install(SANDBOX_ON, NULL);
	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, allowed_then_execve, NULL) != 0)
		return 62;
	pthread_join(t, &ret);
	return ret ? 63 : 64;
}

static void test_thread_started_after_works_and_is_covered(void **state)
{
	(void)state;
	skip_in_sanitizer_builds();
	assert_trapped(run_child(new_thread_under_sandbox), "execve (59)");
}

/* The calls vmm makes at stop: a screenshot file, opened at setup (before
 * the sandbox), written and closed. */
static int screenshot_under_sandbox(void)
{
	FILE *f = fopen(scratch_path, "w");
	install(SANDBOX_ON, NULL);
	if (!f || fprintf(f, "screen\n") < 0 || fclose(f) != 0)
		return 65;
	return 0;
}

static void test_screenshot_file_can_be_written(void **state)
{
	(void)state;
	skip_in_sanitizer_builds();
	snprintf(scratch_path, sizeof(scratch_path), "/tmp/vmm-test-sandbox-%d", (int)getpid());
	struct outcome o = run_child(screenshot_under_sandbox);
	assert_int_equal(o.status, 0);
	char buf[16] = { 0 };
	FILE *f = fopen(scratch_path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	unlink(scratch_path);
	assert_string_equal(buf, "screen\n");
}

/* --- modes ------------------------------------------------------------------ */

static int execve_with_sandbox_off(void)
{
	install(SANDBOX_OFF, NULL);
	return exec_true();
}

static void test_off_allows_everything(void **state)
{
	(void)state;
	struct outcome o = run_child(execve_with_sandbox_off);
	assert_int_equal(o.status, 0);
	assert_null(strstr(o.err, "sandbox"));
}

/* log: the kernel records the call and lets it run. */
static int execve_with_sandbox_log(void)
{
	install(SANDBOX_LOG, NULL);
	return exec_true();
}

static void test_log_lets_the_call_run(void **state)
{
	(void)state;
	struct outcome o = run_child(execve_with_sandbox_log);
	assert_int_equal(o.status, 0);
}

static void test_mode_names(void **state)
{
	(void)state;
	enum sandbox_mode m;
	assert_int_equal(sandbox_mode_parse("on", &m), 0);
	assert_int_equal(m, SANDBOX_ON);
	assert_int_equal(sandbox_mode_parse("log", &m), 0);
	assert_int_equal(m, SANDBOX_LOG);
	assert_int_equal(sandbox_mode_parse("off", &m), 0);
	assert_int_equal(m, SANDBOX_OFF);
	assert_int_equal(sandbox_mode_parse("yes", &m), -1);
	assert_int_equal(sandbox_mode_parse("", &m), -1);
#ifdef VMM_SANDBOX_DEFAULT_OFF
	assert_int_equal(SANDBOX_DEFAULT, SANDBOX_OFF);
#else
	assert_int_equal(SANDBOX_DEFAULT, SANDBOX_ON);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_execve_is_trapped),
		cmocka_unit_test(test_socket_is_trapped),
		cmocka_unit_test(test_fork_is_trapped),
		cmocka_unit_test(test_unlisted_ioctl_is_trapped),
		cmocka_unit_test(test_executable_mapping_is_trapped),
		cmocka_unit_test(test_open_for_reading_is_trapped),
		cmocka_unit_test(test_file_creation_is_trapped),
		cmocka_unit_test(test_i386_call_is_trapped),
		cmocka_unit_test(test_thread_started_before_is_covered),
		cmocka_unit_test(test_thread_started_after_works_and_is_covered),
		cmocka_unit_test(test_screenshot_file_can_be_written),
		cmocka_unit_test(test_off_allows_everything),
		cmocka_unit_test(test_log_lets_the_call_run),
		cmocka_unit_test(test_mode_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
