/* Keys from the front ends to the keyboard device, and ESC's rule (input.h). */
#include "input.h"

#include <linux/input-event-codes.h>

#include "vm.h"

#define KEYBOARD_IRQ 1

int vm_set_key_sink(struct vm *vm, vm_key_sink_fn fn, void *opaque)
{
	if (vm->key_sink)
		return -1;
	vm->key_sink_opaque = opaque;
	vm->key_sink = fn;
	return 0;
}

void vm_keyboard_taken(struct vm *vm)
{
	atomic_store(&vm->keyboard_taken, true);
}

bool vm_guest_has_keyboard(struct vm *vm)
{
	return atomic_load(&vm->keyboard_taken) ||
	       (atomic_load(&vm->irq_ever_unmasked) & (1u << KEYBOARD_IRQ));
}

void vm_key_event(struct vm *vm, unsigned keycode, bool down)
{
	if (keycode == KEY_ESC && !vm_guest_has_keyboard(vm)) {
		/* On the press: the release would reach a guest that took the
		 * keyboard meanwhile as a lone break code. */
		if (down)
			vm_request_stop(vm, STOP_USER, 0);
		return;
	}
	if (vm->key_sink)
		vm->key_sink(vm->key_sink_opaque, keycode, down);
}
