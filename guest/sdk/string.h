/*
 * The few <string.h> functions a guest needs. gcc may emit calls to memset,
 * memcpy, memmove and memcmp on its own (struct copies, zeroing), so these
 * must exist even if no guest calls them by name. Plus decimal_value(), for
 * the numbers guests take from their command line.
 */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include <stddef.h>

void *memset(void *dest, int byte, size_t count);
void *memcpy(void *dest, const void *src, size_t count);
void *memmove(void *dest, const void *src, size_t count);
int memcmp(const void *a, const void *b, size_t count);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
/* s as a decimal number of at most max (max < 2^32 / 10), or 0 if s is
 * empty, holds anything but digits, or is above max. */
unsigned decimal_value(const char *s, unsigned max);

#endif
