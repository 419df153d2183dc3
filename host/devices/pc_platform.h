/*
 * The PC devices every guest gets besides vmm's own (debug console,
 * isa-debug-exit, hypercalls): interrupt controllers and timer (with the
 * user-space irqchip), keyboard controller, COM1, CMOS/RTC, PCI
 * configuration ports, port 0x92. docs/devices.md lists their ports and IRQs.
 */
#ifndef VMM_PC_PLATFORM_H
#define VMM_PC_PLATFORM_H

#include <stddef.h>

struct vm;

struct platform_config {
	const char *serial;   /* -serial SPEC (uart16550.h), NULL: the default */
	const char *rtc_base; /* -rtc base=... (cmos_rtc.h), NULL: UTC now */
};

/* Registers every device. Returns 0, -1 (host error) or -2 (a bad option
 * value); the reason is in err. */
int pc_platform_register(struct vm *vm, const struct platform_config *cfg, char *err,
			 size_t errlen);

#endif
