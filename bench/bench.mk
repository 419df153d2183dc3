# Benchmarks. The top-level Makefile includes this file; `make bench` builds
# everything again with OPT=-O3 into $(BENCH_BUILD) (inside $(BUILD), so
# `make clean` removes it and git ignores it) and runs bench/run.sh there.
#
# A bench is either a shell script bench/NAME_bench.sh (it gets BUILD, the
# -O3 build directory with vmm and the guests) or a C program
# bench/NAME_bench.c, linked with the core library, libvmm.a, and with
# bench/guests.S (guest loops), built into $(BUILD)/bench/NAME_bench.

BENCH_BUILD := $(BUILD)/O3
BENCH_SRCS  := $(wildcard bench/*_bench.c)
BENCH_BINS  := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
BENCH_GUESTS := $(BUILD)/bench/guests.o

.PHONY: bench-build bench-bins

$(BUILD)/bench/%.o: bench/%.S
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(BUILD)/bench/%: bench/%.c $(BENCH_GUESTS) $(LIBVMM)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BENCH_GUESTS) $(LIBVMM) $(LDLIBS)

# Helpers of the start-up and density benches, not on libvmm: the baseline
# bare KVM program, the density driver, and the smallest Multiboot kernels
# (tiny_mb.S: -exit stops at once, -idle says "up" and spins).
BENCH_HELPERS := $(BUILD)/bench/bare_kvm $(BUILD)/bench/density
BENCH_KERNELS := $(BUILD)/bench/tiny_mb-exit.elf $(BUILD)/bench/tiny_mb-idle.elf
$(BENCH_HELPERS): $(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE $(CFLAGS) -o $@ $<
$(BUILD)/bench/tiny_mb-%.elf: bench/tiny_mb.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) -m32 $(if $(filter idle,$*),-DIDLE) -c $< -o $(@:.elf=.o)
	$(GUEST_LD) -m elf_i386 -n -z noexecstack -Ttext=0x100000 -e _start -o $@ $(@:.elf=.o)

bench-bins: $(BENCH_BINS) $(BENCH_HELPERS) $(BENCH_KERNELS)

# The -O3 build: vmm, the guests (for the shell benches) and the bench binaries.
bench-build:
	$(MAKE) BUILD=$(BENCH_BUILD) OPT=-O3 all bench-bins

# Keep the guest loops' object (make would delete it as an intermediate).
.SECONDARY: $(BENCH_GUESTS)

# The guest of irq_bench.sh: a long-mode Multiboot kernel with the guest SDK
# (PIC, PIT at 100 Hz, `sti; hlt`), linked as guest.mk links its programs.
IRQ_GUEST := $(GUEST_OUT)/irq_guest-multiboot64.elf
$(GUEST_OBJ)/multiboot64/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_multiboot64_CFLAGS) -c $< -o $@
$(eval $(call GUEST_IMAGE_RULES,irq_guest,multiboot64,\
	$(GUEST_OBJ)/multiboot64/sdk/multiboot64.o $(GUEST_OBJ)/multiboot64/bench/irq_guest.o \
	$(GUEST_OBJ)/multiboot64/libsdk.a))
bench-bins: $(IRQ_GUEST)
