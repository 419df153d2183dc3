/*
 * Entry of a 64-bit Multiboot2 kernel: the loader enters _start in flat
 * 32-bit protected mode with paging off, EAX = 0x36D76289, EBX = the boot
 * information. The code is multiboot64.S's (it switches to long mode
 * itself); only the header differs. The file stays an ELF64: Multiboot2
 * loaders take it (GRUB does), unlike Multiboot v1 loaders.
 *
 * main(magic, info)'s return value v ends the guest through guest_exit()
 * (debug_exit.h): vmm exits with status v, QEMU with (v << 1) | 1.
 */
#define MULTIBOOT2
#include "multiboot64.S"
