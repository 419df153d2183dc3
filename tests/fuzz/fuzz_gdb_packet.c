/*
 * Fuzz target "gdb_packet": the gdb remote protocol's packet layer
 * (host/gdb/gdb_packet.c) and the `monitor` commands it carries
 * (host/gdb/gdb_monitor.c), fed what a hostile or broken gdb could send.
 *
 * Input: raw bytes as they would arrive on the socket; no structure.
 *
 * Oracles:
 *  - every byte's result from gdb_reader_feed equals that of a reference
 *    reader written here from the gdb manual ("Overview", "Binary data"),
 *    which keeps the raw bytes and decodes a packet only at its end: same
 *    payload, same refusals (bad checksum, non-hex digits, longer than
 *    GDB_PACKET_MAX), same acks and Ctrl-C;
 *  - a packet's payload is NUL-terminated at len <= GDB_PACKET_MAX;
 *  - the whole input, as a payload, survives gdb_packet_encode and a fresh
 *    reader unchanged (or is refused as too long), and encoding into a
 *    buffer that is too small fails without writing past it (exact-size
 *    heap buffers: AddressSanitizer sees one byte too far);
 *  - the hex helpers never read past a payload's NUL and round-trip;
 *  - each qRcmd packet runs its command through gdb_monitor_command on a VM
 *    (guard pages around RAM and over the VGA window, so any read outside
 *    RAM faults) under one of six paging states picked by the payload's
 *    checksum, with vmm's own long-mode and 32-bit page tables in RAM; the
 *    output is NUL-terminated inside its exact-size buffer; a translation's
 *    "= physical X" must equal the reference walk (fuzz_ref_translate) and a
 *    refusal must match an unmapped address; a phys dump must show exactly
 *    the bytes in guest RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gdb_monitor.h"
#include "gdb_packet.h"
#include "vm.h"

#define MEM (4ull << 20)

static struct vm *vm;
static struct gdb_reader reader, echo_reader;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vm = fuzz_vm_create(MEM);
	/* vmm's tables for both: 32-bit PD at 0xE6000, PML4 at 0xE0000. */
	if (vm_setup_cpu(vm, MODE_PAGED32, 0x1000, 0x8000) < 0 ||
	    vm_setup_cpu(vm, MODE_LONG, 0x1000, 0x8000) < 0)
		abort();
	return 0;
}

/* ---- the reference reader ---- */

struct ref {
	int state; /* 0 idle, 1 body, 2 after '#', 3 after the first digit */
	bool escape;
	size_t raw_len;   /* bytes between '$' and '#', escapes included */
	uint8_t raw_sum;
	char payload[GDB_PACKET_MAX + 1];
	size_t len;       /* decoded bytes so far (counting past the buffer) */
	int digit1;
};

static int hexval(uint8_t c)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	const char *p = c ? strchr(digits, c) : NULL;
	if (!p)
		return -1;
	int i = (int)(p - digits);
	return i < 16 ? i : i - 6;
}

static enum gdb_feed_result ref_feed(struct ref *r, uint8_t c)
{
	switch (r->state) {
	case 0:
		if (c == '$') {
			r->state = 1, r->escape = false, r->raw_len = 0, r->raw_sum = 0, r->len = 0;
			return GDB_FEED_NONE;
		}
		return c == '+' ? GDB_FEED_ACK : c == '-' ? GDB_FEED_NACK
				: c == 0x03 ? GDB_FEED_INTERRUPT : GDB_FEED_NONE;
	case 1:
		if (!r->escape && c == '$') { /* a new packet; the old is dropped */
			r->raw_len = 0, r->raw_sum = 0, r->len = 0;
			return GDB_FEED_NONE;
		}
		if (!r->escape && c == '#') {
			r->state = 2;
			return GDB_FEED_NONE;
		}
		r->raw_len++;
		r->raw_sum = (uint8_t)(r->raw_sum + c);
		if (!r->escape && c == '}') {
			r->escape = true;
			return GDB_FEED_NONE;
		}
		if (r->len < GDB_PACKET_MAX)
			r->payload[r->len] = (char)(r->escape ? c ^ 0x20 : c);
		r->len++;
		r->escape = false;
		return GDB_FEED_NONE;
	case 2:
		r->digit1 = hexval(c);
		r->state = 3;
		return GDB_FEED_NONE;
	default:
		r->state = 0;
		int d2 = hexval(c);
		if (r->digit1 < 0 || d2 < 0 || r->len > GDB_PACKET_MAX ||
		    (r->digit1 * 16 + d2) != r->raw_sum)
			return GDB_FEED_BAD_PACKET;
		r->payload[r->len] = '\0';
		return GDB_FEED_PACKET;
	}
}

