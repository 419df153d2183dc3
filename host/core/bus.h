/*
 * An address-range bus: devices claim [base, base + len) and get the accesses
 * that fall inside. One instance serves port I/O, another MMIO; the run loop
 * only looks the address up here and never knows which device answers.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct io_ops {
	/* offset is relative to the range's base; size is 1, 2, 4 or 8 bytes. */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct bus_range {
	uint64_t base, len;
	const char *name;
	const struct io_ops *ops;
	void *opaque;
	uint64_t exits; /* exits this range handled, for -stats */
	bool used;      /* the guest has touched it (-v names it once) */
};

#define BUS_MAX_RANGES 32

struct bus {
	const char *kind; /* "port" or "mmio", for messages */
	/* -v: name each device at the guest's first access to it, once. */
	bool report_first_use;
	struct bus_range ranges[BUS_MAX_RANGES];
	int count;
};

void bus_init(struct bus *bus, const char *kind);
/* Returns 0, or -1 if the range overlaps another one or the bus is full. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 const struct io_ops *ops, void *opaque);
struct bus_range *bus_find(struct bus *bus, uint64_t addr);

/*
 * Performs one access. Returns false if no device claims addr; then reads
 * give all ones and writes are dropped. Counts one exit on the range unless
 * count_exit is false (the elements of one string I/O share a single exit).
 * The first access to a range prints "vmm: guest uses NAME (KIND 0xBASE)"
 * when report_first_use is set.
 */
bool bus_access(struct bus *bus, uint64_t addr, bool is_write, unsigned size,
		uint64_t *value, bool count_exit);

#endif
