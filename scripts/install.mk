# make install / make uninstall (included by the Makefile).
#   make install [PREFIX=/usr/local] [DESTDIR=]
# installs, under $(DESTDIR)$(PREFIX):
#   bin/vmm                              the command
#   lib/vmm/vmm-display-sdl.so           the window module (vmm looks in ../lib/vmm)
#   share/man/man1/vmm.1                 the man page
#   share/doc/vmm/                       README.md and docs/, laid out as here so that links work
#   include/vmm-sdk/                     the guest SDK's headers, vmm/abi.h
#   lib/vmm-sdk/MODE/                    per CPU mode: entry.o, libvmm-sdk.a, the linker script
#   lib/vmm-sdk/sections.ld              the layout the linker scripts include
#   lib/pkgconfig/vmm-sdk.pc, vmm-sdk-MODE.pc
# The .pc files find the prefix from their own place (${pcfiledir}), so a
# tree installed with DESTDIR works where it lies.

PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
VMM_VERSION := $(shell sed -n 's/^\#define VMM_VERSION "\(.*\)"/\1/p' host/cli/options.c)

inst_bin  := $(DESTDIR)$(PREFIX)/bin
inst_mod  := $(DESTDIR)$(PREFIX)/lib/vmm
inst_man  := $(DESTDIR)$(PREFIX)/share/man/man1
inst_doc  := $(DESTDIR)$(PREFIX)/share/doc/vmm
inst_inc  := $(DESTDIR)$(PREFIX)/include/vmm-sdk
inst_sdk  := $(DESTDIR)$(PREFIX)/lib/vmm-sdk
inst_pc   := $(DESTDIR)$(PREFIX)/lib/pkgconfig

# The flags every SDK object is built with, less the project's own warnings,
# dependency files and source paths: what an out-of-tree guest needs.
sdk_common_cflags := $(filter-out -std=% -W% -MMD -MP -I%,$(GUEST_CFLAGS))
sdk_what_real        := flat binary at 0, 16-bit real mode: vmm -guest F.bin
sdk_what_protected   := flat binary at 0, 32-bit protected mode: vmm -mode protected
sdk_what_long        := flat binary at 0, 64-bit long mode: vmm -mode long
sdk_what_multiboot   := Multiboot v1 ELF32 kernel at 1 MiB, also for QEMU -kernel
sdk_what_multiboot64 := Multiboot v1 kernel at 1 MiB that switches to long mode
sdk_args_real        := -mode real
sdk_args_protected   := -mode protected
sdk_args_long        := -mode long

.PHONY: install uninstall
install: $(VMM) $(SDL_MODULE) docs/vmm.1 \
		$(foreach m,$(GUEST_MODES),$(GUEST_OBJ)/$(m)/libsdk.a $(GUEST_OBJ)/$(m)/sdk/$(GUEST_$(m)_ENTRY).o)
	$(INSTALL) -d $(inst_bin) $(inst_mod) $(inst_man) $(inst_doc)/docs/img $(inst_inc)/vmm $(inst_pc)
	$(INSTALL) -m 755 $(VMM) $(inst_bin)/vmm
	$(INSTALL) -m 755 $(SDL_MODULE) $(inst_mod)/vmm-display-sdl.so
	$(INSTALL) -m 644 docs/vmm.1 $(inst_man)/vmm.1
	$(INSTALL) -m 644 README.md $(inst_doc)/
	$(INSTALL) -m 644 docs/*.md $(inst_doc)/docs/
	$(INSTALL) -m 644 docs/img/*.png $(inst_doc)/docs/img/
	$(INSTALL) -m 644 $(GUEST_SRC)/sdk/*.h $(inst_inc)/
	$(INSTALL) -m 644 include/vmm/abi.h $(inst_inc)/vmm/abi.h
	$(INSTALL) -m 644 -D $(GUEST_SRC)/sdk/sections.ld $(inst_sdk)/sections.ld
	$(foreach m,$(GUEST_MODES),\
	$(INSTALL) -d $(inst_sdk)/$(m) && \
	$(INSTALL) -m 644 $(GUEST_OBJ)/$(m)/sdk/$(GUEST_$(m)_ENTRY).o $(inst_sdk)/$(m)/entry.o && \
	$(INSTALL) -m 644 $(GUEST_OBJ)/$(m)/libsdk.a $(inst_sdk)/$(m)/libvmm-sdk.a && \
	$(INSTALL) -m 644 $(GUEST_SRC)/sdk/$(GUEST_$(m)_SCRIPT) $(inst_sdk)/$(m)/ && \
	sed -e 's|@MODE@|$(m)|g' -e 's|@VERSION@|$(VMM_VERSION)|' \
	    -e 's|@MODE_CFLAGS@|$(filter-out -O%,$(GUEST_$(m)_CFLAGS))|' \
	    -e 's|@MODE_LDFLAGS@|$(filter-out -O% -D%,$(GUEST_$(m)_CFLAGS))|' \
	    -e 's|@SCRIPT@|$(GUEST_$(m)_SCRIPT)|' -e 's|@OBJCOPY@|$(GUEST_$(m)_FINISH)|' \
	    -e 's|@VMM_ARGS@|$(sdk_args_$(m))|' -e 's|@WHAT@|$(sdk_what_$(m))|' \
	    $(GUEST_SRC)/sdk/vmm-sdk-mode.pc.in >$(inst_pc)/vmm-sdk-$(m).pc && \
	chmod 644 $(inst_pc)/vmm-sdk-$(m).pc && ) true
	sed -e 's|@VERSION@|$(VMM_VERSION)|' -e 's|@COMMON_CFLAGS@|$(sdk_common_cflags)|' \
	    $(GUEST_SRC)/sdk/vmm-sdk.pc.in >$(inst_pc)/vmm-sdk.pc
	chmod 644 $(inst_pc)/vmm-sdk.pc

# Removes what install put there, and the folders that are vmm's alone.
uninstall:
	rm -f $(inst_bin)/vmm $(inst_man)/vmm.1 $(inst_pc)/vmm-sdk.pc \
		$(GUEST_MODES:%=$(inst_pc)/vmm-sdk-%.pc)
	rm -rf $(inst_mod) $(inst_doc) $(inst_inc) $(inst_sdk)
