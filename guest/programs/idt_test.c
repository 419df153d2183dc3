/*
 * Checks the SDK's interrupt headers (idt.h, pic.h, pit.h) without needing
 * any interrupt line, so its output is the same wherever it runs. The last
 * word of the command line (-append WORD) picks the check:
 *   handled   a #UD handler steps over three ud2 and changes a saved
 *             register; the frame must hold the vector, error code and CS
 *   ud        ud2 with no handler: the SDK's report, exit status 117
 *   gp        a bad selector loaded into DS: #GP with error code 0x1230,
 *             the SDK's report, exit status 117
 *   chips     PIC masks read back, PIT counter and channel 2 delay
 * Exit: status 0 on vmm (EXIT hypercall), 1 elsewhere (isa-debug-exit 0),
 * 5 for a failed check or an unknown word. Modes: multiboot64, multiboot
 * (32-bit: "handled" needs a host that runs a 32-bit iret).
 */
#include <stdint.h>

#include "hypercall.h"
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "printf.h"
#include "string.h"

#define EXIT_FAILED 0x12 /* not 1 or 2: vmm's own statuses */
#define UD2_LENGTH 2
#define BAD_SELECTOR 0x1230 /* far beyond the GDT's limit */
#define MARKER 0x5A5A1234u

static volatile unsigned ud_count;
static volatile int frame_ok = 1;

static uint16_t code_selector(void)
{
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs;
}

static void on_invalid_opcode(struct interrupt_frame *frame)
{
	if (frame->vector != EXC_INVALID_OPCODE || frame->error_code != 0 ||
	    frame->cs != code_selector() || !(frame->flags & 0x2) /* always 1 */)
		frame_ok = 0;
	ud_count++;
	frame->ax = MARKER; /* the interrupted code must see it */
	frame->ip += UD2_LENGTH;
}

static int check_handled(void)
{
	uint32_t seen[3];

	idt_set_handler(EXC_INVALID_OPCODE, on_invalid_opcode);
	for (int i = 0; i < 3; i++) {
		uint32_t ax = 0;
		__asm__ volatile("ud2" : "+a"(ax) : : "memory");
		seen[i] = ax;
	}
	int ok = ud_count == 3 && frame_ok && seen[0] == MARKER && seen[2] == MARKER;
	printf("handled: %u #UD, frame %s, eax after return 0x%x\n", ud_count,
	       frame_ok ? "ok" : "WRONG", seen[1]);
	return ok;
}

static int check_chips(void)
{
	int ok = 1;

	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	uint16_t after_remap = pic_get_masks();
	pic_set_masks(0x5A3C);
	uint16_t set = pic_get_masks();
	pic_unmask(9);
	pic_mask(0);
	uint16_t changed = pic_get_masks();
	printf("pic masks: after remap 0x%04x, set 0x%04x, unmask 9 and mask 0 0x%04x\n",
	       after_remap, set, changed);
	ok &= after_remap == 0xFFFB && set == 0x5A3C && changed == 0x583D;
	pic_set_masks(0xFFFF);
	/* With every line masked nothing can be in service. */
	printf("pic in service: 0x%04x\n", pic_read_isr());
	ok &= pic_read_isr() == 0;

	uint32_t divisor = pit_start_periodic(100, PIT_MODE_RATE_GENERATOR);
	uint16_t count = pit_read_counter(0);
	printf("pit: divisor %u for 100 Hz, counter %s\n", divisor,
	       count >= 1 && count <= divisor ? "in range" : "OUT OF RANGE");
	ok &= divisor == 11932 && count >= 1 && count <= divisor;
	printf("pit divisors: 1193182 Hz %u, 1000 Hz %u, 18 Hz %u\n", pit_divisor(1193182),
	       pit_divisor(1000), pit_divisor(18));
	ok &= pit_divisor(1193182) == 1 && pit_divisor(1000) == 1193 && pit_divisor(18) == 65536;
	pit_delay_us(2000);
	pit_delay_us(60000); /* more than one countdown */
	printf("pit delay: returned, channel 2 output %s\n",
	       inb(PIT_PORT_61) & PORT_61_CHANNEL2_OUT ? "high" : "low");
	uint64_t tsc_per_ms = pit_tsc_per_ms();
	printf("tsc calibrated against the pit: %s\n", tsc_per_ms > 0 ? "yes" : "NO");
	ok &= tsc_per_ms > 0;
	return ok;
}

int main(uint32_t magic, uint32_t info_address)
{
	char word[16];
	const char *check = multiboot_last_word(magic, info_address, word, sizeof(word));
	int ok;

	idt_install();
	if (strcmp(check, "handled") == 0) {
		ok = check_handled();
	} else if (strcmp(check, "ud") == 0) {
		__asm__ volatile("ud2");
		ok = 0;
	} else if (strcmp(check, "gp") == 0) {
		__asm__ volatile("mov %0, %%ds" : : "r"((uint16_t)BAD_SELECTOR) : "memory");
		ok = 0;
	} else if (strcmp(check, "chips") == 0) {
		ok = check_chips();
	} else {
		printf("idt_test: unknown check '%s' (handled, ud, gp, chips)\n", check);
		ok = 0;
	}
	if (!ok)
		return EXIT_FAILED;
	hc_exit(0);
	return 0;
}
