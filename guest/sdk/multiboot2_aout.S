/* The 32-bit Multiboot2 entry with the address and entry address tags: the
 * kernel becomes a flat binary that a loader places from its header alone. */
#define MB2_ADDRESS_TAG
#include "multiboot2.S"
