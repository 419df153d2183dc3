/*
 * The gdb remote protocol's packet layer (host/gdb/gdb_packet.h): what gdb
 * sends must come out as the payload it meant, whatever the byte boundaries,
 * and every malformed packet must end as a refusal ('-') the stub can answer,
 * never as a crash or a packet gdb did not send. Wire bytes and checksums are
 * written out by hand (the gdb manual's examples: "$OK#9a", "$g#67").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gdb_packet.h"

/* Feeds bytes [0, n) and returns the result of the last one; every earlier
 * byte must have completed nothing. */
static enum gdb_feed_result feed_bytes(struct gdb_reader *r, const void *data, size_t n)
{
	const uint8_t *p = data;
	enum gdb_feed_result last = GDB_FEED_NONE;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_int_equal(last, GDB_FEED_NONE);
		last = gdb_reader_feed(r, p[i]);
	}
	return last;
}

static enum gdb_feed_result feed_str(struct gdb_reader *r, const char *s)
{
	return feed_bytes(r, s, strlen(s));
}

/* Frames payload with a checksum computed here, independently of the code
 * under test, from the bytes as they go on the wire. */
static void frame(char *out, size_t outlen, const char *wire_payload)
{
	unsigned sum = 0;
	for (const char *c = wire_payload; *c; c++)
		sum += (uint8_t)*c;
	snprintf(out, outlen, "$%s#%02x", wire_payload, sum & 0xff);
}

static void test_checksums(void **state)
{
	(void)state;
	assert_int_equal(gdb_checksum("OK", 2), 0x9a); /* 0x4f + 0x4b */
	assert_int_equal(gdb_checksum("g", 1), 0x67);
	assert_int_equal(gdb_checksum("", 0), 0);
	/* Wraps mod 256: 3 * 0xff = 0x2fd. */
	assert_int_equal(gdb_checksum("\xff\xff\xff", 3), 0xfd);
}

static void test_encode_plain(void **state)
{
	(void)state;
	char out[64];
	size_t n = gdb_packet_encode("OK", 2, out, sizeof(out));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "$OK#9a", 6);
	n = gdb_packet_encode("", 0, out, sizeof(out));
	assert_int_equal(n, 4);
	assert_memory_equal(out, "$#00", 4);
}

static void test_encode_escapes(void **state)
{
	(void)state;
	char out[64], want[64];
	/* } # $ * go out as '}' then the byte XOR 0x20: ] 0x03 0x04 0x0a. The
	 * checksum covers the escaped bytes as sent. */
	size_t n = gdb_packet_encode("a}b#c$d*e", 9, out, sizeof(out));
	frame(want, sizeof(want), "a}]b}\x03" "c}\x04" "d}\x0a" "e");
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	/* A NUL is plain data, sent as is. */
	n = gdb_packet_encode("\0A", 2, out, sizeof(out));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "$\0A#41", 6);
}

static void test_encode_does_not_overflow(void **state)
{
	(void)state;
	char out[16];
	memset(out, 'x', sizeof(out));
	/* "OK" needs exactly 6 bytes. */
	assert_int_equal(gdb_packet_encode("OK", 2, out, 6), 6);
	assert_int_equal(gdb_packet_encode("OK", 2, out, 5), 0);
	/* "}}" needs 8: one byte short is refused, nothing written past 7. */
	memset(out, 'x', sizeof(out));
	assert_int_equal(gdb_packet_encode("}}", 2, out, 7), 0);
	assert_int_equal(out[7], 'x');
	assert_int_equal(gdb_packet_encode("}}", 2, out, 8), 8);
	assert_int_equal(gdb_packet_encode("", 0, out, 3), 0);
	/* GDB_ENCODED_MAX is enough for the worst case, all escapes. */
	char payload[100], *big = malloc(GDB_ENCODED_MAX(sizeof(payload)));
	memset(payload, '#', sizeof(payload));
	assert_int_equal(gdb_packet_encode(payload, sizeof(payload), big, GDB_ENCODED_MAX(sizeof(payload))),
			 2 * sizeof(payload) + 4);
	free(big);
}

static void test_read_packet(void **state)
{
	(void)state;
	struct gdb_reader r;
	gdb_reader_init(&r);
	assert_int_equal(feed_str(&r, "$OK#9a"), GDB_FEED_PACKET);
	assert_int_equal(r.len, 2);
	assert_string_equal(r.buf, "OK");
	/* Upper-case checksum digits are hex too. */
	assert_int_equal(feed_str(&r, "$OK#9A"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "OK");
	/* The empty packet. */
	assert_int_equal(feed_str(&r, "$#00"), GDB_FEED_PACKET);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.buf, "");
}

