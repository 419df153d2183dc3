/*
 * Hypercall round trip against the floor, in one run.
 *
 * Every measurement builds a fresh VM with the core library, drops one of
 * the loops of guests.S at BENCH_CODE_ADDR and times vm_run() (wall clock,
 * CLOCK_MONOTONIC) while the guest makes N exits and halts:
 *   bare      the loop without `out`: what the guest's own instructions cost
 *   floor     N `outl` to a port whose handler does nothing: the cheapest exit
 *             vmm can handle (a bare KVM_RUN loop)
 *   print8    N PRINT8 hypercalls, console sent to /dev/null
 *   numexits  N NUM_EXITS hypercalls
 * The four are interleaved, R rounds (the order rotates every round), and the
 * median ns per call of each is compared with the floor's. The exit counts
 * come from vm->stats and are checked, as are the hypercalls' status words.
 *
 *   hypercall_bench [-n N] [-r ROUNDS] [-m real|protected|long] [-g GOAL]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "hypercall.h"
#include "vm.h"

#define BENCH_MEM       (4ull << 20)
#define BENCH_CODE_ADDR 0x1000
#define BENCH_BLOCK_GPA 0x3000
#define BENCH_EMPTY_PORT 0x80 /* POST port: nothing else claims it here */

#define LOOP_DECLARE(name) extern const unsigned char name##_start[], name##_end[]
LOOP_DECLARE(out_loop_real);
LOOP_DECLARE(out_loop_protected);
LOOP_DECLARE(out_loop_long);
LOOP_DECLARE(bare_loop_real);
LOOP_DECLARE(bare_loop_protected);
LOOP_DECLARE(bare_loop_long);

struct code {
	const unsigned char *start, *end;
};

static const struct code out_loops[] = {
	[MODE_REAL] = { out_loop_real_start, out_loop_real_end },
	[MODE_PROTECTED] = { out_loop_protected_start, out_loop_protected_end },
	[MODE_LONG] = { out_loop_long_start, out_loop_long_end },
};
static const struct code bare_loops[] = {
	[MODE_REAL] = { bare_loop_real_start, bare_loop_real_end },
	[MODE_PROTECTED] = { bare_loop_protected_start, bare_loop_protected_end },
	[MODE_LONG] = { bare_loop_long_start, bare_loop_long_end },
};

enum kind { K_BARE, K_FLOOR, K_PRINT8, K_NUMEXITS, K_COUNT };
static const char *const kind_name[K_COUNT] = {
	[K_BARE] = "bare loop (no exit)",
	[K_FLOOR] = "floor: out, empty handler",
	[K_PRINT8] = "PRINT8 -> /dev/null",
	[K_NUMEXITS] = "NUM_EXITS",
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void empty_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)opaque, (void)offset, (void)size, (void)value;
}
static const struct io_ops empty_ops = { NULL, empty_write };

static void die(const char *what)
{
	fprintf(stderr, "hypercall_bench: %s\n", what);
	exit(1);
}

