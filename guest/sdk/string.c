/*
 * Plain byte loops: guests are small and slow-path code dominates nothing
 * here. Built with -fno-builtin (see guest.mk) so gcc cannot turn these
 * loops back into calls to themselves.
 */
#include "string.h"

void *memset(void *dest, int byte, size_t count)
{
	unsigned char *d = dest;

	while (count--)
		*d++ = (unsigned char)byte;
	return dest;
}

void *memcpy(void *dest, const void *src, size_t count)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	while (count--)
		*d++ = *s++;
	return dest;
}

void *memmove(void *dest, const void *src, size_t count)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if (d <= s || d >= s + count)
		return memcpy(dest, src, count);
	/* Overlap with dest after src: copy backwards. */
	while (count--)
		d[count] = s[count];
	return dest;
}

int memcmp(const void *a, const void *b, size_t count)
{
	const unsigned char *x = a, *y = b;

	for (; count; count--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t length = 0;

	while (s[length])
		length++;
	return length;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

unsigned decimal_value(const char *s, unsigned max)
{
	unsigned value = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || value > max)
			return 0;
		value = value * 10 + (unsigned)(*s - '0');
	}
	return value <= max ? value : 0;
}
