# Fuzzing (tests/fuzz/): libFuzzer harnesses, and their corpus replay in
# `make test`.
#   make fuzz                    every target for FUZZ_TIME seconds each (default 60)
#   make fuzz-paging FUZZ_TIME=600   one target
# Each target fuzzes from its seed corpus (tests/fuzz/corpus/<target>) into a
# working corpus in $(FUZZ_BUILD)/corpus/<target>; a failing input lands in
# $(FUZZ_BUILD)/crashes/<target>/. Save a fixed one under
# tests/fuzz/crashes/<target>/ and `make test` replays it from then on.

FUZZ_TARGETS := loader ata paging hypercall vga gdb_packet
FUZZ_TIME    ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -O1 -g -Wall -Wextra -Werror $(FUZZ_SAN) -DVMM_SANDBOX_DEFAULT_OFF
# Coverage for libFuzzer: edges and comparisons; for the VGA buffer and the
# renderer, whose loops over 16 Ki cells and 288 000 pixels would spend most
# of the time tracing comparisons that say nothing new, edges only.
FUZZ_COV     := -fsanitize=fuzzer-no-link
$(FUZZ_BUILD)/host/devices/vga.o $(FUZZ_BUILD)/host/display/vga_render.o: \
	FUZZ_COV := -fsanitize-coverage=inline-8bit-counters,pc-table
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIBVMM  := $(FUZZ_BUILD)/libvmm.a
FUZZ_COMMON  := tests/fuzz/fuzz_common.c
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay_%)

.PHONY: fuzz fuzz-bins $(FUZZ_TARGETS:%=fuzz-%)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -c $< -o $@

$(FUZZ_LIBVMM): $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# The harness itself is not instrumented for coverage (only the library is):
# its oracles loop over every byte, and their branches say nothing about vmm's.
$(FUZZ_BUILD)/harness/%.o: tests/fuzz/%.c tests/fuzz/fuzz_common.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -O2 -MMD -MP -c $< -o $@

.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/harness/fuzz_%.o) $(FUZZ_BUILD)/harness/fuzz_common.o

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/harness/fuzz_%.o $(FUZZ_BUILD)/harness/fuzz_common.o $(FUZZ_LIBVMM)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)

# libFuzzer stops at the first finding; -max_total_time is the budget.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/crashes/$*
	$< -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$*/ \
		$(FUZZ_BUILD)/corpus/$* tests/fuzz/corpus/$*

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

# The replay build: the same harnesses with the normal compiler and flags and
# a plain main (tests/fuzz/replay_main.c), no libFuzzer needed.
$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) tests/fuzz/replay_main.c \
		tests/fuzz/fuzz_common.h $(LIBVMM)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) -o $@ $< $(FUZZ_COMMON) tests/fuzz/replay_main.c \
		$(LIBVMM) $(LDLIBS)

test-bins: $(FUZZ_REPLAYS)
