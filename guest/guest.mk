# Guest images: the guest SDK (guest/sdk) and the programs (guest/programs),
# built into $(BUILD)/guest/. The top-level Makefile includes this file; it
# also works alone: make -f guest/guest.mk [guests|guests-clean].
#
# A new guest is one file in guest/programs/ plus one line at the end:
#   $(eval $(call GUEST,NAME,MODES))      NAME.c with the SDK
#   $(eval $(call GUEST_ASM,NAME,MODES))  NAME16.S / NAME32.S / NAME64.S alone
# MODES (and outputs, in $(BUILD)/guest/):
#   real         NAME-real.bin         flat, 16-bit real mode, at 0
#   protected    NAME-protected.bin    flat, 32-bit protected mode, at 0
#   long         NAME-long.bin         flat, 64-bit long mode, at 0
#   multiboot    NAME-multiboot.elf    Multiboot v1 kernel at 1 MiB, 32-bit
#   multiboot64  NAME-multiboot64.elf  the same, switching to long mode itself
# GUEST_ASM accepts only the flat modes.

BUILD ?= build

# Keep the includer's default goal: ours is only the default when run alone.
guest_saved_default_goal := $(.DEFAULT_GOAL)
guest_run_alone := $(filter 1,$(words $(MAKEFILE_LIST)))

GUEST_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
GUEST_OUT := $(BUILD)/guest
GUEST_OBJ := $(GUEST_OUT)/obj

GUEST_CC ?= gcc
GUEST_LD ?= ld
GUEST_AR ?= ar
GUEST_OBJCOPY ?= objcopy

# -fno-tree-loop-distribute-patterns: else gcc may compile the loop in our
# memset into a call to memset. -ffunction-sections with --gc-sections keeps
# real-mode images small.
GUEST_CFLAGS := -std=c11 -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-ffunction-sections -fdata-sections \
	-I$(GUEST_SRC)/sdk -I$(GUEST_SRC)/../include -MMD -MP
# No SSE in 64-bit guests by default: this host's KVM runs guests through its
# instruction emulator, which stops with an emulation failure on SSE
# instructions gcc likes to emit (pxor to zero a struct), although the CPU
# state allows them. Override with GUEST_SIMD_CFLAGS= for hardware KVM.
GUEST_SIMD_CFLAGS ?= -mgeneral-regs-only
GUEST_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments --gc-sections --orphan-handling=error \
	-L $(GUEST_SRC)/sdk

# Per mode: compiler flags, ld emulation, entry object, linker script, output
# suffix, how the linked ELF becomes the output, and (flat modes) the suffix
# of a GUEST_ASM source.
GUEST_MODES := real protected long multiboot multiboot64

GUEST_real_CFLAGS := -m16 -march=i386 -Os -DGUEST_MODE_REAL
GUEST_real_EMULATION := elf_i386
GUEST_real_ENTRY := entry16
GUEST_real_SCRIPT := flat16.ld
GUEST_real_OUTPUT := -real.bin
GUEST_real_FINISH := -O binary
GUEST_real_BITS := 16

GUEST_protected_CFLAGS := -m32 -march=i686 -O2 -DGUEST_MODE_PROTECTED
GUEST_protected_EMULATION := elf_i386
GUEST_protected_ENTRY := entry32
GUEST_protected_SCRIPT := flat32.ld
GUEST_protected_OUTPUT := -protected.bin
GUEST_protected_FINISH := -O binary
GUEST_protected_BITS := 32

GUEST_long_CFLAGS := -m64 -mno-red-zone $(GUEST_SIMD_CFLAGS) -O2 \
	-DGUEST_MODE_LONG
GUEST_long_EMULATION := elf_x86_64
GUEST_long_ENTRY := entry64
GUEST_long_SCRIPT := flat64.ld
GUEST_long_OUTPUT := -long.bin
GUEST_long_FINISH := -O binary
GUEST_long_BITS := 64

