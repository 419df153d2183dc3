/*
 * QEMU's isa-debug-exit device on port 0xF4 (iobase=0xf4,iosize=4): writing
 * v ends the VM and the emulator (QEMU or vmm alike) exits with status
 * (v << 1) | 1. Only the low 7 bits of v survive in a process exit status.
 */
#ifndef GUEST_DEBUG_EXIT_H
#define GUEST_DEBUG_EXIT_H

#include <stdint.h>
#include <vmm/abi.h>

#include "io.h"

static inline __attribute__((noreturn)) void debug_exit(uint32_t value)
{
	outl(VMM_DEBUG_EXIT_PORT, value);
	halt_forever(); /* no such device: stop anyway */
}

/*
 * Ends the guest with status: on vmm with the EXIT hypercall, so that vmm
 * exits with status & 0xff; elsewhere (QEMU, with -device
 * isa-debug-exit,iobase=0xf4,iosize=4) through port 0xF4, so that QEMU exits
 * with (status << 1) | 1. The Multiboot entries call it with main's return
 * value. (In hypercall.c.)
 */
__attribute__((noreturn)) void guest_exit(int status);

#endif
