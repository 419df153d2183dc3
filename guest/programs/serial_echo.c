/*
 * The serial echo guest: sets COM1 up as the OSDev wiki's driver does
 * (38400 baud, FIFOs with a 14-byte trigger, a loopback self-test), then
 * sends every byte it receives back through COM1 until it receives EOT
 * (0x04, Ctrl-D), and exits. The same kernel runs in vmm and QEMU
 * (tests/integration/serial.sh compares them).
 *
 * Output, all on COM1: the line "serial_echo: ready (irq)" or "(poll)",
 * then exactly the bytes received before the EOT.
 *
 * Multiboot command line (-append):
 *   (nothing)  an IRQ 4 handler echoes: the FIFO's "received data" and
 *              "character timeout" interrupts (fewer than 14 bytes wait
 *              for the timeout), while main idles in `sti; hlt`
 *   poll       no interrupts: main polls LSR's data-ready bit
 *   exit       only the ready line, then exit (for output-only backends)
 *
 * main returns 0x10 after EOT, 0x11 when the loopback self-test fails:
 * status 16 or 17 on vmm (the EXIT hypercall), 33 or 35 on QEMU
 * (isa-debug-exit, (v << 1) | 1).
 */
#include <stdbool.h>
#include <stdint.h>
#include <vmm/abi.h>

#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"

#define EXIT_DONE 0x10
#define EXIT_LOOPBACK_FAILED 0x11

#define COM1 VMM_COM1_PORT
#define COM1_IRQ 4
#define REG_DATA 0
#define REG_IER 1
#define REG_IIR_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IIR_NONE 0x01
#define IIR_ID 0x0E
#define IIR_LINE_STATUS 0x06
#define IIR_RECEIVED 0x04
#define IIR_TIMEOUT 0x0C

#define EOT 0x04
#define LOOPBACK_PATTERN 0xAE

static volatile bool done;

static void send(uint8_t c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(COM1 + REG_DATA, c);
}

static void send_text(const char *s)
{
	while (*s)
		send((uint8_t)*s++);
}

/* Echoes every byte the receiver holds; after EOT, only empties it. */
static void echo_received(void)
{
	while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
		uint8_t c = inb(COM1 + REG_DATA);
		if (done)
			continue;
		if (c == EOT)
			done = true;
		else
			send(c);
	}
}

/* IRQ 4: serve every pending source, highest priority first, until IIR
 * says none is left. */
static void on_com1(struct interrupt_frame *frame)
{
	(void)frame;
	for (;;) {
		uint8_t iir = inb(COM1 + REG_IIR_FCR);
		if (iir & IIR_NONE)
			break;
		switch (iir & IIR_ID) {
		case IIR_RECEIVED:
		case IIR_TIMEOUT:
			echo_received();
			break;
		case IIR_LINE_STATUS:
			inb(COM1 + REG_LSR); /* an overrun: reading LSR clears it */
			break;
		default:
			break; /* THR empty (reading IIR cleared it), modem status */
		}
		if (done) {
			outb(COM1 + REG_IER, 0);
			break;
		}
	}
	pic_eoi(COM1_IRQ);
}

/* The OSDev wiki's init_serial(): 38400 baud 8N1, FIFOs cleared with a
 * 14-byte trigger, then a byte through loopback must come back. */
static bool init_com1(void)
{
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x80);     /* DLAB */
	outb(COM1 + REG_DATA, 0x03);    /* divisor 3: 38400 baud */
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x03);     /* 8N1 */
	outb(COM1 + REG_IIR_FCR, 0xC7); /* FIFOs on, cleared, trigger 14 */
	outb(COM1 + REG_MCR, 0x0B);     /* DTR, RTS, OUT2 */
	outb(COM1 + REG_MCR, 0x1E);     /* loopback, RTS, OUT1, OUT2 */
	outb(COM1 + REG_DATA, LOOPBACK_PATTERN);
	if (inb(COM1 + REG_DATA) != LOOPBACK_PATTERN)
		return false;
	outb(COM1 + REG_MCR, 0x0F);     /* normal: DTR, RTS, OUT1, OUT2 */
	return true;
}

static bool has_word(const char *cmdline, const char *word)
{
	for (const char *p = cmdline; *p; p++) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		unsigned i = 0;
		while (word[i] && p[i] == word[i])
			i++;
		if (!word[i] && (p[i] == ' ' || p[i] == '\0'))
			return true;
	}
	return false;
}

int main(uint32_t magic, uint32_t info_address)
{
	const struct multiboot_info *info = multiboot_pointer(info_address);
	const char *cmdline = magic == MULTIBOOT_BOOTLOADER_MAGIC &&
					      (info->flags & MULTIBOOT_INFO_CMDLINE)
				      ? multiboot_pointer(info->cmdline)
				      : "";
	bool poll = has_word(cmdline, "poll");

	if (!init_com1())
		return EXIT_LOOPBACK_FAILED;
	if (has_word(cmdline, "exit")) {
		send_text("serial_echo: ready (exit)\n");
		return EXIT_DONE;
	}
	if (poll) {
		send_text("serial_echo: ready (poll)\n");
		while (!done)
			echo_received();
		return EXIT_DONE;
	}

	idt_install();
	idt_set_handler(PIC_IRQ_VECTOR(COM1_IRQ), on_com1);
	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	pic_unmask(COM1_IRQ);
	send_text("serial_echo: ready (irq)\n");
	outb(COM1 + REG_IER, 0x01); /* received data available, character timeout */
	/* Check with interrupts off, then sleep: sti_hlt cannot miss the
	 * interrupt that sets done. */
	while (!done)
		sti_hlt(), cli();
	return EXIT_DONE;
}
