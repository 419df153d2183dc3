#include "test_vm.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "console_ports.h"
#include "hypercall.h"
#include "pc_platform.h"

struct vm *test_vm_create(uint64_t mem_size)
{
	char err[256];
	struct vm_config cfg = { .mem_size = mem_size };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm) {
		fprintf(stderr, "test_vm_create: %s\n", err);
		abort();
	}
	struct platform_config platform = { 0 };
	if (debugcon_register(vm) < 0 || debug_exit_register(vm) < 0 ||
	    hypercall_register(vm) < 0 || pc_platform_register(vm, &platform, err, sizeof(err)) < 0)
		abort();
	return vm;
}

void test_vm_load(struct vm *vm, enum cpu_mode mode, struct snippet code)
{
	size_t len = (size_t)(code.end - code.start);
	uint8_t *dst = vm_gpa_ptr(vm, SNIPPET_ADDR, len);
	assert(dst);
	memcpy(dst, code.start, len);
	uint64_t stack = mode == MODE_REAL ? 0 : vm->mem_size;
	if (vm_setup_cpu(vm, mode, SNIPPET_ADDR, stack) < 0)
		abort();
}

enum vm_stop_reason test_vm_run(struct vm *vm, double timeout_sec, char **output)
{
	FILE *capture = tmpfile();
	assert(capture);
	console_set_output(capture);
	enum vm_stop_reason reason = vm_run(vm, timeout_sec);
	console_set_output(NULL);
	long size = ftell(capture);
	char *text = calloc(1, (size_t)size + 1);
	rewind(capture);
	if (fread(text, 1, (size_t)size, capture) != (size_t)size)
		abort();
	fclose(capture);
	if (output)
		*output = text;
	else
		free(text);
	return reason;
}

uint64_t test_vm_rax(struct vm *vm)
{
	struct kvm_regs regs;
	if (vm_get_regs(vm, &regs) < 0)
		abort();
	return regs.rax;
}

uint32_t test_vm_read32(struct vm *vm, uint64_t gpa)
{
	uint32_t v;
	if (vm_read_phys(vm, gpa, &v, sizeof(v)) < 0)
		abort();
	return v;
}

bool host_runs_paged32(void)
{
	static int known = -1;
	if (known < 0) {
		static const uint8_t hlt = 0xf4;
		struct vm *vm = test_vm_create(4 << 20);
		test_vm_load(vm, MODE_PAGED32, (struct snippet){ &hlt, &hlt + 1 });
		known = test_vm_run(vm, 10, NULL) == STOP_HALT;
		vm_destroy(vm);
		if (!known)
			fprintf(stderr, "note: this host's KVM cannot run 32-bit paging (the probe guest "
					"triple-faults); paged32 tests are skipped\n");
	}
	return known;
}

bool host_runs_int32(void)
{
	/* ud2 raises #UD; the handler steps over it (2 bytes) and irets; then
	 * EAX = 42 and hlt. vmm set the flat segments: the gate uses its CS. */
	static const uint8_t code[] = {
		0x0f, 0x0b,                   /* ud2 */
		0xb8, 0x2a, 0x00, 0x00, 0x00, /* mov $42, %eax */
		0xf4,                         /* hlt */
		0x83, 0x04, 0x24, 0x02,       /* handler: addl $2, (%esp) */
		0xcf,                         /* iret */
	};
	enum { PROBE_HANDLER_OFFSET = 8, PROBE_IDT_ADDR = 0x2000, PROBE_UD_VECTOR = 6 };
	static int known = -1;
	if (known < 0) {
		struct vm *vm = test_vm_create(4 << 20);
		test_vm_load(vm, MODE_PROTECTED, (struct snippet){ code, code + sizeof(code) });
		struct kvm_sregs sregs;
		if (vm_get_sregs(vm, &sregs) < 0)
			abort();
		uint32_t handler = SNIPPET_ADDR + PROBE_HANDLER_OFFSET;
		uint8_t *gate = vm_gpa_ptr(vm, PROBE_IDT_ADDR + PROBE_UD_VECTOR * 8, 8);
		assert(gate);
		/* A present ring-0 32-bit interrupt gate (type 0x8E). */
		const uint8_t entry[8] = { handler & 0xff, (handler >> 8) & 0xff,
					   sregs.cs.selector & 0xff, sregs.cs.selector >> 8,
					   0, 0x8e, (handler >> 16) & 0xff, handler >> 24 };
		memcpy(gate, entry, sizeof(entry));
		sregs.idt.base = PROBE_IDT_ADDR;
		sregs.idt.limit = (PROBE_UD_VECTOR + 1) * 8 - 1;
		if (vm_set_sregs(vm, &sregs) < 0)
			abort();
		known = test_vm_run(vm, 10, NULL) == STOP_HALT && test_vm_rax(vm) == 42;
		vm_destroy(vm);
		if (!known)
			fprintf(stderr, "note: 32-bit interrupt tests are skipped: %s\n",
				INT32_SKIP_REASON);
	}
	return known;
}
