/*
 * The demo `make run` starts: a tour of the hypercalls a guest can make,
 * each printed through the VMM's own console calls. Exits with status 0.
 */
#include <stdint.h>

#include "hypercall.h"
#include "printf.h"

#define MEMMAP_MAX 8

static void show_memory_map(void)
{
	struct hc_memmap_entry entries[MEMMAP_MAX];
	long long count = hc_memmap(entries, MEMMAP_MAX);

	printf("guest physical memory (%lld ranges):\n", (long long)count);
	for (long long i = 0; i < count && i < MEMMAP_MAX; i++)
		printf("  %010llx-%010llx %s\n", entries[i].base,
		       entries[i].base + entries[i].length - 1,
		       entries[i].type == HC_MEM_USABLE ? "RAM" : "reserved");
}

int main(void)
{
	static const char greeting[] = "Hello from the guest, through PRINTSTR!\n";
	unsigned long long start = hc_gettimestamp();

	hc_printstr(greeting);
	printf("the greeting lives at guest %p, host 0x%llx\n",
	       (const void *)greeting, hc_gvatohva(greeting));
	printf("VM exits so far: %llu\n", hc_numexits());
	show_memory_map();
	printf("PRINT32 and PRINT64 of 42:\n");
	hc_print32bit(42);
	hc_print64(42);
	printf("this took %llu ns of guest time\n", hc_gettimestamp() - start);
	return 0;
}
