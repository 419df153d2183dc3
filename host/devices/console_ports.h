/* The three ports every guest may print or stop through: the debug console
 * (0xE9), QEMU's isa-debug-exit (0xF4) and a 16550A UART on COM1 (0x3F8). */
#ifndef VMM_CONSOLE_PORTS_H
#define VMM_CONSOLE_PORTS_H

struct vm;

int debugcon_register(struct vm *vm);
int debug_exit_register(struct vm *vm);
int uart_register(struct vm *vm);

#endif
