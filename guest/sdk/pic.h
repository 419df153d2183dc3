/*
 * The 8259A programmable interrupt controller pair of the PC: the master
 * (ports 0x20/0x21) takes IRQ 0-7, the slave (0xA0/0xA1) IRQ 8-15 and is
 * cascaded on the master's IRQ 2. After the BIOS (or none) the master
 * delivers on vectors 8-15, which collide with CPU exceptions in protected
 * and long mode, so a kernel remaps them first (pic_remap).
 *
 * Modes: all (only port I/O). Taking the interrupts needs an IDT (idt.h) and
 * IF set (sti(), io.h); a handler ends with pic_eoi(irq).
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_COMMAND 0x20
#define PIC_MASTER_DATA    0x21
#define PIC_SLAVE_COMMAND  0xA0
#define PIC_SLAVE_DATA     0xA1

/* The vectors Linux and most tutorial kernels use: right after the 32
 * vectors the CPU reserves for exceptions. */
#define PIC_MASTER_VECTOR 0x20
#define PIC_SLAVE_VECTOR  0x28
#define PIC_CASCADE_IRQ   2

/* The vector line irq arrives on after pic_remap(PIC_MASTER_VECTOR,
 * PIC_SLAVE_VECTOR). */
#define PIC_IRQ_VECTOR(irq) ((irq) < 8 ? PIC_MASTER_VECTOR + (irq) : PIC_SLAVE_VECTOR + (irq) - 8)

/*
 * Initializes both chips (ICW1-ICW4: edge-triggered, cascade on IRQ 2,
 * 8086 mode, normal EOI) so that IRQ 0-7 arrive on master_vector..+7 and
 * IRQ 8-15 on slave_vector..+7 (each a multiple of 8). Afterwards every
 * line is masked except the cascade: unmask the ones you handle.
 */
void pic_remap(uint8_t master_vector, uint8_t slave_vector);

/* Masks (disables) or unmasks one line, 0-15. Unmasking a slave line
 * leaves the cascade (IRQ 2) as it is: pic_remap leaves it unmasked. */
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
/* All sixteen mask bits at once: bit n set = line n masked. */
void pic_set_masks(uint16_t masks);
uint16_t pic_get_masks(void);

/* End of interrupt for line irq: a nonspecific EOI to the slave (for 8-15)
 * and to the master. Call it at the end of the handler. */
void pic_eoi(unsigned irq);

/* Interrupt request and in-service registers (OCW3 reads): bit n is line
 * n, the slave's in the high byte. */
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);

/* True if an interrupt on line 7 or 15 was spurious (the line is not in
 * service): its handler must then send no EOI for it; for 15, the master
 * still needs one for the cascade, which this function sends. */
bool pic_spurious(unsigned irq);

#endif
