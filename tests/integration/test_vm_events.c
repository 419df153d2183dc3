/*
 * The run loop's interrupt machinery, without any PC device: a stand-in
 * interrupt controller (one line, vector 0x30) shows that vmm injects what
 * a controller hands it, that `hlt` with IF=1 waits for it, that device
 * timers fire while the guest spins without exits (the POSIX timer kicks
 * KVM_RUN) and while it idles in hlt, that another thread's vm_post_event()
 * wakes an idle guest, and that `hlt` with IF=0 ends the run.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_vm.h"

#define TEST_VECTOR 0x30
#define COUNT_ADDR  0x500 /* the guest's interrupt count */

/*
 * Long mode, at SNIPPET_ADDR: an IDT at 0x3000 whose gate 0x30 counts into
 * COUNT_ADDR, then `sti; hlt` (idle) or `sti` and a spin without exits
 * (busy) until five interrupts came, then `cli; hlt`. The last snippet
 * waits with interrupts enabled for an interrupt that never comes.
 */
#define IDT_SETUP(name)                                                         \
	"	lea " #name "_handler(%rip), %rax\n"                            \
	"	mov $0x3000 + 0x30 * 16, %rdi\n"                                \
	"	mov %ax, (%rdi)\n"                                              \
	"	movw $0x18, 2(%rdi)\n"                                          \
	"	movw $0x8e00, 4(%rdi)\n"                                        \
	"	shr $16, %rax\n"                                                \
	"	mov %ax, 6(%rdi)\n"                                             \
	"	shr $16, %rax\n"                                                \
	"	mov %eax, 8(%rdi)\n"                                            \
	"	movl $0, 12(%rdi)\n"                                            \
	"	lidt " #name "_idtr(%rip)\n"

#define IDT_DATA(name)                                                          \
	#name "_handler:\n"                                                     \
	"	incl 0x500\n"                                                   \
	"	iretq\n"                                                        \
	#name "_idtr:\n"                                                        \
	"	.word 256 * 16 - 1\n"                                           \
	"	.quad 0x3000\n"

__asm__(".pushsection .rodata.vm_events, \"a\"\n"
	".code64\n"
	"idle_start:\n"
	IDT_SETUP(idle)
	"1:	sti\n"
	"	hlt\n"
	"	cmpl $5, 0x500\n"
	"	jb 1b\n"
	"	cli\n"
	"	hlt\n"
	IDT_DATA(idle)
	"idle_end:\n"
	"busy_start:\n"
	IDT_SETUP(busy)
	"	sti\n"
	"1:	cmpl $5, 0x500\n"
	"	jb 1b\n"
	"	cli\n"
	"	hlt\n"
	IDT_DATA(busy)
	"busy_end:\n"
	"forever_start:\n"
	"	sti\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	"forever_end:\n"
	".popsection\n");
extern const uint8_t idle_start[], idle_end[], busy_start[], busy_end[];
extern const uint8_t forever_start[], forever_end[];

/* A controller with one edge-triggered request, always for TEST_VECTOR. */
struct stand_in_controller {
	bool level, requested;
	int acknowledged;
};

static void ctl_set_irq(void *opaque, unsigned irq, bool level)
{
	struct stand_in_controller *c = opaque;
	(void)irq;
	if (level && !c->level)
		c->requested = true;
	c->level = level;
}

static int ctl_pending_vector(void *opaque)
{
	struct stand_in_controller *c = opaque;
	return c->requested ? TEST_VECTOR : -1;
}

static int ctl_acknowledge(void *opaque)
{
	struct stand_in_controller *c = opaque;
	if (!c->requested)
		return -1;
	c->requested = false;
	c->acknowledged++;
	return TEST_VECTOR;
}

static const struct irqchip_ops ctl_ops = { ctl_set_irq, ctl_pending_vector, ctl_acknowledge, NULL };

/* A device that raises line 3 every 2 ms of guest time, up to `left` times. */
struct ticker {
	struct vm_timer timer;
	int left;
};

static void tick(struct vm *vm, void *opaque)
{
	struct ticker *t = opaque;
	vm_pulse_irq(vm, 3);
	if (--t->left > 0)
		vm_timer_arm(vm, &t->timer, vm_clock_ns(vm) + 2000000);
}

static struct vm *vm_with_controller(enum irqchip_kind kind, struct stand_in_controller *ctl,
				     struct snippet code)
{
	char err[256];
	struct vm_config cfg = { .mem_size = 4 << 20, .irqchip = kind };
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	assert_non_null(vm);
	if (ctl)
		assert_int_equal(vm_set_irqchip(vm, &ctl_ops, ctl), 0);
	test_vm_load(vm, MODE_LONG, code);
	return vm;
}

