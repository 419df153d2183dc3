/*
 * Fuzz target "paging": the page walker (host/core/paging.c) and the
 * guest-memory accessors built on it (host/core/guest_access.c), under fuzzed
 * CR0/CR3/CR4/EFER and page tables, against a per-byte oracle.
 *
 * Input: the paging part (fuzz_common.h: registers and page-table records),
 * then u8 n and n accesses, each
 *	u8 op (% 5: copy to guest, copy from guest, read string, check range,
 *	       gva to gpa), u64 gva, u16 len (string: the maximum),
 *	u8 k, k bytes: what a copy to the guest writes (byte i = data[i % k]).
 *
 * Before each call the oracle works out, with its own page walk
 * (fuzz_ref_translate) over guest RAM as it is at that moment, which
 * guest-physical byte each virtual byte maps to. Then:
 *  - the call must succeed exactly when every byte maps to RAM;
 *  - a copy to the guest must change exactly those bytes, to the data, in
 *    order (a later byte wins where two map to one), even when the buffer
 *    covers the page tables themselves (issue 9, defect 1): the translation
 *    is the one from before the call. All other RAM is read-only (mprotect)
 *    during the call, so a stray write faults at once;
 *  - reads must return exactly the bytes the oracle names, change no RAM (it
 *    is all read-only), and leave the caller's buffer alone on failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "guest_access.h"
#include "vm.h"

#define PAGE 4096ull
#define MAX_LEN 0x10000ull
#define MAX_PIECES (MAX_LEN / PAGE + 2)

static struct vm *vm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vm = fuzz_vm_create(2ull << 20);
	return 0;
}

/* The oracle's view of [gva, gva + len): per 4 KiB virtual page, the gpa of
 * its first byte in the range. */
struct mapping {
	uint64_t gva, len;
	uint64_t gpa[MAX_PIECES];
	int pieces;
};

/* Piece p covers [start, end) of the range. */
static uint64_t piece_start(const struct mapping *m, int p)
{
	return p == 0 ? 0 : ((m->gva & ~(PAGE - 1)) + (uint64_t)p * PAGE) - m->gva;
}

static uint64_t piece_end(const struct mapping *m, int p)
{
	uint64_t e = ((m->gva & ~(PAGE - 1)) + (uint64_t)(p + 1) * PAGE) - m->gva;
	return e < m->len ? e : m->len;
}

/* True if every byte maps to RAM. The first and last byte of each piece
 * are translated: a piece lies in one 4 KiB page, RAM's edges are 4 KiB
 * aligned, and the only mid-page limit (real mode's 0x10FFF0) is monotonic. */
static bool map_range(const struct paging_regs *pr, uint64_t gva, uint64_t len, struct mapping *m)
{
	m->gva = gva, m->len = len, m->pieces = 0;
	if (len == 0)
		return true;
	if (gva + (len - 1) < gva)
		return false; /* wraps past 2^64 */
	uint64_t first_page = gva & ~(PAGE - 1), last_page = (gva + len - 1) & ~(PAGE - 1);
	m->pieces = (int)((last_page - first_page) / PAGE) + 1;
	for (int p = 0; p < m->pieces; p++) {
		uint64_t a = gva + piece_start(m, p), b = gva + piece_end(m, p) - 1, ga, gb;
		if (!fuzz_ref_translate(vm, pr, a, &ga) || !fuzz_ref_translate(vm, pr, b, &gb) ||
		    gb != ga + (b - a) || !fuzz_gpa_is_ram(vm, ga) || !fuzz_gpa_is_ram(vm, gb))
			return false;
		m->gpa[p] = ga;
	}
	return true;
}

/* buf[i] = data[i % k], or a counting pattern when k is 0. */
static void fill(uint8_t *buf, uint64_t len, const uint8_t *data, size_t k)
{
	if (!k) {
		for (uint64_t i = 0; i < len; i++)
			buf[i] = (uint8_t)(i * 37 + 11);
		return;
	}
	for (uint64_t i = 0; i < len; i += k)
		memcpy(buf + i, data, len - i < k ? len - i : k);
}

