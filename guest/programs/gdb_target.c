/*
 * The gdb stub's test guest (tests/integration/gdb.sh), built with -g -O0
 * for every mode (tests/integration/gdb/gdb.mk) so that gdb can break in its
 * functions, step its lines and print its globals and locals.
 *
 * What it does is picked by gdb: it sets `scenario` before continuing.
 *   0  five stages, each adding 1 to `counter`; exits with add_squares(3, 4)
 *      + counter = 30
 *   1  spins forever (gdb interrupts it with Ctrl-C)
 *   2  triple-faults in crash() (no IDT, then ud2)
 */
#include <stdint.h>

volatile int scenario;
volatile uint32_t counter;
int result;

__attribute__((noinline)) int add_squares(int a, int b)
{
	int sum = a * a;
	sum += b * b;
	return sum;
}

__attribute__((noinline)) void stage_one(void) { counter = counter + 1; }
__attribute__((noinline)) void stage_two(void) { counter = counter + 1; }
__attribute__((noinline)) void stage_three(void) { counter = counter + 1; }
__attribute__((noinline)) void stage_four(void) { counter = counter + 1; }
__attribute__((noinline)) void stage_five(void) { counter = counter + 1; }

__attribute__((noinline)) void spin(void)
{
	for (;;)
		counter = counter + 1;
}

/* An exception with an empty IDT (limit 0): #UD, then #GP, then #DF, all
 * undeliverable: a triple fault, with RIP at the ud2. */
__attribute__((noinline)) void crash(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} no_idt = { 0, 0 };
	__asm__ volatile("lidt %0\n\tud2" : : "m"(no_idt));
}

int main(void)
{
	result = add_squares(3, 4);
	if (scenario == 1)
		spin();
	if (scenario == 2)
		crash();
	stage_one();
	stage_two();
	stage_three();
	stage_four();
	stage_five();
	return result + (int)counter;
}