GUEST_multiboot_CFLAGS := -m32 -march=i686 -O2 -DGUEST_MODE_MULTIBOOT
GUEST_multiboot_EMULATION := elf_i386
GUEST_multiboot_ENTRY := multiboot
GUEST_multiboot_SCRIPT := multiboot.ld
GUEST_multiboot_OUTPUT := -multiboot.elf
GUEST_multiboot_FINISH := --strip-debug

# Multiboot loaders take only ELF32: link as ELF64, then convert.
GUEST_multiboot64_CFLAGS := -m64 -mno-red-zone $(GUEST_SIMD_CFLAGS) -O2 \
	-DGUEST_MODE_MULTIBOOT64
GUEST_multiboot64_EMULATION := elf_x86_64
GUEST_multiboot64_ENTRY := multiboot64
GUEST_multiboot64_SCRIPT := multiboot64.ld
GUEST_multiboot64_OUTPUT := -multiboot64.elf
GUEST_multiboot64_FINISH := --strip-debug -O elf32-i386

GUEST_SDK_LIBRARY := string debugcon serial printf hypercall multiboot_cmdline ata ide_pv ide_queue vga vga_pv \
	idt isr64 isr32 pic pit kbd

.PHONY: guests guests-clean

# Compiling the SDK and programs, once per mode (1).
define GUEST_MODE_RULES
$(GUEST_OBJ)/$(1)/sdk/%.o: $(GUEST_SRC)/sdk/%.c
	@mkdir -p $$(@D)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_OBJ)/$(1)/sdk/%.o: $(GUEST_SRC)/sdk/%.S
	@mkdir -p $$(@D)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_OBJ)/$(1)/programs/%.o: $(GUEST_SRC)/programs/%.c
	@mkdir -p $$(@D)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_OBJ)/$(1)/programs/%.o: $(GUEST_SRC)/programs/%.S
	@mkdir -p $$(@D)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_OBJ)/$(1)/libsdk.a: $(GUEST_SDK_LIBRARY:%=$(GUEST_OBJ)/$(1)/sdk/%.o)
	@rm -f $$@
	$$(GUEST_AR) rcs $$@ $$^
endef
$(foreach mode,$(GUEST_MODES),$(eval $(call GUEST_MODE_RULES,$(mode))))

# Linking image $(1) in mode $(2) from objects $(3), and finishing it.
define GUEST_IMAGE_RULES
$(GUEST_OBJ)/$(2)/$(1).elf: $(3) $(GUEST_SRC)/sdk/$(GUEST_$(2)_SCRIPT) \
		$(GUEST_SRC)/sdk/sections.ld
	$$(GUEST_LD) $$(GUEST_LDFLAGS) -m $(GUEST_$(2)_EMULATION) \
		-T $(GUEST_SRC)/sdk/$(GUEST_$(2)_SCRIPT) -o $$@ $(3)

$(GUEST_OUT)/$(1)$(GUEST_$(2)_OUTPUT): $(GUEST_OBJ)/$(2)/$(1).elf
	$$(GUEST_OBJCOPY) $(GUEST_$(2)_FINISH) $$< $$@

guests: $(GUEST_OUT)/$(1)$(GUEST_$(2)_OUTPUT)
endef

guest_check_mode = $(if $(filter $(1),$(GUEST_MODES)),,\
	$(error guest.mk: unknown guest mode '$(1)'))

# GUEST(name, modes): programs/NAME.c, linked with the mode's entry and SDK.
GUEST = $(foreach mode,$(2),$(call guest_check_mode,$(mode))$(eval \
	$(call GUEST_IMAGE_RULES,$(1),$(mode),\
		$(GUEST_OBJ)/$(mode)/sdk/$(GUEST_$(mode)_ENTRY).o \
		$(GUEST_OBJ)/$(mode)/programs/$(1).o \
		$(GUEST_OBJ)/$(mode)/libsdk.a)))

# GUEST_ASM(name, modes): programs/NAME16.S etc., all on their own.
GUEST_ASM = $(foreach mode,$(2),$(if $(GUEST_$(mode)_BITS),,\
	$(error guest.mk: GUEST_ASM supports only real, protected, long))$(eval \
	$(call GUEST_IMAGE_RULES,$(1),$(mode),\
		$(GUEST_OBJ)/$(mode)/programs/$(1)$(GUEST_$(mode)_BITS).o)))

