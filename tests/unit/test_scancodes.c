/*
 * The key tables against independent installed sources:
 * - every SDL scancode the window maps (host/display/sdl_keymap.h) lands on
 *   the KEY_* code of the same name, read from the text of SDL_scancode.h
 *   and input-event-codes.h (names that differ are listed here, by hand);
 * - Linux numbered KEY_* after the set-1 make codes of the PC keyboard: the
 *   set-1 code of KEY_A..KEY_Z, the digits, F1-F10 and the keys in between
 *   is the KEY_* number itself (F11/F12 are 0x57/0x58, KEY_F11/F12 87/88);
 * - set 2 through the i8042's translation gives set 1, make and break, for
 *   every key; every mapped SDL key has scan codes.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scancodes.h"
#include "sdl_keymap.h"

#define SDL_HEADER "/usr/include/SDL2/SDL_scancode.h"
#define LINUX_HEADER "/usr/include/linux/input-event-codes.h"
#define MAX_NAMES 1024

struct name {
	char text[64];
	int value;
};

/* Reads "PREFIXNAME = 12" (SDL's enum) or "#define PREFIXNAME 12" lines. */
static size_t read_names(const char *path, const char *prefix, struct name *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s (libsdl2-dev and linux-libc-dev ship it)", path);
	char line[512];
	size_t n = 0, plen = strlen(prefix);
	while (fgets(line, sizeof(line), f) && n < MAX_NAMES) {
		char *p = strstr(line, prefix);
		if (!p || (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
			continue;
		p += plen;
		size_t len = 0;
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (len == 0 || len >= sizeof(out[n].text))
			continue;
		char *q = p + len;
		while (*q == ' ' || *q == '\t' || *q == '=')
			q++;
		char *end;
		long v = strtol(q, &end, 0);
		if (end == q)
			continue;
		memcpy(out[n].text, p, len);
		out[n].text[len] = '\0';
		out[n].value = (int)v;
		n++;
	}
	fclose(f);
	return n;
}

/* Upper case without underscores: SDL's KP_1 and Linux's KP1 meet. */
static void normalize(const char *in, char *out)
{
	for (; *in; in++)
		if (*in != '_')
			*out++ = (char)toupper((unsigned char)*in);
	*out = '\0';
}

/* SDL's name -> Linux's, where the two projects name a key differently. */
static const char *const aliases[][2] = {
	{ "RETURN", "ENTER" },          { "ESCAPE", "ESC" },
	{ "EQUALS", "EQUAL" },          { "LEFTBRACKET", "LEFTBRACE" },
	{ "RIGHTBRACKET", "RIGHTBRACE" }, { "NONUSHASH", "BACKSLASH" },
	{ "PERIOD", "DOT" },            { "PRINTSCREEN", "SYSRQ" },
	{ "NUMLOCKCLEAR", "NUMLOCK" },  { "KPDIVIDE", "KPSLASH" },
	{ "KPMULTIPLY", "KPASTERISK" }, { "KPPERIOD", "KPDOT" },
	{ "NONUSBACKSLASH", "102ND" },  { "APPLICATION", "COMPOSE" },
	{ "LCTRL", "LEFTCTRL" },        { "LSHIFT", "LEFTSHIFT" },
	{ "LALT", "LEFTALT" },          { "LGUI", "LEFTMETA" },
	{ "RCTRL", "RIGHTCTRL" },       { "RSHIFT", "RIGHTSHIFT" },
	{ "RALT", "RIGHTALT" },         { "RGUI", "RIGHTMETA" },
};

static bool same_key(const char *sdl_name, const char *linux_name)
{
	char a[64], b[64];
	normalize(sdl_name, a);
	normalize(linux_name, b);
	if (!strcmp(a, b))
		return true;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(a, aliases[i][0]) && !strcmp(b, aliases[i][1]))
			return true;
	return false;
}

static void test_sdl_map_matches_names(void **state)
{
	(void)state;
	static struct name sdl[MAX_NAMES], lin[MAX_NAMES];
	size_t ns = read_names(SDL_HEADER, "SDL_SCANCODE_", sdl);
	size_t nl = read_names(LINUX_HEADER, "KEY_", lin);
	assert_true(ns > 200 && nl > 400);
	size_t n = sizeof(sdl_keymap) / sizeof(sdl_keymap[0]);
	assert_true(n >= 105); /* a 105-key keyboard (+ the ISO hash key) */
	for (size_t i = 0; i < n; i++) {
		const char *sdl_name = NULL;
		for (size_t j = 0; j < ns && !sdl_name; j++)
			if (sdl[j].value == (int)sdl_keymap[i].sdl)
				sdl_name = sdl[j].text;
		if (!sdl_name)
			fail_msg("SDL scancode %d is not in %s", (int)sdl_keymap[i].sdl, SDL_HEADER);
		bool match = false;
		for (size_t j = 0; j < nl && !match; j++)
			match = lin[j].value == sdl_keymap[i].key && same_key(sdl_name, lin[j].text);
		if (!match)
			fail_msg("SDL_SCANCODE_%s maps to KEY_* %u, which is not KEY_%s", sdl_name,
				 sdl_keymap[i].key, sdl_name);
		assert_true(scancode_known(sdl_keymap[i].key));
	}
}

static void expect_set1_make(unsigned key, uint8_t code)
{
	uint8_t seq[SCANCODE_MAX_BYTES];
	assert_int_equal(scancode_sequence(key, true, 1, seq), 1);
	assert_int_equal(seq[0], code);
	assert_int_equal(scancode_sequence(key, false, 1, seq), 1);
	assert_int_equal(seq[0], code | 0x80);
}

static void test_set1_equals_linux_numbers(void **state)
{
	(void)state;
	/* KEY_ESC (1) .. KEY_KPDOT (83): Linux's numbers are the set-1 codes. */
	for (unsigned key = KEY_ESC; key <= KEY_KPDOT; key++)
		expect_set1_make(key, (uint8_t)key);
	/* Hand-checked against the PC/AT references. */
	expect_set1_make(KEY_A, 0x1E);
	expect_set1_make(KEY_Z, 0x2C);
	expect_set1_make(KEY_1, 0x02);
	expect_set1_make(KEY_0, 0x0B);
	expect_set1_make(KEY_F1, 0x3B);
	expect_set1_make(KEY_F10, 0x44);
	expect_set1_make(KEY_F11, 0x57);
	expect_set1_make(KEY_F12, 0x58);
	expect_set1_make(KEY_102ND, 0x56);
}

/* What the i8042 does to a set-2 sequence: 0xF0 sets bit 7 of the next. */
static size_t translate(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t m = 0;
	bool brk = false;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == SCANCODE_SET2_BREAK) {
			brk = true;
			continue;
		}
		out[m++] = scancode_translate(in[i]) | (brk ? 0x80 : 0);
		brk = false;
	}
	return m;
}

