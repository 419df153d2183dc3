/*
 * The gdb remote protocol's packet layer (the API is described in
 * gdb_packet.h): a byte-at-a-time reader and a reply encoder.
 */
#include <string.h>

#include "gdb_packet.h"

static const char hex_digits[] = "0123456789abcdef";

int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t gdb_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

void gdb_reader_init(struct gdb_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->state = GDB_RD_IDLE;
}

static void start_packet(struct gdb_reader *r)
{
	r->state = GDB_RD_BODY;
	r->len = 0;
	r->sum = 0;
	r->overflow = false;
}

static void append(struct gdb_reader *r, uint8_t byte)
{
	if (r->len < GDB_PACKET_MAX)
		r->buf[r->len++] = (char)byte;
	else
		r->overflow = true;
}

enum gdb_feed_result gdb_reader_feed(struct gdb_reader *r, uint8_t byte)
{
	switch (r->state) {
	case GDB_RD_IDLE:
		if (byte == '$')
			start_packet(r);
		else if (byte == 0x03)
			return GDB_FEED_INTERRUPT;
		else if (byte == '+')
			return GDB_FEED_ACK;
		else if (byte == '-')
			return GDB_FEED_NACK;
		return GDB_FEED_NONE; /* noise between packets is ignored */
	case GDB_RD_BODY:
		if (byte == '$') {
			start_packet(r); /* gdb gave up on the last one */
			return GDB_FEED_NONE;
		}
		if (byte == '#') {
			r->state = GDB_RD_SUM1;
			return GDB_FEED_NONE;
		}
		r->sum = (uint8_t)(r->sum + byte);
		if (byte == '}')
			r->state = GDB_RD_ESCAPE;
		else
			append(r, byte);
		return GDB_FEED_NONE;
	case GDB_RD_ESCAPE:
		r->sum = (uint8_t)(r->sum + byte);
		append(r, byte ^ 0x20);
		r->state = GDB_RD_BODY;
		return GDB_FEED_NONE;
	case GDB_RD_SUM1: {
		int d = gdb_hex_digit((char)byte);
		r->sent_sum = (uint8_t)(d < 0 ? 0 : d << 4);
		if (d < 0)
			r->overflow = true; /* refused once the second digit is in */
		r->state = GDB_RD_SUM2;
		return GDB_FEED_NONE;
	}
	case GDB_RD_SUM2: {
		int d = gdb_hex_digit((char)byte);
		r->state = GDB_RD_IDLE;
		r->buf[r->len] = '\0';
		if (d < 0 || r->overflow || (uint8_t)(r->sent_sum | d) != r->sum)
			return GDB_FEED_BAD_PACKET;
		return GDB_FEED_PACKET;
	}
	}
	return GDB_FEED_NONE;
}

static bool needs_escape(uint8_t c)
{
	return c == '}' || c == '#' || c == '$' || c == '*';
}

size_t gdb_packet_encode(const void *payload, size_t len, char *out, size_t outlen)
{
	const uint8_t *p = payload;
	size_t n = 0;
	uint8_t sum = 0;
	if (outlen < 4)
		return 0;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (needs_escape(c)) {
			if (n + 2 > outlen - 3)
				return 0;
			out[n++] = '}';
			c ^= 0x20;
			sum = (uint8_t)(sum + '}');
		} else if (n + 1 > outlen - 3) {
			return 0;
		}
		out[n++] = (char)c;
		sum = (uint8_t)(sum + c);
	}
	out[n++] = '#';
	out[n++] = hex_digits[sum >> 4];
	out[n++] = hex_digits[sum & 15];
	return n;
}

void gdb_hex_encode(const void *data, size_t len, char *out)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[p[i] >> 4];
		out[2 * i + 1] = hex_digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

int gdb_hex_decode(const char *hex, void *out, size_t len)
{
	uint8_t *p = out;
	for (size_t i = 0; i < len; i++) {
		int hi = gdb_hex_digit(hex[2 * i]);
		if (hi < 0)
			return -1;
		int lo = gdb_hex_digit(hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int gdb_parse_hex(const char **p, uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;
	for (int d; (d = gdb_hex_digit(*s)) >= 0; s++, n++) {
		if (n == 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	*value = v;
	*p = s;
	return 0;
}

int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char end)
{
	const char *s = *p;
	if (gdb_parse_hex(&s, addr) < 0 || *s++ != ',' || gdb_parse_hex(&s, len) < 0 || *s != end)
		return -1;
	*p = end ? s + 1 : s;
	return 0;
}
