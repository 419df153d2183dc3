/*
 * A small printf. Conversions: %d %i %u %x %X %p %s %c %%, with the l, ll
 * and z length modifiers, a field width, and the '0' (zero-pad) and '-'
 * (left-justify) flags. No floating point.
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*putchar_fn)(char c);

/* Where printf writes; the default is the debug console (port 0xE9),
 * which vmm and QEMU both have. */
void printf_set_putchar(putchar_fn putchar);

int printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *format, va_list args);

/* Like C's: always NUL-terminates if size > 0; returns the length the whole
 * output would have had. */
int snprintf(char *buffer, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buffer, size_t size, const char *format, va_list args);

#endif
