/* Polling ATA PIO driver; see ata.h. */
#include "ata.h"

#include "io.h"

/* Polls this many times before giving up: far more than any emulated or
 * real drive needs, but a missing device never hangs the guest. */
#define POLL_LIMIT 1000000
#define WORDS_PER_SECTOR 256

static inline void insl(uint16_t port, void *buffer, size_t count)
{
	__asm__ volatile("rep insl" : "+D"(buffer), "+c"(count) : "d"(port) : "memory");
}

static inline void outsl(uint16_t port, const void *buffer, size_t count)
{
	__asm__ volatile("rep outsl" : "+S"(buffer), "+c"(count) : "d"(port) : "memory");
}

static int error_of(int status)
{
	if (status & ATA_STATUS_ERR) {
		int error = inb(ATA_PORT_ERROR);
		return error ? -error : -ATA_ERR_ABRT;
	}
	return 0;
}

int ata_wait_idle(void)
{
	for (long i = 0; i < POLL_LIMIT; i++) {
		int status = inb(ATA_PORT_STATUS);
		/* 0: nothing on the channel; 0xFF: a floating bus. */
		if (status == 0 || status == 0xFF)
			return ATA_ENODEV;
		if (!(status & ATA_STATUS_BSY))
			return status;
	}
	return ATA_ETIMEDOUT;
}

/* Waits until the drive wants data (DRQ) or reports an error. */
static int wait_drq(void)
{
	for (long i = 0; i < POLL_LIMIT; i++) {
		int status = ata_wait_idle();
		if (status < 0)
			return status;
		if (status & ATA_STATUS_ERR)
			return error_of(status);
		if (status & ATA_STATUS_DRQ)
			return 0;
	}
	return ATA_ETIMEDOUT;
}

void ata_command(uint8_t command, uint32_t lba, uint8_t count)
{
	/* Master, LBA mode, bits 27:24 of the LBA in the device register. */
	outb(ATA_PORT_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	outb(ATA_PORT_COUNT, count);
	outb(ATA_PORT_LBA0, (uint8_t)lba);
	outb(ATA_PORT_LBA1, (uint8_t)(lba >> 8));
	outb(ATA_PORT_LBA2, (uint8_t)(lba >> 16));
	outb(ATA_PORT_STATUS, command);
}

/* Selecting the master first, then waiting: a fresh task file for every
 * command, as a driver must not assume who selected what before. */
static int start(uint8_t command, uint32_t lba, uint8_t count)
{
	outb(ATA_PORT_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	int status = ata_wait_idle();
	if (status < 0)
		return status;
	ata_command(command, lba, count);
	return 0;
}

static void read_sector(uint16_t *words, enum ata_pio how)
{
	switch (how) {
	case ATA_PIO_LOOP16:
		for (int i = 0; i < WORDS_PER_SECTOR; i++)
			words[i] = inw(ATA_PORT_DATA);
		break;
	case ATA_PIO_STRING16:
		insw(ATA_PORT_DATA, words, WORDS_PER_SECTOR);
		break;
	case ATA_PIO_STRING32:
		insl(ATA_PORT_DATA, words, WORDS_PER_SECTOR / 2);
		break;
	}
}

static void write_sector(const uint16_t *words, enum ata_pio how)
{
	switch (how) {
	case ATA_PIO_LOOP16:
		for (int i = 0; i < WORDS_PER_SECTOR; i++)
			outw(ATA_PORT_DATA, words[i]);
		break;
	case ATA_PIO_STRING16:
		outsw(ATA_PORT_DATA, words, WORDS_PER_SECTOR);
		break;
	case ATA_PIO_STRING32:
		outsl(ATA_PORT_DATA, words, WORDS_PER_SECTOR / 2);
		break;
	}
}

int ata_read(uint32_t lba, unsigned count, void *buffer, enum ata_pio how)
{
	uint16_t *words = buffer;
	int rc = start(ATA_CMD_READ, lba, (uint8_t)count);
	if (rc < 0)
		return rc;
	for (unsigned s = 0; s < (count ? count : 256); s++) {
		if ((rc = wait_drq()) < 0)
			return rc;
		read_sector(words + s * WORDS_PER_SECTOR, how);
	}
	/* Reading status after the last word also acknowledges the command. */
	int status = ata_wait_idle();
	return status < 0 ? status : error_of(status);
}

int ata_write(uint32_t lba, unsigned count, const void *buffer, enum ata_pio how)
{
	const uint16_t *words = buffer;
	int rc = start(ATA_CMD_WRITE, lba, (uint8_t)count);
	if (rc < 0)
		return rc;
	for (unsigned s = 0; s < (count ? count : 256); s++) {
		if ((rc = wait_drq()) < 0)
			return rc;
		write_sector(words + s * WORDS_PER_SECTOR, how);
	}
	/* BSY clears once the last sector is stored: only then is it done. */
	int status = ata_wait_idle();
	return status < 0 ? status : error_of(status);
}

int ata_flush(void)
{
	int rc = start(ATA_CMD_FLUSH, 0, 0);
	if (rc < 0)
		return rc;
	int status = ata_wait_idle();
	return status < 0 ? status : error_of(status);
}

int ata_identify(uint16_t identify[256])
{
	int rc = start(ATA_CMD_IDENTIFY, 0, 0);
	if (rc < 0)
		return rc;
	if ((rc = wait_drq()) < 0)
		return rc;
	insw(ATA_PORT_DATA, identify, WORDS_PER_SECTOR);
	int status = ata_wait_idle();
	return status < 0 ? status : error_of(status);
}

uint32_t ata_identify_sectors(const uint16_t identify[256])
{
	return identify[60] | (uint32_t)identify[61] << 16;
}

void ata_identify_string(const uint16_t identify[256], unsigned word, unsigned nwords, char *out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nwords; i++) {
		out[n++] = (char)(identify[word + i] >> 8);
		out[n++] = (char)identify[word + i];
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}