/* ---- the monitor ---- */

/* The paging states a qRcmd runs under. */
static void pick_paging(unsigned which, struct paging_regs *pr)
{
	static const struct paging_regs states[] = {
		{ .cr0 = 0 },                                                  /* real */
		{ .cr0 = 0x11 },                                               /* no paging */
		{ .cr0 = 0x80000011, .cr3 = 0xe6000, .cr4 = 0x10 },            /* 32-bit, PSE */
		{ .cr0 = 0x80000011, .cr3 = 0xe1000, .cr4 = 0x20 },            /* PAE: the PDPT as PDPTEs */
		{ .cr0 = 0x80000011, .cr3 = 0xe0000, .cr4 = 0x20, .efer = 0x500 },   /* long4 */
		{ .cr0 = 0x80000011, .cr3 = 0xe0000, .cr4 = 0x1020, .efer = 0x500 }, /* long5 */
	};
	*pr = states[which % (sizeof(states) / sizeof(states[0]))];
}

static void check_translate(const char *out, const struct paging_regs *pr)
{
	unsigned long long gva, gpa;
	if (sscanf(out, "0x%llx: ", &gva) != 1)
		return; /* a usage line: the address did not parse */
	uint64_t want;
	bool mapped = fuzz_ref_translate(vm, pr, gva, &want);
	const char *p = strstr(out, "  = physical 0x");
	FUZZ_CHECK(mapped == (p != NULL), "translate 0x%llx: monitor says %s, reference %s", gva,
		   p ? "mapped" : "unmapped", mapped ? "mapped" : "unmapped");
	if (p) {
		FUZZ_CHECK(sscanf(p, "  = physical 0x%llx", &gpa) == 1, "unparsable: %s", p);
		FUZZ_CHECK(gpa == want, "translate 0x%llx: 0x%llx, reference 0x%llx", gva, gpa,
			   (unsigned long long)want);
	}
}

/* Every dumped byte must be guest RAM's byte at that address. A dump line
 * is "0xADDR:" then 16 columns of " hh", an extra space after the 8th. */
