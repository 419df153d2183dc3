/* The PC platform (pc_platform.h): one call that registers each device. */
#include "pc_platform.h"

#include <stdio.h>

#include "cmos_rtc.h"
#include "i8042.h"
#include "i8254.h"
#include "i8259.h"
#include "pci_host.h"
#include "system_control.h"
#include "uart16550.h"
#include "vm.h"

int pc_platform_register(struct vm *vm, const struct platform_config *cfg, char *err,
			 size_t errlen)
{
	/* KVM emulates the 8259 pair and the 8254 itself with -irqchip kernel. */
	if (vm_irqchip_kind(vm) == IRQCHIP_USER &&
	    (i8259_register(vm) < 0 || i8254_register(vm) < 0)) {
		snprintf(err, errlen, "cannot register the 8259 interrupt controllers or the 8254 timer");
		return -1;
	}
	/* PCI configuration ports with the host bridge and the 0xCF9 reset
	 * register; port 0x92 (fast A20, reset). */
	if (pci_host_register(vm) < 0 || port92_register(vm) < 0) {
		snprintf(err, errlen, "cannot register the PCI host bridge or port 0x92");
		return -1;
	}
	/* The PS/2 keyboard controller (ports 0x60/0x64, IRQ1): the VM's keyboard. */
	if (i8042_register(vm, err, errlen) < 0)
		return -1;
	/* COM1 and where its bytes go (-serial; -2 for a bad spec or path). */
	int rc = com1_register(vm, cfg->serial, err, errlen);
	if (rc < 0)
		return rc;
	/* The CMOS clock (-rtc base=...; -2 for a bad value). */
	return cmos_rtc_register(vm, cfg->rtc_base, err, errlen);
}
