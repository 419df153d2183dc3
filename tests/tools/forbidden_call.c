/*
 * LD_PRELOAD shim for tests/integration/sandbox.sh: stands in for a bug that
 * makes vmm do something it never should. After each disk write (pwrite, so
 * after setup, inside the sandbox), it makes one system call that is not on
 * the sandbox's list: socket(). vmm must then stop with status 122, name the
 * call, and keep the sector the guest wrote.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
static pwrite_fn real_pwrite, real_pwrite64;

/* Looked up at load time: dlsym is not the call under test. */
__attribute__((constructor)) static void find_real_calls(void)
{
	real_pwrite = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
	real_pwrite64 = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
}

static ssize_t write_then_misbehave(pwrite_fn real, int fd, const void *buf, size_t n, off_t off)
{
	ssize_t done = real(fd, buf, n, off);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s >= 0)
		close(s);
	return done;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return write_then_misbehave(real_pwrite, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return write_then_misbehave(real_pwrite64, fd, buf, n, off);
}