static void test_set2_translates_to_set1(void **state)
{
	(void)state;
	unsigned checked = 0;
	for (unsigned key = 0; key < 256; key++) {
		if (!scancode_known(key))
			continue;
		for (int down = 0; down < 2; down++) {
			uint8_t s1[SCANCODE_MAX_BYTES], s2[SCANCODE_MAX_BYTES], t[SCANCODE_MAX_BYTES];
			size_t n1 = scancode_sequence(key, down, 1, s1);
			size_t n2 = scancode_sequence(key, down, 2, s2);
			size_t nt = translate(s2, n2, t);
			if (nt != n1 || memcmp(t, s1, n1))
				fail_msg("KEY_* %u %s: set 2 translated is not set 1", key,
					 down ? "make" : "break");
		}
		checked++;
	}
	assert_int_equal(checked, 105);
	/* The keyboard's answers pass; a translated "set 2" reads 0x41. */
	assert_int_equal(scancode_translate(0xFA), 0xFA);
	assert_int_equal(scancode_translate(0xAA), 0xAA);
	assert_int_equal(scancode_translate(0x83), 0x41);
	assert_int_equal(scancode_translate(0x02), 0x41);
	assert_int_equal(scancode_translate(0x00), 0xFF);
}

static void test_extended_keys(void **state)
{
	(void)state;
	static const struct { unsigned key; uint8_t set1, set2; } ext[] = {
		{ KEY_UP, 0x48, 0x75 },       { KEY_DOWN, 0x50, 0x72 },  { KEY_LEFT, 0x4B, 0x6B },
		{ KEY_RIGHT, 0x4D, 0x74 },    { KEY_RIGHTCTRL, 0x1D, 0x14 },
		{ KEY_RIGHTALT, 0x38, 0x11 }, { KEY_KPENTER, 0x1C, 0x5A },
		{ KEY_KPSLASH, 0x35, 0x4A },  { KEY_HOME, 0x47, 0x6C },  { KEY_END, 0x4F, 0x69 },
		{ KEY_PAGEUP, 0x49, 0x7D },   { KEY_PAGEDOWN, 0x51, 0x7A },
		{ KEY_INSERT, 0x52, 0x70 },   { KEY_DELETE, 0x53, 0x71 },
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		uint8_t seq[SCANCODE_MAX_BYTES];
		assert_int_equal(scancode_sequence(ext[i].key, true, 1, seq), 2);
		assert_int_equal(seq[0], 0xE0);
		assert_int_equal(seq[1], ext[i].set1);
		assert_int_equal(scancode_sequence(ext[i].key, false, 2, seq), 3);
		assert_int_equal(seq[0], 0xE0);
		assert_int_equal(seq[1], 0xF0);
		assert_int_equal(seq[2], ext[i].set2);
	}
	uint8_t seq[SCANCODE_MAX_BYTES];
	assert_int_equal(scancode_sequence(KEY_RESERVED, true, 2, seq), 0);
	assert_int_equal(scancode_sequence(KEY_A, true, 3, seq), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdl_map_matches_names),
		cmocka_unit_test(test_set1_equals_linux_numbers),
		cmocka_unit_test(test_set2_translates_to_set1),
		cmocka_unit_test(test_extended_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
