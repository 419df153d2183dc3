/*
 * Checks the SDK's printf formatting in every guest mode: 64-bit numbers go
 * through a hand-written division in 16- and 32-bit code, so each mode must
 * be tried. Prints each failure and a summary on the debug console and
 * returns the number of failures (flat modes: exit status = failures;
 * multiboot: isa-debug-exit status = failures * 2 + 1).
 */
#include <stddef.h>
#include <stdint.h>

#include "printf.h"
#include "string.h"

static int failures;

static void __attribute__((format(printf, 2, 3)))
check(const char *expected, const char *format, ...)
{
	char buffer[64];
	va_list args;

	va_start(args, format);
	int length = vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);
	if (strcmp(buffer, expected) != 0 || length != (int)strlen(expected)) {
		printf("FAIL \"%s\": got \"%s\" (%d), want \"%s\"\n", format,
		       buffer, length, expected);
		failures++;
	}
}

static void check_truncation(void)
{
	char buffer[4];
	int length = snprintf(buffer, sizeof(buffer), "%s", "abcdef");

	if (length != 6 || strcmp(buffer, "abc") != 0) {
		printf("FAIL truncation: got \"%s\" (%d)\n", buffer, length);
		failures++;
	}
}

int main(void)
{
	check("0", "%d", 0);
	check("-1", "%d", -1);
	check("7", "%i", 7);
	check("-2147483648", "%d", (int)INT32_MIN);
	check("4294967295", "%u", 4294967295u);
	check("123", "%lu", 123ul);
	check("-9223372036854775808", "%lld", (long long)INT64_MIN);
	check("18446744073709551615", "%llu", 18446744073709551615ull);
	check("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	check("ABCDEF", "%X", 0xabcdefu);
	check("0000beef", "%08x", 0xbeefu);
	check("   42", "%5d", 42);
	check("42   |", "%-5d|", 42);
	check("-0042", "%05d", -42);
	check("hi", "%s", "hi");
	check("  hi", "%4s", "hi");
	check("x", "%c", 'x');
	check("100%", "%d%%", 100);
	check("0x1234", "%p", (void *)0x1234);
	check("77", "%zu", (size_t)77);
	check_truncation();

	printf("printf_test: %d failures\n", failures);
	return failures;
}
