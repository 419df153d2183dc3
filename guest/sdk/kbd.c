/* PS/2 keyboard helpers and the set-1 decoder (kbd.h). US layout. */
#include "kbd.h"

#include "io.h"

/* Status reads a driver makes before it gives up on a byte; the i8042 of
 * vmm and QEMU answers at once, real ones within milliseconds. */
#define KBD_WRITE_SPINS 100000

static void wait_input_empty(void)
{
	for (unsigned long i = 0; i < KBD_WRITE_SPINS; i++) {
		if (!(inb(KBD_STATUS_PORT) & KBD_STATUS_IBF))
			return;
		cpu_relax();
	}
}

void kbd_controller_command(uint8_t command)
{
	wait_input_empty();
	outb(KBD_STATUS_PORT, command);
}

void kbd_write_data(uint8_t value)
{
	wait_input_empty();
	outb(KBD_DATA_PORT, value);
}

int kbd_read_data(unsigned long spins)
{
	for (unsigned long i = 0; i < spins; i++) {
		if (inb(KBD_STATUS_PORT) & KBD_STATUS_OBF)
			return inb(KBD_DATA_PORT);
		cpu_relax();
	}
	return -1;
}

void kbd_flush(void)
{
	while (inb(KBD_STATUS_PORT) & KBD_STATUS_OBF)
		(void)inb(KBD_DATA_PORT);
}

uint8_t kbd_read_config(void)
{
	kbd_controller_command(KBD_CTL_READ_CONFIG);
	return (uint8_t)kbd_read_data(KBD_WRITE_SPINS);
}

void kbd_write_config(uint8_t config)
{
	kbd_controller_command(KBD_CTL_WRITE_CONFIG);
	kbd_write_data(config);
}

/* Set-1 make code -> character, without and with shift (0: none). */
static const char plain[0x59] = {
	[0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
	[0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
	[0x1E] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2B] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x37] = '*', [0x39] = ' ',
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};
static const char shifted[0x59] = {
	[0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
	[0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
	[0x1E] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2B] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x37] = '*', [0x39] = ' ',
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

/* Names of the keys that have no character. */
static const char *const plain_names[0x59] = {
	[0x01] = "esc", [0x0E] = "backspace", [0x0F] = "tab", [0x1C] = "enter",
	[0x1D] = "ctrl", [0x2A] = "shift", [0x36] = "rshift", [0x38] = "alt",
	[0x3A] = "capslock", [0x3B] = "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
	[0x45] = "numlock", [0x46] = "scrolllock", [0x57] = "f11", "f12",
};
static const char *const extended_names[0x59] = {
	[0x1C] = "kpenter", [0x1D] = "rctrl", [0x35] = "kpslash", [0x37] = "printscreen",
	[0x38] = "ralt", [0x47] = "home", [0x48] = "up", [0x49] = "pageup", [0x4B] = "left",
	[0x4D] = "right", [0x4F] = "end", [0x50] = "down", [0x51] = "pagedown",
	[0x52] = "insert", [0x53] = "delete",
};

bool kbd_decode(struct kbd_decoder *d, uint8_t byte, struct kbd_key *out)
{
	if (d->pause_left) { /* Pause: E1 1D 45 (make), E1 9D C5 (break) */
		if (--d->pause_left)
			return false;
		*out = (struct kbd_key){ .code = 0x45, .released = byte & KBD_SC_BREAK, .name = "pause" };
		return true;
	}
	if (byte == 0xE1) {
		d->pause_left = 2;
		return false;
	}
	if (byte == KBD_SC_EXTENDED) {
		d->extended = true;
		return false;
	}
	bool extended = d->extended;
	d->extended = false;
	uint8_t code = byte & (uint8_t)~KBD_SC_BREAK;
	bool released = byte & KBD_SC_BREAK;
	/* PrintScreen comes as E0 2A E0 37: the fake shift is no key. */
	if (extended && (code == KBD_SC_LEFT_SHIFT || code == KBD_SC_RIGHT_SHIFT))
		return false;
	if (!extended && (code == KBD_SC_LEFT_SHIFT || code == KBD_SC_RIGHT_SHIFT))
		d->shift = !released;
	if (code == KBD_SC_CTRL)
		d->ctrl = !released;
	*out = (struct kbd_key){ .code = code, .extended = extended, .released = released };
	if (code < sizeof(plain)) {
		if (extended) {
			out->name = extended_names[code];
			if (code == 0x35)
				out->ch = '/';
		} else {
			out->ch = (d->shift ? shifted : plain)[code];
			out->name = plain_names[code];
		}
	}
	if (released)
		out->ch = 0;
	return true;
}
