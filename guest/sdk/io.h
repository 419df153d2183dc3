/*
 * Port I/O and a few privileged one-instruction helpers. All inline so that
 * each guest mode (-m16, -m32, -m64) gets the right encoding: under -m16 the
 * assembler adds the operand-size prefix to inl/outl by itself.
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

/* The "memory" clobber matters for the hypercall doorbell: the VMM writes
 * the request block while the vCPU is stopped on this instruction. */
static inline void outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t value;
	__asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t value;
	__asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/* String I/O of 16-bit words, as an ATA data port wants. The direction flag
 * is clear: every SDK entry point does cld before calling C. */
static inline void insw(uint16_t port, void *buffer, size_t count)
{
	__asm__ volatile("rep insw"
			 : "+D"(buffer), "+c"(count)
			 : "d"(port)
			 : "memory");
}

static inline void outsw(uint16_t port, const void *buffer, size_t count)
{
	__asm__ volatile("rep outsw"
			 : "+S"(buffer), "+c"(count)
			 : "d"(port)
			 : "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt");
}

/* In a spin loop: tells the CPU (and an emulating host) that we are only
 * waiting; "memory" makes the compiler read again what the loop polls. */
static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/* "memory": handlers change variables behind the compiler's back, and code
 * between cli and sti must stay there. */
static inline void cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* Enables interrupts and waits for the next one. No interrupt can slip in
 * between the two (sti takes effect after the next instruction), so a check
 * made with interrupts off, then sti_hlt(), never sleeps past its wake-up.
 * Returns after the handler, with interrupts on. */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

/* The time-stamp counter (in every mode: EDX:EAX). */
static inline uint64_t rdtsc(void)
{
	uint32_t low, high;
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return (uint64_t)high << 32 | low;
}

/* Stop for good: with interrupts off, hlt only wakes on NMI or SMI. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	cli();
	for (;;)
		hlt();
}

#endif
