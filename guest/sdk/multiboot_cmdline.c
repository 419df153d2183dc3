#include "multiboot.h"

#include "string.h"

const char *multiboot_last_word(uint32_t magic, uint32_t info_address, char *buf, size_t size)
{
	buf[0] = '\0';
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return buf;
	const struct multiboot_info *info = multiboot_pointer(info_address);
	if (!(info->flags & MULTIBOOT_INFO_CMDLINE))
		return buf;
	const char *s = multiboot_pointer(info->cmdline), *word = s;
	for (; *s; s++)
		if (*s == ' ' && s[1] && s[1] != ' ')
			word = s + 1;
	size_t n = 0;
	while (word[n] && word[n] != ' ' && n < size - 1)
		n++;
	memcpy(buf, word, n);
	buf[n] = '\0';
	return buf;
}
