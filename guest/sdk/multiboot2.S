/*
 * Entry of a 32-bit Multiboot2 kernel: the loader enters _start in flat
 * 32-bit protected mode, paging off, with EAX = 0x36D76289 and EBX = the
 * physical address of the boot information. The code is multiboot.S's;
 * only the header differs.
 *
 * main(magic, info)'s return value v ends the guest through guest_exit()
 * (debug_exit.h): vmm exits with status v, QEMU with (v << 1) | 1.
 */
#define MULTIBOOT2
#include "multiboot.S"
