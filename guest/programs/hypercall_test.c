/*
 * Exercises every SDK hypercall wrapper once on vmm (flat modes) and checks
 * what can be checked from inside. Prints "hypercall_test: N failures" and
 * exits with status 40 + N, so a run that ends any other way (hlt: 0) is
 * told apart from success.
 */
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"
#include "printf.h"

#define EXIT_STATUS_BASE 40
#define MEMMAP_MAX 8

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL %s\n", what);
		failures++;
	}
}

static void test_printing(void)
{
	expect(hc_print8bit('A') == HC_OK, "print8");
	expect(hc_print8bit('\n') == HC_OK, "print8 newline");
	expect(hc_print32bit(4000000000u) == HC_OK, "print32");
	expect(hc_print64(0x123456789abcdef0ull) == HC_OK, "print64");
	int status = hc_printstr("printstr ok\n");

	if (status != HC_OK)
		printf("printstr status %d\n", status);
	expect(status == HC_OK, "printstr");
}

static void test_exit_counting(void)
{
	unsigned long long before = hc_numexits();

	hc_printstr("");
	unsigned long long after = hc_numexits();

	expect(after - before == 1, "numexits around one printstr");
}

static void test_clock(void)
{
	unsigned long long first = hc_gettimestamp();
	unsigned long long second = hc_gettimestamp();

	expect(first > 0 && second >= first, "timestamp monotonic");
}

static void test_memmap(void)
{
	struct hc_memmap_entry entries[MEMMAP_MAX];
	long long count = hc_memmap(entries, MEMMAP_MAX);

	expect(count > 0, "memmap count");
	for (long long i = 0; i < count && i < MEMMAP_MAX; i++)
		printf("memmap %llx+%llx type %u\n", entries[i].base,
		       entries[i].length, entries[i].type);
}

static void test_addresses(void)
{
	static const char marker[] = "marker";

	expect(hc_gvatohva(marker) != 0, "gvatohva of our data");
}

static void test_disk_absent(void)
{
	/* Run without -disk: no disk is the expected answer. */
	long long sectors = hc_disk_info();

	if (sectors != HC_ENODEV)
		printf("disk_info gave %lld\n", (long long)sectors);
	expect(sectors == HC_ENODEV, "disk_info without disk");
}

int main(void)
{
	test_printing();
	test_exit_counting();
	test_clock();
	test_memmap();
	test_addresses();
	test_disk_absent();
	printf("hypercall_test: %d failures\n", failures);
	return EXIT_STATUS_BASE + failures;
}
