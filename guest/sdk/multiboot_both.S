/* A 32-bit kernel with both a Multiboot2 and a Multiboot v1 header: QEMU
 * (and vmm by default) boot it as Multiboot v1, vmm -multiboot2 as
 * Multiboot2. main() learns which from the magic in EAX. */
#include "multiboot2_header.S"
#include "multiboot.S"
