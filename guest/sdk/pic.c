/* The 8259A pair (pic.h). Register bits from Intel's 8259A data sheet. */
#include "io.h"
#include "pic.h"

#define ICW1_ICW4_NEEDED 0x01
#define ICW1_INIT        0x10
#define ICW3_MASTER_SLAVE_ON_IRQ2 (1 << PIC_CASCADE_IRQ)
#define ICW3_SLAVE_ID    PIC_CASCADE_IRQ
#define ICW4_8086_MODE   0x01
#define OCW2_NONSPECIFIC_EOI 0x20
#define OCW3_READ_IRR    0x0A
#define OCW3_READ_ISR    0x0B

void pic_remap(uint8_t master_vector, uint8_t slave_vector)
{
	/* ICW1 starts the sequence on each chip; ICW2-4 follow on the data
	 * port. (Real 8259As of the 1980s wanted a short pause between the
	 * writes; emulated ones and modern chipsets do not.) */
	outb(PIC_MASTER_COMMAND, ICW1_INIT | ICW1_ICW4_NEEDED);
	outb(PIC_SLAVE_COMMAND, ICW1_INIT | ICW1_ICW4_NEEDED);
	outb(PIC_MASTER_DATA, master_vector);
	outb(PIC_SLAVE_DATA, slave_vector);
	outb(PIC_MASTER_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	outb(PIC_SLAVE_DATA, ICW3_SLAVE_ID);
	outb(PIC_MASTER_DATA, ICW4_8086_MODE);
	outb(PIC_SLAVE_DATA, ICW4_8086_MODE);
	pic_set_masks((uint16_t)~(1u << PIC_CASCADE_IRQ));
}

void pic_set_masks(uint16_t masks)
{
	outb(PIC_MASTER_DATA, (uint8_t)masks);
	outb(PIC_SLAVE_DATA, (uint8_t)(masks >> 8));
}

uint16_t pic_get_masks(void)
{
	return (uint16_t)(inb(PIC_MASTER_DATA) | inb(PIC_SLAVE_DATA) << 8);
}

static uint16_t data_port(unsigned irq)
{
	return irq < 8 ? PIC_MASTER_DATA : PIC_SLAVE_DATA;
}

void pic_mask(unsigned irq)
{
	uint16_t port = data_port(irq);
	outb(port, (uint8_t)(inb(port) | 1u << (irq & 7)));
}

void pic_unmask(unsigned irq)
{
	uint16_t port = data_port(irq);
	outb(port, (uint8_t)(inb(port) & ~(1u << (irq & 7))));
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC_SLAVE_COMMAND, OCW2_NONSPECIFIC_EOI);
	outb(PIC_MASTER_COMMAND, OCW2_NONSPECIFIC_EOI);
}

static uint16_t read_register(uint8_t ocw3)
{
	outb(PIC_MASTER_COMMAND, ocw3);
	outb(PIC_SLAVE_COMMAND, ocw3);
	return (uint16_t)(inb(PIC_MASTER_COMMAND) | inb(PIC_SLAVE_COMMAND) << 8);
}

uint16_t pic_read_irr(void)
{
	return read_register(OCW3_READ_IRR);
}

uint16_t pic_read_isr(void)
{
	return read_register(OCW3_READ_ISR);
}

bool pic_spurious(unsigned irq)
{
	if (irq != 7 && irq != 15)
		return false;
	if (pic_read_isr() & (1u << irq))
		return false;
	if (irq == 15) /* the master did take the cascade line */
		outb(PIC_MASTER_COMMAND, OCW2_NONSPECIFIC_EOI);
	return true;
}
