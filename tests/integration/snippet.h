/*
 * Framing of the guest snippets the VM-library tests run (snippets.S,
 * pic_snippets.S): each lies between NAME_start and NAME_end, in a
 * read-only section of its own, and test_vm_load() copies it to
 * SNIPPET_ADDR (tests/lib/test_vm.h) before it runs.
 */
#define SNIPPET_ADDR 0x1000

.macro begin name
	.section .rodata.\name, "a"
	.globl \name\()_start, \name\()_end
\name\()_start:
.endm
.macro end name
\name\()_end:
.endm
