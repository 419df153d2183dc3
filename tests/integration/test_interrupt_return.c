/*
 * Returning from an interrupt, in each mode the guest SDK's idt.h supports:
 * a guest installs its own IDT, takes two #UD exceptions (ud2: no device and
 * no `int n` involved), and each time its handler counts, steps over the
 * instruction and returns with iretq (long mode) or iret (32-bit protected
 * mode). The 32-bit test runs only where host_runs_int32() (test_vm.h) says
 * the host can: this host's software KVM cannot emulate a 32-bit iret, and
 * the long-mode test shows that the probe's method itself is sound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "test_vm.h"

/* Both snippets: IDT at 0x3000 with gate 6 (#UD) on the running CS; ECX
 * counts the exceptions; after two, EAX = ECX and hlt with IF=0. */
__asm__(".pushsection .rodata.interrupt_return, \"a\"\n"
	".code64\n"
	"ret64_start:\n"
	"	lea ret64_handler(%rip), %rax\n"
	"	mov $0x3000 + 6 * 16, %rdi\n"
	"	mov %ax, (%rdi)\n"
	"	mov %cs, %dx\n"
	"	mov %dx, 2(%rdi)\n"
	"	movw $0x8e00, 4(%rdi)\n" /* present, ring 0, interrupt gate */
	"	shr $16, %rax\n"
	"	mov %ax, 6(%rdi)\n"
	"	shr $16, %rax\n"
	"	mov %eax, 8(%rdi)\n"
	"	movl $0, 12(%rdi)\n"
	"	lidt ret64_idtr(%rip)\n"
	"	xor %ecx, %ecx\n"
	"	ud2\n"
	"	ud2\n"
	"	mov %ecx, %eax\n"
	"	hlt\n"
	"ret64_handler:\n"
	"	inc %ecx\n"
	"	addq $2, (%rsp)\n"
	"	iretq\n"
	"ret64_idtr:\n"
	"	.word 7 * 16 - 1\n"
	"	.quad 0x3000\n"
	"ret64_end:\n"
	".code32\n"
	"ret32_start:\n"
	"	mov $ret32_handler - ret32_start + 0x1000, %eax\n" /* SNIPPET_ADDR */
	"	mov $0x3000 + 6 * 8, %edi\n"
	"	mov %ax, (%edi)\n"
	"	mov %cs, %dx\n"
	"	mov %dx, 2(%edi)\n"
	"	movw $0x8e00, 4(%edi)\n"
	"	shr $16, %eax\n"
	"	mov %ax, 6(%edi)\n"
	"	lidt ret32_idtr - ret32_start + 0x1000\n"
	"	xor %ecx, %ecx\n"
	"	ud2\n"
	"	ud2\n"
	"	mov %ecx, %eax\n"
	"	hlt\n"
	"ret32_handler:\n"
	"	inc %ecx\n"
	"	addl $2, (%esp)\n"
	"	iret\n"
	"ret32_idtr:\n"
	"	.word 7 * 8 - 1\n"
	"	.long 0x3000\n"
	"ret32_end:\n"
	".code64\n"
	".popsection\n");
SNIPPET_DECLARE(ret64);
SNIPPET_DECLARE(ret32);

static void run_two_exceptions(enum cpu_mode mode, struct snippet code)
{
	struct vm *vm = test_vm_create(4 << 20);
	test_vm_load(vm, mode, code);
	assert_int_equal(test_vm_run(vm, 30, NULL), STOP_HALT);
	assert_int_equal(test_vm_rax(vm), 2);
	vm_destroy(vm);
}

static void test_long_mode_iretq(void **state)
{
	(void)state;
	run_two_exceptions(MODE_LONG, SNIPPET(ret64));
}

static void test_protected_mode_iret(void **state)
{
	(void)state;
	if (!host_runs_int32())
		skip(); /* host_runs_int32() printed the reason */
	run_two_exceptions(MODE_PROTECTED, SNIPPET(ret32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_mode_iretq),
		cmocka_unit_test(test_protected_mode_iret),
	};
	return cmocka_run_group_tests_name("interrupt return (iretq, iret)", tests, NULL, NULL);
}
