/*
 * Density: N VMs started at once, how fast they all reach their guest, and
 * what each costs in private memory once idle.
 *
 *   density N KERNEL COMMAND [ARGS...]
 *
 * Starts N copies of COMMAND ARGS KERNEL at once (fork + exec, no waiting in
 * between), each with a terminal of its own as stdout. A VM has "started"
 * when its guest's first line ("up") arrives there; starts per second = N / (time from the first fork to the last
 * such line). Each VM is then stopped with SIGSTOP, standing for an idle
 * guest: vmm has no interrupt controller, so a guest cannot halt until an
 * interrupt and can only spin, and N spinning guests would only measure the
 * scheduler. Once all are up, it reads each one's /proc/PID/smaps: USS
 * (Private_Clean + Private_Dirty, as smaps_rollup sums them) and, of that,
 * the guest RAM mapping's part (the mapping of exactly the guest's RAM
 * size), then kills them all.
 *
 * Prints one line of key=value pairs (times in ms, memory in KiB).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_VMS 1000
#define GUEST_RAM_KIB (64 * 1024) /* vmm's default -mem */
#define TIMEOUT_MS 120000
#define DRIVER_NICE (-10)

struct vm_proc {
	pid_t pid;
	int out; /* read end of its stdout */
	double up_ms; /* when its first line arrived; 0 while not yet */
	long uss_kib, ram_kib;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Starts argv with a terminal as its stdout, so that vmm writes each guest
 * line as it comes (to a pipe it would buffer them for up to 50 ms); *out is
 * the terminal's master side. */
static pid_t spawn(char **argv, int *out, int nice_value)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return -1;
	const char *slave = ptsname(master);
	pid_t pid = fork();
	if (pid == 0) {
		setpriority(PRIO_PROCESS, 0, nice_value); /* the VMs run as usual */
		int fd = open(slave, O_WRONLY | O_NOCTTY);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	*out = master;
	return pid;
}

/* Sums Private_Clean + Private_Dirty over all mappings, and separately over
 * the mapping whose size is the guest's RAM. */
static void private_memory(pid_t pid, long *uss_kib, long *ram_kib)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(path, "r");
	*uss_kib = *ram_kib = 0;
	if (!f)
		return;
	bool in_ram = false;
	long kib;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Size: %ld kB", &kib) == 1)
			in_ram = kib == GUEST_RAM_KIB;
		else if (sscanf(line, "Private_Clean: %ld kB", &kib) == 1 ||
			 sscanf(line, "Private_Dirty: %ld kB", &kib) == 1) {
			*uss_kib += kib;
			if (in_ram)
				*ram_kib += kib;
		}
	}
	fclose(f);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[1]) : 0;
	if (n < 1 || n > MAX_VMS) {
		fprintf(stderr, "usage: density N KERNEL COMMAND [ARGS...]  (N <= %d)\n", MAX_VMS);
		return 2;
	}
	/* COMMAND ARGS... KERNEL */
	char **cmd = calloc((size_t)argc, sizeof(char *));
	int c = 0;
	for (int i = 3; i < argc; i++)
		cmd[c++] = argv[i];
	cmd[c++] = argv[2];

	static struct vm_proc vms[MAX_VMS];
	static struct pollfd fds[MAX_VMS];
	/* Where allowed (CAP_SYS_NICE), this driver runs ahead of the VMs, so
	 * that a guest spins no longer than it takes to see its line: with 100
	 * VMs at its own priority, its wake-ups come late and the spinning
	 * guests eat the CPU the others need to start. */
	int nice_value = getpriority(PRIO_PROCESS, 0);
	bool ahead = setpriority(PRIO_PROCESS, 0, DRIVER_NICE) == 0;
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		vms[i].pid = spawn(cmd, &vms[i].out, nice_value);
		if (vms[i].pid < 0) {
			perror("density: fork");
			return 1;
		}
	}

	int up = 0, dead = 0;
	while (up + dead < n && now_ms() - t0 < TIMEOUT_MS) {
		int k = 0;
		for (int i = 0; i < n; i++)
			if (!vms[i].up_ms && vms[i].out >= 0)
				fds[k++] = (struct pollfd){ .fd = vms[i].out, .events = POLLIN };
		if (poll(fds, (nfds_t)k, 1000) <= 0)
			continue;
		double t = now_ms();
		for (int j = 0; j < k; j++) {
			if (!fds[j].revents)
				continue;
			int i = 0;
			while (vms[i].out != fds[j].fd)
				i++;
			char buf[256];
			ssize_t got = read(vms[i].out, buf, sizeof(buf));
			if (got <= 0) { /* it ended before its guest said anything */
				close(vms[i].out);
				vms[i].out = -1;
				dead++;
			} else if (memchr(buf, '\n', (size_t)got)) {
				vms[i].up_ms = t - t0;
				kill(vms[i].pid, SIGSTOP);
				up++;
			}
		}
	}

	double times[MAX_VMS], uss_sum = 0, ram_sum = 0, rest_max = 0;
	for (int i = 0; i < n; i++) {
		times[i] = vms[i].up_ms;
		private_memory(vms[i].pid, &vms[i].uss_kib, &vms[i].ram_kib);
		uss_sum += vms[i].uss_kib;
		ram_sum += vms[i].ram_kib;
		if (vms[i].uss_kib - vms[i].ram_kib > rest_max)
			rest_max = vms[i].uss_kib - vms[i].ram_kib;
	}
	for (int i = 0; i < n; i++) {
		kill(vms[i].pid, SIGKILL);
		waitpid(vms[i].pid, NULL, 0);
	}
	if (up < n) {
		fprintf(stderr, "density: only %d of %d VMs reached their guest (%d ended first)\n", up, n, dead);
		return 1;
	}
	qsort(times, (size_t)n, sizeof(times[0]), by_value);
	printf("vms=%d starts_per_s=%.0f first_ms=%.1f median_ms=%.1f last_ms=%.1f "
	       "uss_kib=%.0f ram_kib=%.0f rest_kib=%.0f rest_max_kib=%.0f driver_ahead=%d\n",
	       n, n / (times[n - 1] / 1e3), times[0], times[n / 2], times[n - 1],
	       uss_sum / n, ram_sum / n, (uss_sum - ram_sum) / n, rest_max, ahead);
	return 0;
}
