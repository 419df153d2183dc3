/*
 * The gdb remote protocol's packet layer: framing, checksums, escaping and
 * hex. Pure functions and a byte-at-a-time parser, no sockets and no VM, so
 * that unit tests and a fuzz harness can drive it with any bytes.
 *
 * Wire format (gdb manual, "Overview" of the remote protocol):
 *   $<payload>#<two hex digits: sum of the payload's bytes as sent, mod 256>
 * The receiver answers '+' (good) or '-' (resend) unless no-ack mode is on.
 * Inside a payload '}' escapes the next byte, which is sent XOR 0x20; the
 * bytes that must be escaped are '}' '#' '$' and '*' ('*' starts a
 * run-length repeat in replies). A lone 0x03 outside a packet is Ctrl-C.
 *
 * Reading: feed every received byte to gdb_reader_feed(); it returns what
 * that byte completed:
 *   GDB_FEED_NONE       nothing yet (inside a packet, or noise between packets)
 *   GDB_FEED_PACKET     a whole packet with a good checksum: its payload,
 *                       escapes already undone, is r->buf[0..r->len) and is
 *                       NUL-terminated (a payload may contain NULs itself:
 *                       X's binary data; use r->len). Send '+'.
 *   GDB_FEED_BAD_PACKET a packet whose checksum does not match, or whose
 *                       checksum digits are not hex, or that was longer than
 *                       GDB_PACKET_MAX (the rest is dropped): send '-'.
 *   GDB_FEED_INTERRUPT  0x03 outside a packet (Ctrl-C in gdb)
 *   GDB_FEED_ACK / GDB_FEED_NACK  '+' / '-' outside a packet
 * r->buf stays valid until the next call. A '$' inside a packet starts a new
 * one (the old is dropped, as gdbserver does). Never fails on any input.
 *
 * Writing: gdb_packet_encode() frames and escapes a payload into a buffer.
 * Replies are never run-length encoded (gdb accepts plain ones).
 */
#ifndef VMM_GDB_PACKET_H
#define VMM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest payload vmm accepts (its qSupported PacketSize, in hex there),
 * and so the largest it sends: 2 hex digits per byte, a 'g' reply of 600
 * bytes or an 'm' of 2047 bytes fit. */
#define GDB_PACKET_MAX 4096
/* What gdb_packet_encode needs at most for a payload of n bytes. */
#define GDB_ENCODED_MAX(n) (2 * (size_t)(n) + 4)

enum gdb_feed_result {
	GDB_FEED_NONE,
	GDB_FEED_PACKET,
	GDB_FEED_BAD_PACKET,
	GDB_FEED_INTERRUPT,
	GDB_FEED_ACK,
	GDB_FEED_NACK,
};

struct gdb_reader {
	enum { GDB_RD_IDLE, GDB_RD_BODY, GDB_RD_ESCAPE, GDB_RD_SUM1, GDB_RD_SUM2 } state;
	bool overflow;       /* the packet outgrew buf: it will be refused */
	uint8_t sum;         /* running checksum of the bytes as received */
	uint8_t sent_sum;    /* the checksum digits read so far */
	size_t len;
	char buf[GDB_PACKET_MAX + 1];
};

void gdb_reader_init(struct gdb_reader *r);
enum gdb_feed_result gdb_reader_feed(struct gdb_reader *r, uint8_t byte);

/* Frames payload[0..len) as $...#xx into out, escaping }#$*. Returns the
 * length written (no NUL added), or 0 if it does not fit in outlen. */
size_t gdb_packet_encode(const void *payload, size_t len, char *out, size_t outlen);
/* The checksum of bytes as sent (sum mod 256). */
uint8_t gdb_checksum(const void *data, size_t len);

/* Hex helpers. Encoding writes 2*len lowercase digits and a NUL. */
void gdb_hex_encode(const void *data, size_t len, char *out);
/* Decodes 2*len hex digits into out; -1 if any is not a hex digit. */
int gdb_hex_decode(const char *hex, void *out, size_t len);
/* The value of one hex digit, or -1. */
int gdb_hex_digit(char c);
/* Parses a big-endian hex number (as addresses and lengths are sent) at *p,
 * at least one digit, at most 16; advances *p past it. -1 if none or too long. */
int gdb_parse_hex(const char **p, uint64_t *value);
/* Parses "ADDR,LEN" then expects `end` (':' or '\0'); advances *p past it. */
int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char end);

#endif
