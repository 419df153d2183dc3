/* QEMU's spellings on vmm's command line (issue 13): the values of QEMU's
 * -m and -drive read with QEMU's meaning, and the QEMU options vmm lacks,
 * each refused with its reason instead of "unknown option". */
#ifndef VMM_QEMU_OPTIONS_H
#define VMM_QEMU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why vmm does not have QEMU's option NAME (given without dashes), or NULL
 * when NAME is not a QEMU option that vmm knows it lacks. */
const char *qemu_unsupported_reason(const char *name);

/* A memory size as QEMU's -m reads it: "[size=]N[suffix]", where a bare
 * number is MiB and the suffixes B, K, M, G, T (either case) are bytes and
 * binary multiples. vmm's -mem reads it the same way. */
int qemu_parse_mem_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* -device isa-debug-exit,iobase=0xf4[,iosize=N]: the device vmm always
 * has. Returns 0 when SPEC is that device, -1 with the reason otherwise. */
int qemu_check_device(const char *spec, char *err, size_t errlen);

/* -drive file=FILE,format=raw[,if=ide][,index=0][,media=disk][,readonly=on|off]
 * (",," in FILE is a comma): the one IDE master disk vmm has. */
struct qemu_drive {
	const char *file; /* points into a static buffer */
	bool read_only;
};
int qemu_parse_drive(const char *spec, struct qemu_drive *out, char *err, size_t errlen);

#endif
