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

#endif
