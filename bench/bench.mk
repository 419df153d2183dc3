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

# The baseline of the start-up bench: a bare KVM program (not on libvmm).
BARE_KVM := $(BUILD)/bench/bare_kvm
$(BARE_KVM): bench/bare_kvm.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE $(CFLAGS) -o $@ $<

bench-bins: $(BENCH_BINS) $(BARE_KVM)

# The -O3 build: vmm, the guests (for the shell benches) and the bench binaries.
bench-build:
	$(MAKE) BUILD=$(BENCH_BUILD) OPT=-O3 all bench-bins

# Keep the guest loops' object (make would delete it as an intermediate).
.SECONDARY: $(BENCH_GUESTS)
