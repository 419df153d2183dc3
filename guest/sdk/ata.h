/*
 * A polling ATA PIO driver for the primary channel's master drive (ports
 * 0x1F0-0x1F7, control 0x3F6), LBA28, as found in hobby kernels: it works on
 * vmm's emulated controller, on QEMU's and on real hardware alike, with
 * interrupts off (it never waits for IRQ 14).
 *
 * Functions return 0 or a negative value: -(error register) when the drive
 * reported ERR (e.g. -ATA_ERR_ABRT, -ATA_ERR_IDNF), ATA_ENODEV when no drive
 * answers (status 0 or 0xFF), ATA_ETIMEDOUT when BSY/DRQ never settle.
 */
#ifndef GUEST_ATA_H
#define GUEST_ATA_H

#include <stdint.h>

#define ATA_PORT_DATA 0x1F0
#define ATA_PORT_ERROR 0x1F1	/* write: features */
#define ATA_PORT_COUNT 0x1F2
#define ATA_PORT_LBA0 0x1F3
#define ATA_PORT_LBA1 0x1F4
#define ATA_PORT_LBA2 0x1F5
#define ATA_PORT_DEVICE 0x1F6
#define ATA_PORT_STATUS 0x1F7	/* write: command */
#define ATA_PORT_CONTROL 0x3F6	/* read: alternate status */

#define ATA_STATUS_BSY 0x80
#define ATA_STATUS_DRDY 0x40
#define ATA_STATUS_DRQ 0x08
#define ATA_STATUS_ERR 0x01

#define ATA_ERR_ABRT 0x04
#define ATA_ERR_IDNF 0x10

#define ATA_CMD_READ 0x20
#define ATA_CMD_WRITE 0x30
#define ATA_CMD_FLUSH 0xE7
#define ATA_CMD_IDENTIFY 0xEC

#define ATA_ENODEV (-0x100)
#define ATA_ETIMEDOUT (-0x101)

/* How the data port is driven: the cost per sector differs a lot under a
 * hypervisor (each in/out instruction may be an exit of its own). */
enum ata_pio {
	ATA_PIO_LOOP16,	  /* one inw/outw per 16 bits: the naive loop */
	ATA_PIO_STRING16, /* rep insw / rep outsw, 256 words */
	ATA_PIO_STRING32, /* rep insl / rep outsl, 128 double words */
};

/* Waits for !BSY; returns the final status, or ATA_ENODEV / ATA_ETIMEDOUT. */
int ata_wait_idle(void);
/* Sends the task file for an LBA28 command (count 0 means 256). */
void ata_command(uint8_t command, uint32_t lba, uint8_t count);
/* IDENTIFY DEVICE into 256 words. */
int ata_identify(uint16_t identify[256]);
/* Sectors of an identified drive (words 60-61, LBA28). */
uint32_t ata_identify_sectors(const uint16_t identify[256]);
/* Copies an ATA string (two characters per word, first in the high byte)
 * of nwords words into out (2 * nwords + 1 bytes), trailing spaces cut. */
void ata_identify_string(const uint16_t identify[256], unsigned word, unsigned nwords, char *out);

/* count sectors (1..256) in one command; buffer holds count * 512 bytes. */
int ata_read(uint32_t lba, unsigned count, void *buffer, enum ata_pio how);
int ata_write(uint32_t lba, unsigned count, const void *buffer, enum ata_pio how);
int ata_flush(void);

#endif
