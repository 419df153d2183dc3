/*
 * The exit trace (-trace exits[=FILE], -trace-format text|json): one line
 * per VM exit, with what the guest asked for (port or MMIO address, size,
 * value, RIP; a hypercall decoded by name and arguments), plus the ISA lines
 * raised, the interrupts injected, the end of each `hlt` wait and the stop.
 * README.md ("Tracing exits") documents both formats field by field.
 *
 * Cost when off: the hooks below are inline and test vm->trace, one
 * predictable branch; the run loop makes one per exit, irq.c one per line
 * change and per injection. Everything else lives in trace.c.
 *
 * Threads: every record is written on the vCPU thread (exits, interrupts and
 * hlt waits all happen there); trace_finish runs after the vCPU has stopped.
 *
 * Output: vmm's own buffer, written with write(2) as the console writes
 * (console.c): in 64 KiB blocks to a file, at every hlt and at the stop;
 * line by line to stderr or a terminal. A write cut short by a signal is
 * resumed. EPIPE ends the trace silently (`2>&1 | head`); any other failure
 * ends it with one line on stderr ("vmm: trace output lost: ...") and
 * trace_finish reports it, which vmm turns into exit status 121.
 */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "vm.h"

enum trace_format { TRACE_TEXT = 0, TRACE_JSON };

/* "text" or "json": 0, or -1. */
int trace_format_parse(const char *name, enum trace_format *out);

/* Opens the trace output before the guest runs (and before the sandbox):
 * `path` is created or truncated; NULL means stderr. NULL with a message in
 * err when the file cannot be opened for writing. */
struct vm_trace *trace_open(const char *path, enum trace_format format, char *err,
			    size_t errlen);
/* Traces vm from now on; the time column counts from here. t may be NULL. */
void trace_attach(struct vm *vm, struct vm_trace *t);
/* Writes the stop record, flushes, closes. Returns 0, or the errno of the
 * write that lost trace output (EPIPE is not a loss). t may be NULL. */
int trace_finish(struct vm_trace *t, enum vm_stop_reason reason, int status);

/* Recorders behind the hooks (trace.c). */
void trace_record_exit(struct vm *vm);
void trace_record_wake(struct vm *vm);
void trace_record_irq(struct vm *vm, unsigned irq, bool level);
void trace_record_inject(struct vm *vm, int vector);

/* Hooks, one line each where they are called. */

/* run.c, after each exit was handled (a read's value is known then). */
static inline void trace_exit(struct vm *vm)
{
	if (vm->trace)
		trace_record_exit(vm);
}

/* run.c, when a halted vCPU leaves its wait for an interrupt. */
static inline void trace_wake(struct vm *vm)
{
	if (vm->trace)
		trace_record_wake(vm);
}

/* irq.c, before line `irq` takes `level` (vm->irq_level still holds the old). */
static inline void trace_irq(struct vm *vm, unsigned irq, bool level)
{
	if (vm->trace)
		trace_record_irq(vm, irq, level);
}

/* irq.c, once KVM accepted the injection of `vector`. */
static inline void trace_inject(struct vm *vm, int vector)
{
	if (vm->trace)
		trace_record_inject(vm, vector);
}

#endif