static void runs_five_interrupts(struct snippet code)
{
	struct stand_in_controller ctl = { 0 };
	struct vm *vm = vm_with_controller(IRQCHIP_USER, &ctl, code);
	struct ticker t = { .left = 5 };
	vm_timer_init(&t.timer, tick, &t);
	vm_timer_arm(vm, &t.timer, vm_clock_ns(vm) + 2000000);
	assert_int_equal(test_vm_run(vm, 20, NULL), STOP_HALT);
	assert_int_equal(test_vm_read32(vm, COUNT_ADDR), 5);
	assert_int_equal(ctl.acknowledged, 5);
	assert_int_equal(vm->stats.injected[TEST_VECTOR], 5);
	assert_int_equal(vm->stats.irq_raised[3], 5);
	vm_destroy(vm);
}

/* The guest idles in hlt between ticks: each tick must wake it. */
static void test_timer_interrupts_wake_hlt(void **state)
{
	(void)state;
	runs_five_interrupts((struct snippet){ idle_start, idle_end });
}

/* The guest spins without a single exit: only the POSIX timer's kick can
 * get the ticks in. */
static void test_timer_interrupts_reach_a_spinning_guest(void **state)
{
	(void)state;
	runs_five_interrupts((struct snippet){ busy_start, busy_end });
}

/* Another thread (as the display's key presses do) posts events; the hook
 * runs on the vCPU thread and raises the line. */
struct poster {
	struct vm *vm;
	int posts;
};

static void raise_on_event(struct vm *vm, void *opaque)
{
	(void)opaque;
	vm_pulse_irq(vm, 1);
}

static void *post_events(void *arg)
{
	struct poster *p = arg;
	for (int i = 0; i < p->posts; i++) {
		nanosleep(&(struct timespec){ 0, 20000000 }, NULL); /* let it go idle */
		vm_post_event(p->vm);
	}
	return NULL;
}

static void test_posted_events_wake_hlt(void **state)
{
	(void)state;
	struct stand_in_controller ctl = { 0 };
	struct vm *vm = vm_with_controller(IRQCHIP_USER, &ctl, (struct snippet){ idle_start, idle_end });
	assert_int_equal(vm_add_event_hook(vm, raise_on_event, NULL), 0);
	struct poster p = { vm, 5 };
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, post_events, &p), 0);
	assert_int_equal(test_vm_run(vm, 20, NULL), STOP_HALT);
	pthread_join(thread, NULL);
	assert_int_equal(test_vm_read32(vm, COUNT_ADDR), 5);
	assert_true(vm->stats.halts >= 5);
	vm_destroy(vm);
}

/* Nothing will ever interrupt it: as on hardware, the guest waits (until
 * the run's timeout), it does not end. */
static void waits_until_the_timeout(enum irqchip_kind kind)
{
	struct stand_in_controller ctl = { 0 };
	struct vm *vm = vm_with_controller(kind, kind == IRQCHIP_USER ? &ctl : NULL,
					   (struct snippet){ forever_start, forever_end });
	assert_int_equal(test_vm_run(vm, 0.3, NULL), STOP_TIMEOUT);
	vm_destroy(vm);
}

static void test_sti_hlt_waits(void **state)
{
	(void)state;
	waits_until_the_timeout(IRQCHIP_USER);
}

static void test_sti_hlt_waits_with_kernel_irqchip(void **state)
{
	(void)state;
	waits_until_the_timeout(IRQCHIP_KERNEL);
}

/* `cli; hlt` can never wake: the run ends, with KVM's irqchip too (there
 * the vCPU sleeps in the kernel and vmm finds it halted with IF=0). */
static void test_cli_hlt_ends_with_kernel_irqchip(void **state)
{
	(void)state;
	static const uint8_t cli_hlt[] = { 0xfa, 0xf4 };
	struct vm *vm = vm_with_controller(IRQCHIP_KERNEL, NULL,
					   (struct snippet){ cli_hlt, cli_hlt + sizeof(cli_hlt) });
	assert_int_equal(test_vm_run(vm, 20, NULL), STOP_HALT);
	vm_destroy(vm);
}

/* The guest clock stands still while paused (a debugger holds the guest). */
static void test_clock_pauses(void **state)
{
	(void)state;
	struct stand_in_controller ctl = { 0 };
	struct vm *vm = vm_with_controller(IRQCHIP_USER, &ctl, (struct snippet){ idle_start, idle_end });
	vm_clock_pause(vm);
	uint64_t t0 = vm_clock_ns(vm);
	nanosleep(&(struct timespec){ 0, 30000000 }, NULL);
	assert_int_equal(vm_clock_ns(vm), t0);
	vm_clock_resume(vm);
	uint64_t t1 = vm_clock_ns(vm);
	assert_true(t1 >= t0 && t1 - t0 < 20000000); /* the 30 ms paused are not counted */
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_interrupts_wake_hlt),
		cmocka_unit_test(test_timer_interrupts_reach_a_spinning_guest),
		cmocka_unit_test(test_posted_events_wake_hlt),
		cmocka_unit_test(test_sti_hlt_waits),
		cmocka_unit_test(test_sti_hlt_waits_with_kernel_irqchip),
		cmocka_unit_test(test_cli_hlt_ends_with_kernel_irqchip),
		cmocka_unit_test(test_clock_pauses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
