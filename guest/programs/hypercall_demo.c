/*
 * The demo `make run` starts (long mode; also built for real and protected
 * mode): the course's fixed sequence of hypercalls, then a short tour of
 * what each call guarantees. Every line is printed by the VMM through a
 * hypercall. Exits with status 0.
 */
#include <stdint.h>

#include "hypercall.h"
#include "printf.h"

#define MEMMAP_MAX 8
#define INVALID_GVA 4294967295ull

static void course_sequence(void)
{
	hc_print32bit(2048);
	hc_print32bit(4294967295u);
	unsigned long long a = hc_numexits();
	hc_printstr("CS 695 Assignment 3\n");
	unsigned long long b = hc_numexits();
	hc_print32bit((uint32_t)a);
	hc_print32bit((uint32_t)b);
	hc_print64(hc_gvatohva((const void *)1024));
	hc_print64(hc_gvatohva((const void *)(uintptr_t)INVALID_GVA));
	hc_print64(hc_gettimestamp());
}

static void print_labelled(const char *label, unsigned long long value)
{
	hc_printstr(label);
	hc_print64(value);
}

/* The map's lines are formatted by the SDK's printf (debug console). */
static void show_memory_map(void)
{
	struct hc_memmap_entry entries[MEMMAP_MAX];
	long long count = hc_memmap(entries, MEMMAP_MAX);
	printf("memory map: %lld entries\n", count);
	for (long long i = 0; i < count && i < MEMMAP_MAX; i++)
		printf("  0x%08llx-0x%08llx %s\n", entries[i].base,
		       entries[i].base + entries[i].length - 1,
		       entries[i].type == HC_MEM_USABLE ? "usable" : "reserved");
}

int main(void)
{
	static const char greeting[] = "one PRINTSTR,\ntwo lines\n";

	hc_printstr("== course sequence\n");
	course_sequence();

	hc_printstr("== tour\n");
	hc_printstr("a 32-bit value: ");
	hc_print32bit(123456789);

	unsigned long long before = hc_numexits();
	hc_printstr(greeting);
	unsigned long long after = hc_numexits();
	hc_printstr("exits around one PRINTSTR differ by ");
	hc_print32bit((uint32_t)(after - before));

	print_labelled("host address of the greeting: ", hc_gvatohva(greeting));
	hc_printstr("an address outside guest RAM: ");
	print_labelled("its host address: ", hc_gvatohva((const void *)(uintptr_t)INVALID_GVA));

	unsigned long long t1 = hc_gettimestamp();
	unsigned long long t2 = hc_gettimestamp();
	hc_printstr(t2 > t1 ? "timestamps increase: yes\n" : "timestamps increase: NO\n");

	show_memory_map();
	return 0;
}
