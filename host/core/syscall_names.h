/* x86-64 system call names by number, for messages that must not allocate
 * (the sandbox's SIGSYS handler). The table is generated from the C
 * library's headers by scripts/gen-syscall-names.sh. */
#ifndef VMM_SYSCALL_NAMES_H
#define VMM_SYSCALL_NAMES_H

/* The name of system call nr ("execve"), or NULL if the table has none. */
const char *syscall_name(long nr);

#endif