static void test_read_escapes_and_binary(void **state)
{
	(void)state;
	struct gdb_reader r;
	char wire[64];
	gdb_reader_init(&r);
	/* X's binary data: escapes undone, NUL kept (len counts it). */
	frame(wire, sizeof(wire), "X0,4:}]}\x03}\x04}\x0a");
	assert_int_equal(feed_str(&r, wire), GDB_FEED_PACKET);
	assert_int_equal(r.len, 9);
	assert_memory_equal(r.buf, "X0,4:}#$*", 9);
	static const uint8_t with_nul[] = { '$', 'X', 0, 1, '#', '5', '9' }; /* 0x58+0+1 */
	assert_int_equal(feed_bytes(&r, with_nul, sizeof(with_nul)), GDB_FEED_PACKET);
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.buf, "X\0\1", 3);
	/* gdb never sends run-length encoding to a stub: '*' is data. */
	frame(wire, sizeof(wire), "a*b");
	assert_int_equal(feed_str(&r, wire), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "a*b");
}

static void test_split_across_reads(void **state)
{
	(void)state;
	struct gdb_reader r;
	gdb_reader_init(&r);
	/* One read may end anywhere: after '$', in the payload, between the
	 * checksum digits, after '}'. */
	assert_int_equal(feed_str(&r, "$"), GDB_FEED_NONE);
	assert_int_equal(feed_str(&r, "O"), GDB_FEED_NONE);
	assert_int_equal(feed_str(&r, "K#9"), GDB_FEED_NONE);
	assert_int_equal(feed_str(&r, "a"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "OK");
	char wire[32];
	frame(wire, sizeof(wire), "m}]");
	assert_int_equal(feed_bytes(&r, wire, 3), GDB_FEED_NONE); /* "$m}" */
	assert_int_equal(feed_str(&r, wire + 3), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "m}");
}

static void test_acks_and_interrupt(void **state)
{
	(void)state;
	struct gdb_reader r;
	gdb_reader_init(&r);
	assert_int_equal(gdb_reader_feed(&r, '+'), GDB_FEED_ACK);
	assert_int_equal(gdb_reader_feed(&r, '-'), GDB_FEED_NACK);
	assert_int_equal(gdb_reader_feed(&r, 0x03), GDB_FEED_INTERRUPT);
	/* Noise between packets is ignored. */
	assert_int_equal(feed_str(&r, "xyz\r\n"), GDB_FEED_NONE);
	/* Inside a packet '+', '-' and 0x03 are data, not acks or Ctrl-C. */
	char wire[32];
	frame(wire, sizeof(wire), "+-\x03");
	assert_int_equal(feed_str(&r, wire), GDB_FEED_PACKET);
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.buf, "+-\x03", 3);
	/* An ack right after a packet, then Ctrl-C. */
	assert_int_equal(feed_str(&r, "+"), GDB_FEED_ACK);
	assert_int_equal(feed_str(&r, "\x03"), GDB_FEED_INTERRUPT);
}

