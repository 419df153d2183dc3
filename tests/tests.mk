# The test suite. `make test` builds everything and runs tests/run.sh, which
# runs the cmocka binaries and the shell integration tests and prints one
# summary line.

TEST_LIBS    := -lcmocka -lpthread
UNIT_SRCS    := $(wildcard tests/unit/test_*.c)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
VMLIB_OBJS   := $(BUILD)/tests/lib/test_vm.o $(BUILD)/tests/integration/snippets.o \
		$(BUILD)/tests/integration/pic_snippets.o
INTEG_SRCS   := $(wildcard tests/integration/test_*.c)
INTEG_BINS   := $(INTEG_SRCS:tests/integration/%.c=$(BUILD)/tests/%)
TEST_BINS    := $(UNIT_BINS) $(INTEG_BINS)

$(BUILD)/tests/%.o: tests/%.S
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBVMM)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) -o $@ $< $(LIBVMM) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/tests/%: tests/integration/%.c $(VMLIB_OBJS) $(LIBVMM)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) -o $@ $< $(VMLIB_OBJS) $(LIBVMM) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/tests/lib/%.o: tests/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) -c $< -o $@

test-bins: $(TEST_BINS)

# Image comparison for tests/integration/vga.sh (PNG or QEMU's PPM).
VGA_IMGCMP := $(BUILD)/tests/tools/vga_imgcmp
$(VGA_IMGCMP): tests/tools/vga_imgcmp.c $(LIBVMM)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBVMM) $(LDLIBS)
test-bins: $(VGA_IMGCMP)

test: deps
	$(MAKE) all test-bins
	BUILD=$(BUILD) tests/run.sh

# Fuzz harnesses and their corpus replay (a part of test-bins).
-include tests/fuzz.mk

# make test-asan: the whole suite with AddressSanitizer and UBSan in every host
# binary (vmm, libvmm, the test programs), built in its own folder. Any report
# fails the test it happens in (-fno-sanitize-recover, halt_on_error).
# LeakSanitizer ignores only what SDL2, dbus and X11 keep (tests/lsan.supp).
# The seccomp sandbox is off by default in this build: LeakSanitizer's check
# at exit needs syscalls (ptrace, a thread of its own) the sandbox forbids.
# verify_asan_link_order=0: tests LD_PRELOAD small shims (failing I/O,
# forbidden calls) into the sanitized vmm; ASan would refuse to start.
ASAN_BUILD := $(BUILD)/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-DVMM_SANDBOX_DEFAULT_OFF
.PHONY: test-asan
test-asan: deps
	$(MAKE) BUILD=$(ASAN_BUILD) SANITIZE="$(ASAN_FLAGS)" all test-bins
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:verify_asan_link_order=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	BUILD=$(ASAN_BUILD) tests/run.sh

# For tests/integration/output.sh: an LD_PRELOAD shim that makes a disk
# image's I/O fail (not sanitized, whatever CFLAGS say: it is preloaded), and
# a real-mode guest that prints 128 KiB and then writes a sector.
FAILING_IO := $(BUILD)/tests/tools/failing_io.so
$(FAILING_IO): tests/tools/failing_io.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -U_FORTIFY_SOURCE -fPIC -shared -o $@ $< -ldl
OUTPUT_GUEST := $(BUILD)/tests/guests/output_guest.bin
$(OUTPUT_GUEST): tests/integration/output_guest.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -c $< -o $(@:.bin=.o)
	ld -m elf_i386 -Ttext=0 -e _start -o $(@:.bin=.elf) $(@:.bin=.o)
	objcopy -O binary -j .text $(@:.bin=.elf) $@
test-bins: $(FAILING_IO) $(OUTPUT_GUEST)

# For tests/integration/sandbox.sh: an LD_PRELOAD shim that makes a call the
# sandbox forbids after each disk write.
FORBIDDEN_CALL := $(BUILD)/tests/tools/forbidden_call.so
$(FORBIDDEN_CALL): tests/tools/forbidden_call.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
test-bins: $(FORBIDDEN_CALL)