/* One measurement: returns the wall-clock ns of vm_run() for n iterations. */
static uint64_t run_once(enum kind kind, enum cpu_mode mode, uint32_t n)
{
	char err[256];
	struct vm_config cfg = { .mem_size = BENCH_MEM };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm)
		die(err);
	/* The same bus in every VM: the hypercall doorbell, then the empty port. */
	if (hypercall_register(vm) < 0 ||
	    vm_register_pio(vm, BENCH_EMPTY_PORT, 4, "bench-empty", &empty_ops, NULL) < 0)
		die("cannot register the ports");

	const struct code *code = kind == K_BARE ? &bare_loops[mode] : &out_loops[mode];
	size_t len = (size_t)(code->end - code->start);
	void *dst = vm_gpa_ptr(vm, BENCH_CODE_ADDR, len);
	struct hc_request *block = vm_gpa_ptr(vm, BENCH_BLOCK_GPA, sizeof(*block));
	if (!dst || !block)
		die("guest RAM too small");
	memcpy(dst, code->start, len);
	*block = (struct hc_request){
		.nr = kind == K_PRINT8 ? HC_PRINT8 : HC_NUM_EXITS,
		.status = 1, /* the VMM overwrites it */
		.arg = { 'x' },
	};

	uint64_t stack = mode == MODE_REAL ? 0 : vm->mem_size;
	struct kvm_regs regs;
	if (vm_setup_cpu(vm, mode, BENCH_CODE_ADDR, stack) < 0 || vm_get_regs(vm, &regs) < 0)
		die("cannot set up the vCPU");
	regs.rcx = n;
	regs.rax = BENCH_BLOCK_GPA;
	regs.rdx = kind == K_FLOOR ? BENCH_EMPTY_PORT : VMM_HC_PORT;
	if (vm_set_regs(vm, &regs) < 0)
		die("cannot set the registers");

	uint64_t t0 = now_ns();
	enum vm_stop_reason reason = vm_run(vm, 600);
	uint64_t elapsed = now_ns() - t0;

	/* Check that the guest did what we time. */
	uint64_t want_exits = kind == K_BARE ? 1 : (uint64_t)n + 1; /* + the hlt */
	uint64_t want_hc = kind == K_PRINT8 || kind == K_NUMEXITS ? n : 0;
	if (reason != STOP_HALT || vm->stats.exits != want_exits ||
	    vm->stats.hypercalls != want_hc || vm->stats.hypercalls_failed != 0 ||
	    (want_hc && (block->status != HC_OK || block->ret != 0))) {
		fprintf(stderr,
			"hypercall_bench: %s: stop reason %d, %llu exits (want %llu), %llu hypercalls "
			"(want %llu), %llu failed, status %d, ret %llu\n",
			kind_name[kind], reason, (unsigned long long)vm->stats.exits,
			(unsigned long long)want_exits, (unsigned long long)vm->stats.hypercalls,
			(unsigned long long)want_hc, (unsigned long long)vm->stats.hypercalls_failed,
			block->status, (unsigned long long)block->ret);
		exit(1);
	}
	vm_destroy(vm);
	return elapsed;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: hypercall_bench [-n N] [-r ROUNDS] [-m real|protected|long] [-g GOAL]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t n = 20000;
	int rounds = 5;
	double goal = 1.05;
	enum cpu_mode mode = MODE_PROTECTED;
	int opt;
	while ((opt = getopt(argc, argv, "n:r:m:g:")) != -1) {
		switch (opt) {
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'r': rounds = atoi(optarg); break;
		case 'g': goal = atof(optarg); break;
		case 'm':
			if (cpu_mode_parse(optarg, &mode) < 0 || mode == MODE_PAGED32)
				usage();
			break;
		default: usage();
		}
	}
	if (n == 0 || rounds < 1 || rounds > 100)
		usage();

	FILE *devnull = fopen("/dev/null", "w");
	if (!devnull)
		die("cannot open /dev/null");
	console_set_output(devnull);

	uint64_t *ns[K_COUNT];
	for (int k = 0; k < K_COUNT; k++)
		ns[k] = calloc((size_t)rounds, sizeof(uint64_t));
	run_once(K_FLOOR, mode, n / 10 + 1); /* warm-up, not counted */
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < K_COUNT; i++) {
			int k = (i + r) % K_COUNT; /* rotate the order each round */
			ns[k][r] = run_once(k, mode, n);
		}

	double med[K_COUNT], lo[K_COUNT], hi[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		qsort(ns[k], (size_t)rounds, sizeof(uint64_t), cmp_u64);
		uint64_t m = rounds % 2 ? ns[k][rounds / 2]
					: (ns[k][rounds / 2 - 1] + ns[k][rounds / 2]) / 2;
		med[k] = (double)m / n;
		lo[k] = (double)ns[k][0] / n;
		hi[k] = (double)ns[k][rounds - 1] / n;
	}

	printf("== hypercall round trip (%s mode, N = %u per run, %d interleaved rounds, median) ==\n",
	       cpu_mode_name(mode), n, rounds);
	printf("%-27s %10s %19s %9s %14s\n", "guest loop", "ns/call", "min..max", "x floor",
	       "ns over floor");
	for (int k = 0; k < K_COUNT; k++) {
		char range[32], over[24] = "";
		snprintf(range, sizeof(range), "%.0f..%.0f", lo[k], hi[k]);
		if (k != K_FLOOR)
			snprintf(over, sizeof(over), "%+.0f", med[k] - med[K_FLOOR]);
		printf("%-27s %10.0f %19s %8.3fx %14s\n", kind_name[k], med[k], range,
		       med[k] / med[K_FLOOR], over);
	}
	double exit_only = med[K_FLOOR] - med[K_BARE];
	printf("exit round trip alone (floor - bare loop): %.0f ns\n", exit_only);
	for (int k = K_PRINT8; k <= K_NUMEXITS; k++) {
		double ratio = med[k] / med[K_FLOOR];
		printf("goal %s <= %.2fx floor: %.3fx, %s", kind_name[k], goal, ratio,
		       ratio <= goal ? "met" : "NOT met");
		if (exit_only > 0)
			printf(" (vmm-side cost %.3fx the bare exit)",
			       (med[k] - med[K_BARE]) / exit_only);
		printf("\n");
	}

	console_set_output(NULL);
	fclose(devnull);
	for (int k = 0; k < K_COUNT; k++)
		free(ns[k]);
	return 0;
}
