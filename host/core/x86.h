/* Architectural bits of the control registers, EFER and page-table entries
 * (Intel SDM vol. 3, 2.5 and 4.x) that vmm sets up or walks. */
#ifndef VMM_X86_H
#define VMM_X86_H

#include <stdint.h>

#define CR0_PE (UINT64_C(1) << 0)
#define CR0_MP (UINT64_C(1) << 1)
#define CR0_ET (UINT64_C(1) << 4)
#define CR0_NE (UINT64_C(1) << 5)
#define CR0_WP (UINT64_C(1) << 16)
#define CR0_PG (UINT64_C(1) << 31)

#define CR4_PSE (UINT64_C(1) << 4)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_OSFXSR (UINT64_C(1) << 9)
#define CR4_OSXMMEXCPT (UINT64_C(1) << 10)
#define CR4_LA57 (UINT64_C(1) << 12)

#define EFER_LME (UINT64_C(1) << 8)
#define EFER_LMA (UINT64_C(1) << 10)

#define PTE_PRESENT (UINT64_C(1) << 0)
#define PTE_WRITE (UINT64_C(1) << 1)
#define PTE_LARGE (UINT64_C(1) << 7) /* PS: this entry maps a page, not a table */

#endif
