# The gdb stub's test guest (tests/integration/gdb.sh) in every mode, with
# debug information and no optimization, so that gdb steps its C lines and
# sees its locals. gdb reads the symbols from $(GUEST_OBJ)/MODE/gdb_target.elf
# (the .bin files are raw, and the Multiboot ones stripped). The SDK's
# linker scripts place no .debug_* sections: the linker keeps them as the
# orphans they are (not loaded) instead of refusing them.
GDB_GUEST_MODES := real protected long multiboot multiboot64
$(foreach m,$(GDB_GUEST_MODES),$(eval \
	$(GUEST_OBJ)/$(m)/programs/gdb_target.o: GUEST_$(m)_CFLAGS += -g -O0)$(eval \
	$(GUEST_OBJ)/$(m)/gdb_target.elf: GUEST_LDFLAGS := \
		$(filter-out --orphan-handling=error,$(GUEST_LDFLAGS)) --orphan-handling=place))
$(eval $(call GUEST,gdb_target,$(GDB_GUEST_MODES)))