# Multiboot variants (issue 11): the objects of a mode (BASE) linked with
# another entry, so that they need no SDK build of their own.
#   multiboot2       NAME-multiboot2.elf       Multiboot2 kernel, ELF32
#   multiboot2_64    NAME-multiboot2_64.elf    Multiboot2, ELF64, switching to long mode itself
#   multiboot2_aout  NAME-multiboot2-aout.bin  Multiboot2 flat binary (address tag)
#   multiboot_aout   NAME-multiboot-aout.bin   Multiboot v1 flat binary (a.out kludge)
#   multiboot_both   NAME-multiboot-both.elf   both headers (QEMU boots it as v1)
GUEST_multiboot2_BASE := multiboot
GUEST_multiboot2_ENTRY := multiboot2
GUEST_multiboot2_OUTPUT := -multiboot2.elf
GUEST_multiboot2_FINISH := --strip-debug
GUEST_multiboot2_64_BASE := multiboot64
GUEST_multiboot2_64_ENTRY := multiboot2_64
GUEST_multiboot2_64_OUTPUT := -multiboot2_64.elf
GUEST_multiboot2_64_FINISH := --strip-debug
GUEST_multiboot2_aout_BASE := multiboot
GUEST_multiboot2_aout_ENTRY := multiboot2_aout
GUEST_multiboot2_aout_OUTPUT := -multiboot2-aout.bin
GUEST_multiboot2_aout_FINISH := -O binary
GUEST_multiboot_aout_BASE := multiboot
GUEST_multiboot_aout_ENTRY := multiboot_aout
GUEST_multiboot_aout_OUTPUT := -multiboot-aout.bin
GUEST_multiboot_aout_FINISH := -O binary
GUEST_multiboot_both_BASE := multiboot
GUEST_multiboot_both_ENTRY := multiboot_both
GUEST_multiboot_both_OUTPUT := -multiboot-both.elf
GUEST_multiboot_both_FINISH := --strip-debug

# Linking variant $(2) of program $(1) from its base mode's objects.
define GUEST_VARIANT_RULES
$(GUEST_OBJ)/$(2)/$(1).elf: $(GUEST_OBJ)/$(GUEST_$(2)_BASE)/sdk/$(GUEST_$(2)_ENTRY).o \
		$(GUEST_OBJ)/$(GUEST_$(2)_BASE)/programs/$(1).o $(GUEST_OBJ)/$(GUEST_$(2)_BASE)/libsdk.a \
		$(GUEST_SRC)/sdk/$(GUEST_$(GUEST_$(2)_BASE)_SCRIPT) $(GUEST_SRC)/sdk/sections.ld
	@mkdir -p $$(@D)
	$$(GUEST_LD) $$(GUEST_LDFLAGS) -m $(GUEST_$(GUEST_$(2)_BASE)_EMULATION) \
		-T $(GUEST_SRC)/sdk/$(GUEST_$(GUEST_$(2)_BASE)_SCRIPT) -o $$@ \
		$$(filter %.o %.a,$$^)

$(GUEST_OUT)/$(1)$(GUEST_$(2)_OUTPUT): $(GUEST_OBJ)/$(2)/$(1).elf
	$$(GUEST_OBJCOPY) $(GUEST_$(2)_FINISH) $$< $$@

guests: $(GUEST_OUT)/$(1)$(GUEST_$(2)_OUTPUT)
endef

# GUEST_VARIANT(name, variants): programs/NAME.c in the variants above.
GUEST_VARIANT = $(foreach v,$(2),$(if $(GUEST_$(v)_BASE),,\
	$(error guest.mk: unknown guest variant '$(v)'))$(eval \
	$(call GUEST_VARIANT_RULES,$(1),$(v))))

guests:

guests-clean:
	rm -rf $(GUEST_OUT)

