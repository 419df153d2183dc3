/*
 * Building VMs in tests, the way Linux's KVM selftests use kvm_util: a test
 * creates a VM with the standard devices in one call, drops a snippet of
 * guest code into RAM, runs it, and checks registers, memory and output.
 */
#ifndef VMM_TEST_VM_H
#define VMM_TEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* Where snippets are loaded (inside low RAM, clear of 0x400). */
#define SNIPPET_ADDR 0x1000

/* A code snippet assembled into the test binary (see snippets.S). */
struct snippet {
	const uint8_t *start, *end;
};
#define SNIPPET_DECLARE(name) extern const uint8_t name##_start[], name##_end[]
#define SNIPPET(name) ((struct snippet){ name##_start, name##_end })

/* A VM with RAM, debug console, isa-debug-exit, COM1 and hypercalls. */
struct vm *test_vm_create(uint64_t mem_size);
/* Copies the snippet to SNIPPET_ADDR and starts the vCPU there in mode. */
void test_vm_load(struct vm *vm, enum cpu_mode mode, struct snippet code);
/* Runs until the guest stops (or timeout_sec); returns the stop reason and
 * what the guest printed (malloc'd, NUL-terminated) in *output. */
enum vm_stop_reason test_vm_run(struct vm *vm, double timeout_sec, char **output);
uint64_t test_vm_rax(struct vm *vm);
uint32_t test_vm_read32(struct vm *vm, uint64_t gpa);
/* True if this host's KVM can run 32-bit paging (a probe guest, once). */
bool host_runs_paged32(void);
/* True if this host's KVM can take an interrupt in 32-bit protected mode and
 * return with a 32-bit iret (a probe guest, once). Long mode always can. */
bool host_runs_int32(void);
/* Why 32-bit interrupt tests are skipped where host_runs_int32() is false. */
#define INT32_SKIP_REASON "this host's KVM cannot emulate a 32-bit iret; it works on hardware KVM"

#endif