static void test_bad_checksum_then_recovery(void **state)
{
	(void)state;
	struct gdb_reader r;
	gdb_reader_init(&r);
	assert_int_equal(feed_str(&r, "$OK#9b"), GDB_FEED_BAD_PACKET);
	/* The resend is accepted. */
	assert_int_equal(feed_str(&r, "$OK#9a"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "OK");
	/* Checksum digits that are not hex, first or second. */
	assert_int_equal(feed_str(&r, "$OK#z9"), GDB_FEED_BAD_PACKET);
	assert_int_equal(feed_str(&r, "$OK#9z"), GDB_FEED_BAD_PACKET);
	/* Even when the non-hex first digit's value would have matched. */
	assert_int_equal(feed_str(&r, "$#g0"), GDB_FEED_BAD_PACKET);
	assert_int_equal(feed_str(&r, "$g#67"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "g");
}

static void test_missing_hash_restarts(void **state)
{
	(void)state;
	struct gdb_reader r;
	gdb_reader_init(&r);
	/* No '#': the next '$' starts a new packet, the first is dropped. */
	assert_int_equal(feed_str(&r, "$OK$g#67"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "g");
	/* A packet that never ends completes nothing. */
	assert_int_equal(feed_str(&r, "$OKOKOK"), GDB_FEED_NONE);
	assert_int_equal(feed_str(&r, "+-\x03"), GDB_FEED_NONE);
	assert_int_equal(feed_str(&r, "$?#3f"), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "?");
	/* An escaped '$' or '#' is data and does not end or restart. */
	char wire[32];
	frame(wire, sizeof(wire), "a}\x04}\x03");
	assert_int_equal(feed_str(&r, wire), GDB_FEED_PACKET);
	assert_string_equal(r.buf, "a$#");
}

/* A packet of n 'A's with the right checksum. */
static enum gdb_feed_result feed_long(struct gdb_reader *r, size_t n)
{
	char sum[4];
	enum gdb_feed_result res = gdb_reader_feed(r, '$');
	assert_int_equal(res, GDB_FEED_NONE);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(gdb_reader_feed(r, 'A'), GDB_FEED_NONE);
	snprintf(sum, sizeof(sum), "%02x", (unsigned)((n * 'A') & 0xff));
	return feed_str(r, "#") == GDB_FEED_NONE ? feed_str(r, sum) : GDB_FEED_NONE;
}

static void test_too_long(void **state)
{
	(void)state;
	struct gdb_reader *r = malloc(sizeof(*r));
	gdb_reader_init(r);
	/* Exactly PacketSize fits. */
	assert_int_equal(feed_long(r, GDB_PACKET_MAX), GDB_FEED_PACKET);
	assert_int_equal(r->len, GDB_PACKET_MAX);
	assert_int_equal(r->buf[GDB_PACKET_MAX], '\0');
	/* One more byte, or many more: refused though the checksum is right. */
	assert_int_equal(feed_long(r, GDB_PACKET_MAX + 1), GDB_FEED_BAD_PACKET);
	assert_int_equal(feed_long(r, 3 * GDB_PACKET_MAX), GDB_FEED_BAD_PACKET);
	assert_true(r->len <= GDB_PACKET_MAX);
	/* And the next packet is whole again. */
	assert_int_equal(feed_str(r, "$OK#9a"), GDB_FEED_PACKET);
	assert_string_equal(r->buf, "OK");
	free(r);
}

static void test_round_trip_every_byte(void **state)
{
	(void)state;
	uint8_t payload[256];
	char wire[GDB_ENCODED_MAX(256)];
	struct gdb_reader r;
	for (int i = 0; i < 256; i++)
		payload[i] = (uint8_t)i;
	size_t n = gdb_packet_encode(payload, sizeof(payload), wire, sizeof(wire));
	assert_true(n > 0);
	/* 4 bytes need escapes: 256 + 4 + "$#xx". */
	assert_int_equal(n, 256 + 4 + 4);
	gdb_reader_init(&r);
	assert_int_equal(feed_bytes(&r, wire, n), GDB_FEED_PACKET);
	assert_int_equal(r.len, 256);
	assert_memory_equal(r.buf, payload, 256);
}

static void test_hex(void **state)
{
	(void)state;
	char out[16];
	uint8_t bytes[4];
	gdb_hex_encode("\x00\x9a\xff", 3, out);
	assert_string_equal(out, "009aff");
	assert_int_equal(gdb_hex_decode("0A9aFf", bytes, 3), 0);
	assert_memory_equal(bytes, "\x0a\x9a\xff", 3);
	assert_int_equal(gdb_hex_decode("0g", bytes, 1), -1);
	assert_int_equal(gdb_hex_decode("g0", bytes, 1), -1);
	/* Too short: the string's NUL is not a digit (nothing read past it). */
	assert_int_equal(gdb_hex_decode("abc", bytes, 2), -1);
	assert_int_equal(gdb_hex_decode("", bytes, 1), -1);
	assert_int_equal(gdb_hex_digit('f'), 15);
	assert_int_equal(gdb_hex_digit('F'), 15);
	assert_int_equal(gdb_hex_digit('9'), 9);
	assert_int_equal(gdb_hex_digit('x'), -1);
	assert_int_equal(gdb_hex_digit('\0'), -1);
}

static void test_parse_numbers(void **state)
{
	(void)state;
	uint64_t v = 0, a = 0, l = 0;
	const char *p = "1f,";
	assert_int_equal(gdb_parse_hex(&p, &v), 0);
	assert_int_equal(v, 0x1f);
	assert_string_equal(p, ",");
	p = "ffffffffffffffff";
	assert_int_equal(gdb_parse_hex(&p, &v), 0);
	assert_true(v == UINT64_MAX);
	/* 17 digits would overflow 64 bits: refused, *p not moved. */
	const char *start = "10000000000000000";
	p = start;
	assert_int_equal(gdb_parse_hex(&p, &v), -1);
	assert_ptr_equal(p, start);
	p = ",5";
	assert_int_equal(gdb_parse_hex(&p, &v), -1);
	p = "";
	assert_int_equal(gdb_parse_hex(&p, &v), -1);

	/* m/M/X's "ADDR,LEN" with its terminator. */
	p = "ffff8000,40:abcd";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, ':'), 0);
	assert_true(a == 0xffff8000u && l == 0x40);
	assert_string_equal(p, "abcd");
	p = "1000,20";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, '\0'), 0);
	assert_true(a == 0x1000 && l == 0x20);
	assert_string_equal(p, "");
	p = "1000,20x";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, '\0'), -1);
	p = "1000:20";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, ':'), -1);
	p = "1000,";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, '\0'), -1);
	p = ",20";
	assert_int_equal(gdb_parse_addr_len(&p, &a, &l, '\0'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_encode_plain),
		cmocka_unit_test(test_encode_escapes),
		cmocka_unit_test(test_encode_does_not_overflow),
		cmocka_unit_test(test_read_packet),
		cmocka_unit_test(test_read_escapes_and_binary),
		cmocka_unit_test(test_split_across_reads),
		cmocka_unit_test(test_acks_and_interrupt),
		cmocka_unit_test(test_bad_checksum_then_recovery),
		cmocka_unit_test(test_missing_hash_restarts),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_round_trip_every_byte),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_parse_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
