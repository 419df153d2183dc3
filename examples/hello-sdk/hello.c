/* A guest built outside vmm's tree against the installed SDK (README,
 * "Building a guest against the installed SDK"). */
#include <stdint.h>

#include "hypercall.h"
#include "printf.h"

int main(void)
{
	printf("hello from an out-of-tree guest\n");
	/* A hypercall: vmm counts this guest's exits (NUM_EXITS). */
	unsigned long long before = hc_numexits();
	hc_printstr("one exit\n");
	printf("exits for one PRINTSTR: %llu\n", hc_numexits() - before);
	return 0; /* vmm exits with main's value */
}