static void protect_all(bool writable)
{
	fuzz_ram_protect(vm, 0, vm->mem_size, writable);
}

static void copy_to(const struct paging_regs *pr, uint64_t gva, uint64_t len, const uint8_t *data,
		    size_t k)
{
	static uint8_t buf[MAX_LEN];
	static uint8_t shadow[MAX_PIECES][PAGE];
	fill(buf, len, data, k);
	struct mapping m;
	bool ok = map_range(pr, gva, len, &m);

	/* Expected contents of each target page: now, then the writes in order. */
	uint64_t pages[MAX_PIECES];
	int np = 0;
	if (ok) {
		for (int p = 0; p < m.pieces; p++) {
			uint64_t page = m.gpa[p] & ~(PAGE - 1);
			int s = 0;
			while (s < np && pages[s] != page)
				s++;
			if (s == np) {
				pages[np] = page;
				memcpy(shadow[np++], vm->ram + page, PAGE);
			}
			uint64_t a = piece_start(&m, p), b = piece_end(&m, p);
			memcpy(shadow[s] + (m.gpa[p] & (PAGE - 1)), buf + a, b - a);
		}
	}
	for (int s = 0; s < np; s++)
		fuzz_ram_protect(vm, pages[s], PAGE, true);
	int rc = vm_copy_to_gva(vm, gva, buf, len);
	for (int s = 0; s < np; s++)
		fuzz_ram_protect(vm, pages[s], PAGE, false);

	FUZZ_CHECK(rc == (ok ? 0 : -EFAULT), "copy to gva 0x%llx len %llu: rc %d, oracle %s",
		   (unsigned long long)gva, (unsigned long long)len, rc, ok ? "mapped" : "unmapped");
	for (int s = 0; s < np; s++) {
		FUZZ_CHECK(memcmp(vm->ram + pages[s], shadow[s], PAGE) == 0,
			   "copy to gva 0x%llx len %llu: page 0x%llx differs from the oracle",
			   (unsigned long long)gva, (unsigned long long)len, (unsigned long long)pages[s]);
	}
}

static void copy_from(const struct paging_regs *pr, uint64_t gva, uint64_t len)
{
	static uint8_t buf[MAX_LEN];
	memset(buf, 0xA5, len);
	struct mapping m;
	bool ok = map_range(pr, gva, len, &m);
	int rc = vm_copy_from_gva(vm, gva, buf, len);
	FUZZ_CHECK(rc == (ok ? 0 : -EFAULT), "copy from gva 0x%llx len %llu: rc %d, oracle %s",
		   (unsigned long long)gva, (unsigned long long)len, rc, ok ? "mapped" : "unmapped");
	for (int p = 0; ok && p < m.pieces; p++) {
		uint64_t a = piece_start(&m, p), b = piece_end(&m, p);
		FUZZ_CHECK(memcmp(buf + a, vm->ram + m.gpa[p], b - a) == 0,
			   "copy from gva 0x%llx: bytes %llu.. differ from gpa 0x%llx", (unsigned long long)gva,
			   (unsigned long long)a, (unsigned long long)m.gpa[p]);
	}
	static uint8_t canary[MAX_LEN];
	if (!canary[0])
		memset(canary, 0xA5, sizeof(canary));
	FUZZ_CHECK(ok || memcmp(buf, canary, len) == 0, "failed copy from gva 0x%llx changed the buffer",
		   (unsigned long long)gva);
}

