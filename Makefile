# vmm: plain `make` builds the host binary and every guest.
#   make run    build everything and run the demo guest
#   make test   the whole test suite (unit + integration + QEMU comparison)
#   make bench  benchmarks
#   make deps   install the Debian packages the project needs
#   make install / uninstall   PREFIX (default /usr/local), DESTDIR: scripts/install.mk

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2
CFLAGS   := -std=c11 $(OPT) -g -Wall -Wextra -Werror -MMD -MP
# make test-asan (tests/tests.mk) sets SANITIZE for every host compile and link;
# guests are built with their own flags (guest/guest.mk), never sanitized.
CFLAGS   += $(SANITIZE)
CPPFLAGS := -D_GNU_SOURCE -Iinclude -Ihost/core -Ihost/loaders -Ihost/devices -Ihost/display -Ihost/cli -Ihost/gdb
LDLIBS   := -lpng -lpthread -lseccomp
# SDL2 for the -display sdl window: only the module vmm-display-sdl.so links it
# (host/display/display_sdl.c), which vmm loads when a window is wanted
# (host/display/display_module.h); vmm and libvmm.a do not.
SDL_CFLAGS := $(shell sdl2-config --cflags 2>/dev/null || pkg-config --cflags sdl2)
SDL_LIBS   := $(shell sdl2-config --libs 2>/dev/null || pkg-config --libs sdl2)
SDL_MODULE := $(BUILD)/vmm-display-sdl.so

# The core library: everything on the host side but the CLI and the SDL module.
LIB_SRCS  := $(filter-out host/display/display_sdl.c, \
	$(wildcard host/core/*.c host/loaders/*.c host/devices/*.c host/display/*.c host/gdb/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_SRCS  := $(wildcard host/cli/*.c)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
LIBVMM    := $(BUILD)/libvmm.a
VMM       := $(BUILD)/vmm

.PHONY: all run test test-bins bench deps clean
all: $(VMM) $(SDL_MODULE) guests

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBVMM): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(VMM): $(CLI_OBJS) $(LIBVMM)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Next to vmm, where it looks first. (No -z defs: with clang's sanitizers a
# module leaves the runtime's symbols to the executable.)
$(BUILD)/host/display/display_sdl.pic.o: host/display/display_sdl.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SDL_CFLAGS) $(CFLAGS) -fPIC -c $< -o $@
$(SDL_MODULE): $(BUILD)/host/display/display_sdl.pic.o
	$(CC) $(CFLAGS) -shared -o $@ $^ $(SDL_LIBS)

-include guest/guest.mk
-include tests/integration/gdb/gdb.mk
-include tests/tests.mk
-include tests/disk.mk
-include bench/bench.mk
-include scripts/install.mk

bench: deps bench-build
	BUILD=$(BENCH_BUILD) bench/run.sh

# run, test and bench install missing Debian packages first (a no-op when all are
# there), so that both work on a fresh machine.
run: deps
	$(MAKE) all
	$(VMM) -mode long -guest $(BUILD)/guest/hypercall_demo-long.bin

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
