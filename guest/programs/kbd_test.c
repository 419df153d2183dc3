/*
 * The keyboard guest: takes IRQ1 in long mode (PIC remapped, IDT handler
 * that reads port 0x60), prints every byte the PS/2 keyboard sends, with the
 * key it completes, on the debug console, and exits when 'q' is pressed.
 * The same kernel runs in vmm and QEMU (tests/integration/keyboard.sh
 * compares them).
 *
 * Multiboot command line (-append):
 *   (nothing)  read the controller's command byte (the state the firmware
 *              left), then print keys until 'q'
 *   commands   first run controller and keyboard commands and print each
 *              answer: what a driver's probe sees
 *   unmask     no port access before IRQ1 is unmasked: the first one is
 *              the interrupt handler's read of a key
 *   idle       mask every PIC line, print "idle", then wait in `sti; hlt`
 *              without ever touching the keyboard or IRQ1 (vmm's ESC still
 *              quits: the guest has not taken the keyboard)
 *
 * Output lines: "status 0x1c command byte 0x61", then per byte "scancode 0x1e a" (a
 * key with a character), "scancode 0x48 up" (a named key; "-" after the
 * name or character marks a release), or "scancode 0xe0" (a prefix).
 */
#include <stdint.h>

#include "idt.h"
#include "io.h"
#include "kbd.h"
#include "multiboot.h"
#include "pic.h"
#include "printf.h"

#define EXIT_QUIT 0x10      /* 'q' pressed: status 16 on vmm, 33 on QEMU */
#define REPLY_SPINS 2000 /* status reads while waiting for an answer */

/* True when `word` is one of the command line's space-separated words. */
static bool has_word(const char *cmdline, const char *word)
{
	for (const char *p = cmdline; *p; p++) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (word[i] && p[i] == word[i])
			i++;
		if (!word[i] && (p[i] == ' ' || p[i] == '\0'))
			return true;
	}
	return false;
}

/* Prints every byte that arrives within the wait, as "name: fa 41 ...". */
static void print_answer(const char *name)
{
	printf("%s:", name);
	int byte;
	while ((byte = kbd_read_data(REPLY_SPINS)) >= 0)
		printf(" %02x", byte);
	printf("\n");
}

static void keyboard_command(const char *name, uint8_t command)
{
	kbd_write_data(command);
	print_answer(name);
}

/* What a driver's probe does, each answer printed. */
static void run_commands(void)
{
	uint8_t config = kbd_read_config();
	kbd_controller_command(KBD_CTL_SELF_TEST);
	print_answer("self-test");
	kbd_controller_command(KBD_CTL_PORT_TEST);
	print_answer("port-test");
	printf("command byte after self-test 0x%02x\n", kbd_read_config());
	keyboard_command("echo", KBD_CMD_ECHO);
	keyboard_command("identify", KBD_CMD_IDENTIFY);
	keyboard_command("leds", KBD_CMD_SET_LEDS);
	keyboard_command("leds-arg", 0x07);
	keyboard_command("leds-off", KBD_CMD_SET_LEDS);
	keyboard_command("leds-off-arg", 0x00);
	keyboard_command("scancode-get", KBD_CMD_SCANCODES);
	keyboard_command("scancode-get-arg", 0);
	/* Untranslated, the keyboard's own answer shows. */
	kbd_write_config(config & (uint8_t)~KBD_CONFIG_TRANSLATE);
	keyboard_command("identify-raw", KBD_CMD_IDENTIFY);
	keyboard_command("scancode-get-raw", KBD_CMD_SCANCODES);
	keyboard_command("scancode-get-raw-arg", 0);
	kbd_write_config(config);
	keyboard_command("reset", KBD_CMD_RESET);
	keyboard_command("enable", KBD_CMD_ENABLE);
	printf("commands done\n");
}

/* Bytes from the IRQ1 handler to main: a ring the handler fills. */
#define RING_SIZE 64
static volatile uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head, ring_tail;
static volatile uint32_t ring_lost;

/* One byte per interrupt, as PC keyboard handlers do: reading port 0x60
 * lowers IRQ1, and the controller raises it again for the next byte. */
static void on_keyboard(struct interrupt_frame *frame)
{
	(void)frame;
	uint8_t byte = inb(KBD_DATA_PORT);
	if (ring_head - ring_tail < RING_SIZE)
		ring[ring_head++ % RING_SIZE] = byte;
	else
		ring_lost++;
	pic_eoi(1);
}

static void print_key(uint8_t byte, struct kbd_decoder *decoder, bool *quit)
{
	struct kbd_key key;
	printf("scancode 0x%02x", byte);
	if (kbd_decode(decoder, byte, &key)) {
		if (key.ch == '\n')
			printf(" enter");
		else if (key.ch == '\b')
			printf(" backspace");
		else if (key.ch == '\t')
			printf(" tab");
		else if (key.ch == ' ')
			printf(" space");
		else if (key.ch)
			printf(" %c", key.ch);
		else if (key.name)
			printf(" %s%s", key.name, key.released ? "-" : "");
		if (key.ch == 'q' && !key.extended && !key.released)
			*quit = true;
	}
	printf("\n");
}

int main(uint32_t magic, uint32_t info_address)
{
	const struct multiboot_info *info = multiboot_pointer(info_address);
	const char *cmdline = "";
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (info->flags & MULTIBOOT_INFO_CMDLINE))
		cmdline = multiboot_pointer(info->cmdline);

	if (has_word(cmdline, "idle")) {
		/* Every line masked (the firmware's timer would otherwise tick
		 * into an empty IDT), IRQ1 included. */
		idt_install();
		pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
		printf("idle\n");
		for (;;)
			sti_hlt();
	}
	/* The state the firmware left: status first (reading the command byte
	 * changes the status' command/data bit). */
	bool unmask_first = has_word(cmdline, "unmask");
	if (!unmask_first) {
		uint8_t status = inb(KBD_STATUS_PORT);
		printf("status 0x%02x command byte 0x%02x\n", status, kbd_read_config());
		if (has_word(cmdline, "commands"))
			run_commands();
	}

	idt_install();
	idt_set_handler(PIC_IRQ_VECTOR(1), on_keyboard);
	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	if (!unmask_first)
		kbd_flush(); /* a byte left over would hold IRQ1 high: no new edge */
	pic_unmask(1);
	printf("ready\n"); /* keys typed from now on are printed */

	struct kbd_decoder decoder = { 0 };
	bool quit = false;
	while (!quit) {
		cli();
		if (ring_head == ring_tail) {
			sti_hlt(); /* woken by the next interrupt */
			continue;
		}
		uint8_t byte = ring[ring_tail % RING_SIZE];
		ring_tail++;
		sti();
		print_key(byte, &decoder, &quit);
	}
	if (ring_lost)
		printf("lost %u bytes\n", (unsigned)ring_lost);
	printf("bye\n");
	return EXIT_QUIT;
}