static void check_phys(const char *out)
{
	for (const char *line = out; *line;) {
		unsigned long long addr;
		int pos = 0;
		if (sscanf(line, "0x%llx:%n", &addr, &pos) == 1 && pos > 0) {
			for (int i = 0; i < 16; i++) {
				const char *h = line + pos + 1 + 3 * i + (i >= 8);
				int hi = hexval((uint8_t)h[0]), lo = hi < 0 ? -1 : hexval((uint8_t)h[1]);
				if (lo < 0)
					break; /* the short last line */
				FUZZ_CHECK(fuzz_gpa_is_ram(vm, addr + i), "dumped 0x%llx, not RAM", addr + i);
				FUZZ_CHECK(vm->ram[addr + i] == (hi << 4 | lo), "phys 0x%llx: %.2s, RAM %02x",
					   addr + i, h, vm->ram[addr + i]);
			}
		}
		const char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}

static void run_monitor(const char *payload, size_t len)
{
	static const char prefix[] = "qRcmd,";
	if (len < sizeof(prefix) - 1 || memcmp(payload, prefix, sizeof(prefix) - 1) != 0)
		return;
	const char *hex = payload + sizeof(prefix) - 1;
	size_t n = strlen(hex) / 2; /* stops at an X-style NUL, as the stub would */
	char *cmd = malloc(n + 1);
	if (gdb_hex_decode(hex, cmd, n) < 0) {
		free(cmd);
		return;
	}
	cmd[n] = '\0';

	uint8_t sum = gdb_checksum(payload, len);
	struct paging_regs pr;
	pick_paging(sum, &pr);
	fuzz_vm_set_paging(vm, &pr);
	/* Output buffers from 0 to ~12 KiB, exactly that size. */
	size_t outlen = (sum % 4 == 0) ? (size_t)sum : (size_t)sum * 48 + 1;
	char *out = outlen ? malloc(outlen) : NULL;
	int quit = -1;
	int rc = gdb_monitor_command(vm, cmd, out, outlen, &quit);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_CHECK(quit == 0 || quit == 1, "quit %d", quit);
	if (out) {
		FUZZ_CHECK(memchr(out, '\0', outlen) != NULL, "output not terminated");
		/* A cut output is checked for termination only (a buffer too small
		 * for the note is cut silently). */
		if (outlen > 64 && !strstr(out, "(output cut")) {
			const char *c = cmd + strspn(cmd, " \t");
			if (strncmp(c, "translate", 9) == 0 && (c[9] == ' ' || c[9] == '\t'))
				check_translate(out, &pr);
			if (strncmp(c, "phys", 4) == 0)
				check_phys(out);
		}
	}
	free(out);
	free(cmd);
}

/* ---- the rest of the layer ---- */

static void check_hex_helpers(const char *payload, size_t len)
{
	size_t n = strnlen(payload, len) / 2;
	uint8_t *bytes = malloc(n + 1);
	char *again = malloc(2 * n + 1);
	if (gdb_hex_decode(payload, bytes, n) == 0) {
		gdb_hex_encode(bytes, n, again);
		for (size_t i = 0; i < 2 * n; i++)
			FUZZ_CHECK(again[i] == (payload[i] | 0x20) || again[i] == payload[i],
				   "hex round trip at %zu", i);
	}
	free(bytes);
	free(again);
	/* Numbers, as m/M/X/Z packets carry them after their letter. */
	const char *p = payload + (len > 0);
	uint64_t a, l;
	if (gdb_parse_addr_len(&p, &a, &l, ':') == 0)
		FUZZ_CHECK(p <= payload + len, "parsed past the payload");
	p = payload + (len > 0);
	const char *start = p;
	if (gdb_parse_hex(&p, &a) == 0)
		FUZZ_CHECK(p > start && p - start <= 16, "parse_hex took %zd digits", p - start);
}

static void check_encode_round_trip(const uint8_t *data, size_t size)
{
	size_t cap = GDB_ENCODED_MAX(size);
	char *wire = malloc(cap);
	size_t n = gdb_packet_encode(data, size, wire, cap);
	FUZZ_CHECK(n > 0 && n <= cap, "encode of %zu bytes gave %zu", size, n);
	gdb_reader_init(&echo_reader);
	enum gdb_feed_result res = GDB_FEED_NONE;
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(res == GDB_FEED_NONE, "result %d before the end", res);
		res = gdb_reader_feed(&echo_reader, (uint8_t)wire[i]);
	}
	if (size <= GDB_PACKET_MAX) {
		FUZZ_CHECK(res == GDB_FEED_PACKET, "own packet refused: %d", res);
		FUZZ_CHECK(echo_reader.len == size && memcmp(echo_reader.buf, data, size) == 0,
			   "payload changed in a round trip");
	} else {
		FUZZ_CHECK(res == GDB_FEED_BAD_PACKET, "over-long packet accepted: %d", res);
	}
	free(wire);
	/* Too small by one: refused, nothing written past the end. */
	char *tight = malloc(n - 1);
	FUZZ_CHECK(gdb_packet_encode(data, size, tight, n - 1) == 0, "encode overflowed");
	free(tight);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref ref;
	gdb_reader_init(&reader);
	memset(&ref, 0, sizeof(ref));
	for (size_t i = 0; i < size; i++) {
		enum gdb_feed_result got = gdb_reader_feed(&reader, data[i]);
		enum gdb_feed_result want = ref_feed(&ref, data[i]);
		FUZZ_CHECK(got == want, "byte %zu (0x%02x): result %d, reference %d", i, data[i], got, want);
		if (got != GDB_FEED_PACKET)
			continue;
		FUZZ_CHECK(reader.len <= GDB_PACKET_MAX && reader.buf[reader.len] == '\0',
			   "payload of %zu bytes not terminated", reader.len);
		FUZZ_CHECK(reader.len == ref.len && memcmp(reader.buf, ref.payload, ref.len) == 0,
			   "payload differs from the reference's");
		check_hex_helpers(reader.buf, reader.len);
		run_monitor(reader.buf, reader.len);
	}
	check_encode_round_trip(data, size);
	return 0;
}