static void read_string(const struct paging_regs *pr, uint64_t gva, uint64_t max)
{
	/* The oracle: scan to the first NUL, piece by piece (a 4 KiB page, or
	 * less at real mode's limit), every byte of the way mapped RAM. */
	long expect = -1; /* the length, or -1: -EFAULT */
	for (uint64_t i = 0; i < max;) {
		uint64_t va = gva + i, pa;
		if (va < gva || !fuzz_ref_translate(vm, pr, va, &pa) || !fuzz_gpa_is_ram(vm, pa))
			break; /* wrapped, unmapped or not RAM */
		uint64_t piece = PAGE - (va & (PAGE - 1));
		if (!(pr->cr0 & 1) && 0x10FFF0 - va < piece)
			piece = 0x10FFF0 - va;
		if (piece > max - i)
			piece = max - i;
		const uint8_t *nul = memchr(vm->ram + pa, 0, piece);
		if (nul) {
			expect = (long)(i + (uint64_t)(nul - (vm->ram + pa)));
			break;
		}
		i += piece;
	}
	char *s = NULL;
	size_t len = 0;
	int rc = vm_read_gva_string(vm, gva, max, &s, &len);
	FUZZ_CHECK(rc == (expect >= 0 ? 0 : -EFAULT), "string at gva 0x%llx max %llu: rc %d, oracle %ld",
		   (unsigned long long)gva, (unsigned long long)max, rc, expect);
	if (rc == 0) {
		FUZZ_CHECK(len == (size_t)expect && s[len] == '\0' && strlen(s) == len,
			   "string at gva 0x%llx: length %zu, oracle %ld", (unsigned long long)gva, len, expect);
		struct mapping m;
		FUZZ_CHECK(map_range(pr, gva, len, &m), "string at gva 0x%llx: oracle lost its map",
			   (unsigned long long)gva);
		for (int p = 0; p < m.pieces; p++) {
			uint64_t a = piece_start(&m, p), b = piece_end(&m, p);
			FUZZ_CHECK(memcmp(s + a, vm->ram + m.gpa[p], b - a) == 0,
				   "string at gva 0x%llx: bytes %llu.. differ", (unsigned long long)gva,
				   (unsigned long long)a);
		}
		free(s);
	}
}

static void check_range(const struct paging_regs *pr, uint64_t gva, uint64_t len)
{
	struct mapping m;
	bool ok = map_range(pr, gva, len, &m);
	int rc = vm_check_gva_range(vm, gva, len);
	FUZZ_CHECK(rc == (ok ? 0 : -EFAULT), "check gva 0x%llx len %llu: rc %d, oracle %s",
		   (unsigned long long)gva, (unsigned long long)len, rc, ok ? "mapped" : "unmapped");
}

static void gva_to_gpa(const struct paging_regs *pr, uint64_t gva)
{
	uint64_t want, got = 0;
	bool ok = fuzz_ref_translate(vm, pr, gva, &want) && fuzz_gpa_is_ram(vm, want);
	int rc = vm_gva_to_gpa(vm, gva, &got);
	void *hva = vm_gva_to_hva(vm, gva);
	FUZZ_CHECK(rc == (ok ? 0 : -EFAULT) && (!ok || got == want),
		   "gva 0x%llx: rc %d gpa 0x%llx, oracle %s 0x%llx", (unsigned long long)gva, rc,
		   (unsigned long long)got, ok ? "mapped" : "unmapped", (unsigned long long)want);
	FUZZ_CHECK(hva == (ok ? (void *)(vm->ram + want) : NULL), "gva 0x%llx: wrong host address",
		   (unsigned long long)gva);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct paging_regs pr;
	fuzz_read_paging(&in, vm, &pr);
	fuzz_vm_set_paging(vm, &pr);
	/* RAM is read-only during the accesses; a copy to the guest opens just
	 * the pages the oracle expects it to write, for the time of the call. */
	protect_all(false);

	unsigned n = fuzz_u8(&in) % 9;
	for (unsigned i = 0; i < n; i++) {
		uint8_t op = fuzz_u8(&in) % 5;
		uint64_t gva = fuzz_u64(&in);
		uint64_t len = fuzz_u16(&in);
		size_t k;
		const uint8_t *bytes = fuzz_bytes(&in, fuzz_u8(&in), &k);
		switch (op) {
		case 0: copy_to(&pr, gva, len, bytes, k); break;
		case 1: copy_from(&pr, gva, len); break;
		case 2: read_string(&pr, gva, len); break;
		case 3: check_range(&pr, gva, len); break;
		default: gva_to_gpa(&pr, gva); break;
		}
	}
	protect_all(true);
	fuzz_vm_clear_ram(vm); /* few pages are in use: cheaper than zeroing them */
	return 0;
}
