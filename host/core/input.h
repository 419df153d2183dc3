/*
 * Keys from the user to the guest, and the rule for quitting.
 *
 * A front end (the SDL window, the terminal) runs on the display thread and
 * calls vm_key_event() for every key that goes down or up, as a Linux KEY_*
 * code (<linux/input-event-codes.h>). The keyboard device (the i8042)
 * registers itself as the sink; it queues the key under its own lock and
 * posts an event for the vCPU thread (events.h).
 *
 * Quitting: ESC stops vmm (status 0) until the guest takes the keyboard:
 * its first access to port 0x60 or 0x64, or its unmasking of IRQ1 at the
 * PIC. From then on every key, ESC included, goes to the guest, and the user
 * quits with a front end's own chord: Ctrl+Alt+Q or closing the window,
 * Ctrl-A x in the terminal (QEMU's chords).
 */
#ifndef VMM_INPUT_H
#define VMM_INPUT_H

#include <stdbool.h>

struct vm;

typedef void (*vm_key_sink_fn)(void *opaque, unsigned keycode, bool down);

/* The keyboard device registers itself (setup time, one per VM): 0, or -1
 * if one is already registered. */
int vm_set_key_sink(struct vm *vm, vm_key_sink_fn fn, void *opaque);

/* The keyboard device says the guest touched it (any thread). */
void vm_keyboard_taken(struct vm *vm);

/* True once the guest has taken the keyboard: it touched port 0x60/0x64 or
 * unmasked IRQ1 (any thread). */
bool vm_guest_has_keyboard(struct vm *vm);

/* A key went down or up (display thread). ESC before the guest took the
 * keyboard stops the VM with status 0 instead of reaching it. Keys no
 * keyboard takes (no sink) are dropped. */
void vm_key_event(struct vm *vm, unsigned keycode, bool down);

#endif
