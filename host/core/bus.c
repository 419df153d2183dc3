#include "bus.h"

#include <stdio.h>
#include <string.h>

void bus_init(struct bus *bus, const char *kind)
{
	memset(bus, 0, sizeof(*bus));
	bus->kind = kind;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 const struct io_ops *ops, void *opaque)
{
	if (len == 0 || bus->count == BUS_MAX_RANGES || base + len < base)
		return -1;
	for (int i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];
		if (base < r->base + r->len && r->base < base + len)
			return -1;
	}
	bus->ranges[bus->count++] = (struct bus_range){
		.base = base, .len = len, .name = name, .ops = ops, .opaque = opaque,
	};
	return 0;
}

struct bus_range *bus_find(struct bus *bus, uint64_t addr)
{
	for (int i = 0; i < bus->count; i++) {
		struct bus_range *r = &bus->ranges[i];
		if (addr - r->base < r->len)
			return r;
	}
	return NULL;
}

static uint64_t all_ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

/* Out of line: bus_access only tests the flag. */
static void report_first_use(const struct bus *bus, struct bus_range *r)
{
	r->used = true;
	if (bus->report_first_use)
		fprintf(stderr, "vmm: guest uses %s (%s 0x%llx)\n", r->name, bus->kind,
			(unsigned long long)r->base);
}

bool bus_access(struct bus *bus, uint64_t addr, bool is_write, unsigned size,
		uint64_t *value, bool count_exit)
{
	struct bus_range *r = bus_find(bus, addr);
	if (!r) {
		if (!is_write)
			*value = all_ones(size);
		return false;
	}
	if (count_exit)
		r->exits++;
	if (!r->used)
		report_first_use(bus, r);
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->opaque, addr - r->base, size, *value & all_ones(size));
	} else {
		*value = r->ops->read ? r->ops->read(r->opaque, addr - r->base, size) & all_ones(size)
				      : all_ones(size);
	}
	return true;
}