# The guests.
$(eval $(call GUEST_ASM,hello,real protected long))
$(eval $(call GUEST,hello_mb,multiboot multiboot64))
$(eval $(call GUEST,printf_test,real protected long multiboot multiboot64))
$(eval $(call GUEST,hypercall_test,real protected long))
$(eval $(call GUEST,hypercall_demo,real protected long multiboot64))
# Disk tests: protected for vmm, multiboot for vmm and QEMU (-append picks
# the test); too big for real mode (128 KiB buffer).
$(eval $(call GUEST,test_disk_emul,protected multiboot))
$(eval $(call GUEST,test_disk_pv,protected multiboot))
$(eval $(call GUEST,bench_disk,multiboot))
# VGA tests (issue 4): protected for vmm, multiboot for vmm and QEMU.
$(eval $(call GUEST,test_vga_emul,protected multiboot))
$(eval $(call GUEST,test_vga_pv,protected multiboot))
$(eval $(call GUEST,vga_bench,protected))
# PCI configuration space as a kernel's probe sees it (issue 10).
$(eval $(call GUEST,pci_scan,multiboot))
# The timer guest (issue 10): long mode runs everywhere; the 32-bit one needs
# a host that runs a 32-bit iret, which int32_probe finds out.
$(eval $(call GUEST,timer_test,multiboot64 multiboot))
$(eval $(call GUEST,int32_probe,protected multiboot))
# The keyboard guest (issue 10): long mode for interrupts, vmm and QEMU.
$(eval $(call GUEST,kbd_test,multiboot64))
# The SDK's interrupt headers checked on their own (exceptions, PIC masks, PIT).
$(eval $(call GUEST,idt_test,multiboot64 multiboot))
# The RTC guest (issue 10): the CMOS clock and bytes, vmm and QEMU; IRQ 8
# in long mode.
$(eval $(call GUEST,rtc_test,multiboot multiboot64))
# The serial echo guest (issue 10): IRQ 4 in long mode, vmm and QEMU.
$(eval $(call GUEST,serial_echo,multiboot64))

# Multiboot v1 information, every field, for vmm and QEMU, and Multiboot2
# information for vmm (issue 11).
$(eval $(call GUEST,mbinfo,multiboot multiboot64))
$(eval $(call GUEST_VARIANT,mbinfo,multiboot_aout))
$(eval $(call GUEST_VARIANT,mb2_info,multiboot2 multiboot2_64 multiboot2_aout multiboot_both))

# The loader's hard cases (issue 11), each linked as such guests are in the
# wild, on their own (no SDK): a Multiboot kernel linked with plain
# `ld -Ttext=0x100000` (a read-only segment with the ELF headers at 0xff000;
# -z separate-code is Debian's default, named so the case stays covered), a
# boot sector that switches to protected mode on the stack it was started
# with, and a higher-half Multiboot kernel (virtual e_entry).
$(GUEST_OBJ)/loader/%.o: $(GUEST_SRC)/programs/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) -m32 -c $< -o $@
$(GUEST_OUT)/low_segment.elf: $(GUEST_OBJ)/loader/low_segment.o
	$(GUEST_LD) -m elf_i386 -z separate-code -Ttext=0x100000 -o $@ $<
$(GUEST_OUT)/realmode_switch.bin: $(GUEST_OBJ)/loader/realmode_switch.o
	$(GUEST_LD) -m elf_i386 -Ttext=0x7c00 -e _start -o $(@:.bin=.elf) $<
	$(GUEST_OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@
$(GUEST_OUT)/higher_half.elf: $(GUEST_OBJ)/loader/higher_half.o $(GUEST_SRC)/programs/higher_half.ld
	$(GUEST_LD) -m elf_i386 -z max-page-size=0x1000 --no-warn-rwx-segments \
		-T $(GUEST_SRC)/programs/higher_half.ld -o $@ $<
guests: $(GUEST_OUT)/low_segment.elf $(GUEST_OUT)/realmode_switch.bin $(GUEST_OUT)/higher_half.elf

-include $(shell find $(GUEST_OBJ) -name '*.d' 2>/dev/null)

# Last, so that no rule above becomes the includer's default goal.
.DEFAULT_GOAL := $(if $(guest_run_alone),guests,$(guest_saved_default_goal))
