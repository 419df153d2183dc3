/*
 * gdb's register layouts for x86 and the target description XML that tells
 * gdb which one the stub sends (so gdb never has to guess from the ELF file).
 *
 * Two layouts, those of gdb's own features/i386/{32bit,64bit}-*.xml:
 *   i386    eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs,
 *           st0-7, the x87 control registers, xmm0-7, mxcsr
 *   x86-64  rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip eflags cs ss ds es fs
 *           gs, st0-7, x87 control, xmm0-15, mxcsr, fs_base, gs_base
 * The layout is chosen once per run (gdb caches it): a guest in another mode
 * is shown through it, narrowed (the low 32 bits of a 64-bit register in the
 * i386 layout) or widened (zero upper halves in the x86-64 layout).
 */
#ifndef VMM_GDB_REGS_H
#define VMM_GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

struct vm;

enum gdb_arch { GDB_ARCH_I386, GDB_ARCH_X86_64 };

/* The largest 'g' reply in bytes (x86-64). */
#define GDB_REGS_MAX_BYTES 560

/* "i386" or "x86-64" (as -gdb-arch spells them); parse returns -1 if neither. */
const char *gdb_arch_name(enum gdb_arch arch);
int gdb_arch_parse(const char *s, enum gdb_arch *arch);
/* The layout that fits the vCPU's mode now: x86-64 in long mode (EFER.LMA),
 * else i386 (real mode included: gdb has no separate 16-bit layout). */
enum gdb_arch gdb_arch_of_vcpu(struct vm *vm);

const char *gdb_target_xml(enum gdb_arch arch);
int gdb_reg_count(enum gdb_arch arch);
/* The size of a 'g' reply (and of the 'G' payload) in bytes. */
size_t gdb_regs_size(enum gdb_arch arch);

/* All registers in layout order into buf (at least GDB_REGS_MAX_BYTES):
 * returns the byte count, or -1 if KVM refused to give them. */
int gdb_regs_read(struct vm *vm, enum gdb_arch arch, uint8_t *buf);
/* Writes what 'G' sent (len bytes, at most the layout's size). Segment
 * selectors and the bases are read-only here (their hidden parts cannot be
 * rebuilt from a selector): writes to them are ignored. 0 or -1. */
int gdb_regs_write(struct vm *vm, enum gdb_arch arch, const uint8_t *buf, size_t len);
/* One register ('p'/'P'): read returns its size, or -1 for an unknown number. */
int gdb_reg_read(struct vm *vm, enum gdb_arch arch, int regno, uint8_t *buf);
int gdb_reg_write(struct vm *vm, enum gdb_arch arch, int regno, const uint8_t *buf, size_t len);

#endif
