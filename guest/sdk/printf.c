#include <stdint.h>

#include "debugcon.h"
#include "printf.h"

/* Where formatted characters go: a putchar function, or a buffer. */
struct sink {
	putchar_fn putchar; /* NULL: write into buffer */
	char *buffer;
	size_t size;
	size_t length; /* characters produced so far, written or not */
};

static void emit(struct sink *sink, char c)
{
	if (sink->putchar)
		sink->putchar(c);
	else if (sink->length + 1 < sink->size)
		sink->buffer[sink->length] = c;
	sink->length++;
}

static void emit_padding(struct sink *sink, char pad, int count)
{
	while (count-- > 0)
		emit(sink, pad);
}

/*
 * 64-bit division for 16- and 32-bit guests without libgcc (__udivdi3 is
 * not available for -m32 here): shift-and-subtract, one bit at a time.
 */
static uint64_t divide(uint64_t dividend, unsigned int divisor,
		       unsigned int *remainder)
{
#if UINTPTR_MAX > 0xffffffffu
	*remainder = (unsigned int)(dividend % divisor);
	return dividend / divisor;
#else
	uint64_t quotient = 0;
	uint32_t rest = 0;

	for (int bit = 63; bit >= 0; bit--) {
		rest = (rest << 1) | (uint32_t)((dividend >> bit) & 1);
		if (rest >= divisor) {
			rest -= divisor;
			quotient |= (uint64_t)1 << bit;
		}
	}
	*remainder = rest;
	return quotient;
#endif
}

struct spec {
	int left_justify;
	int zero_pad;
	int width;
	int length; /* number of 'l' (2 also for 'z' on 64-bit) */
};

static void emit_field(struct sink *sink, const struct spec *spec,
		       const char *prefix, const char *digits, int digit_count)
{
	int prefix_length = 0;

	while (prefix[prefix_length])
		prefix_length++;
	int padding = spec->width - prefix_length - digit_count;

	if (!spec->left_justify && !spec->zero_pad)
		emit_padding(sink, ' ', padding);
	for (int i = 0; i < prefix_length; i++)
		emit(sink, prefix[i]);
	if (!spec->left_justify && spec->zero_pad)
		emit_padding(sink, '0', padding);
	for (int i = 0; i < digit_count; i++)
		emit(sink, digits[i]);
	if (spec->left_justify)
		emit_padding(sink, ' ', padding);
}

static void emit_number(struct sink *sink, const struct spec *spec,
			uint64_t value, unsigned int base, int upper_case,
			const char *prefix)
{
	const char *digit_chars = upper_case ? "0123456789ABCDEF"
					     : "0123456789abcdef";
	char reversed[20]; /* 2^64 has 20 decimal digits */
	char digits[20];
	int count = 0;

	do {
		unsigned int digit;

		value = divide(value, base, &digit);
		reversed[count++] = digit_chars[digit];
	} while (value);
	for (int i = 0; i < count; i++)
		digits[i] = reversed[count - 1 - i];
	emit_field(sink, spec, prefix, digits, count);
}

static uint64_t next_unsigned(va_list *args, int length)
{
	if (length >= 2)
		return va_arg(*args, unsigned long long);
	if (length == 1)
		return va_arg(*args, unsigned long);
	return va_arg(*args, unsigned int);
}

static int64_t next_signed(va_list *args, int length)
{
	if (length >= 2)
		return va_arg(*args, long long);
	if (length == 1)
		return va_arg(*args, long);
	return va_arg(*args, int);
}

/* Reads flags, width and length of one conversion; returns the character
 * after them (the conversion letter). */
static const char *parse_spec(const char *p, struct spec *spec)
{
	*spec = (struct spec){ 0 };
	for (;; p++) {
		if (*p == '0')
			spec->zero_pad = 1;
		else if (*p == '-')
			spec->left_justify = 1;
		else
			break;
	}
	while (*p >= '0' && *p <= '9')
		spec->width = spec->width * 10 + (*p++ - '0');
	for (;; p++) {
		if (*p == 'l')
			spec->length++;
		else if (*p == 'z')
			spec->length = sizeof(size_t) == sizeof(long long) ? 2 : 0;
		else
			break;
	}
	return p;
}

static void format(struct sink *sink, const char *p, va_list *args)
{
	for (; *p; p++) {
		if (*p != '%') {
			emit(sink, *p);
			continue;
		}
		struct spec spec;

		p = parse_spec(p + 1, &spec);
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t value = next_signed(args, spec.length);
			/* Negate as unsigned: -INT64_MIN overflows. */
			uint64_t magnitude = value < 0 ? -(uint64_t)value
						       : (uint64_t)value;

			emit_number(sink, &spec, magnitude, 10, 0,
				    value < 0 ? "-" : "");
			break;
		}
		case 'u':
			emit_number(sink, &spec, next_unsigned(args, spec.length),
				    10, 0, "");
			break;
		case 'x':
		case 'X':
			emit_number(sink, &spec, next_unsigned(args, spec.length),
				    16, *p == 'X', "");
			break;
		case 'p':
			emit_number(sink, &spec,
				    (uintptr_t)va_arg(*args, void *), 16, 0,
				    "0x");
			break;
		case 'c': {
			char c = (char)va_arg(*args, int);

			spec.zero_pad = 0;
			emit_field(sink, &spec, "", &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(*args, const char *);
			int length = 0;

			if (!s)
				s = "(null)";
			while (s[length])
				length++;
			spec.zero_pad = 0;
			emit_field(sink, &spec, "", s, length);
			break;
		}
		case '%':
			emit(sink, '%');
			break;
		case '\0': /* format ends inside a conversion */
			return;
		default: /* unknown: show it rather than drop it */
			emit(sink, '%');
			emit(sink, *p);
			break;
		}
	}
}

static putchar_fn current_putchar = debugcon_putchar;

void printf_set_putchar(putchar_fn putchar)
{
	current_putchar = putchar;
}

int vprintf(const char *fmt, va_list args)
{
	struct sink sink = { .putchar = current_putchar };
	va_list copy;

	va_copy(copy, args);
	format(&sink, fmt, &copy);
	va_end(copy);
	return (int)sink.length;
}

int printf(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	int length = vprintf(fmt, args);
	va_end(args);
	return length;
}

int vsnprintf(char *buffer, size_t size, const char *fmt, va_list args)
{
	struct sink sink = { .buffer = buffer, .size = size };
	va_list copy;

	va_copy(copy, args);
	format(&sink, fmt, &copy);
	va_end(copy);
	if (size)
		buffer[sink.length < size ? sink.length : size - 1] = '\0';
	return (int)sink.length;
}

int snprintf(char *buffer, size_t size, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	int length = vsnprintf(buffer, size, fmt, args);
	va_end(args);
	return length;
}
