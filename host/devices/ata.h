/*
 * An emulated ATA (IDE) controller, primary channel, PIO only, one drive
 * (the master). It is a register-level state machine that an unmodified
 * polling PIO driver can drive; the emulation is synchronous, so every
 * command has finished (BSY clear) by the time the guest reads status.
 *
 * Register the two ranges on the port bus:
 *	bus_register(pio, ATA_CMD_BASE, ATA_CMD_LEN, "ata", &ata_cmd_ops, ata);
 *	bus_register(pio, ATA_CTL_BASE, ATA_CTL_LEN, "ata-ctl", &ata_ctl_ops, ata);
 *
 * Command block (offsets from 0x1F0):
 *	0 data (16/32-bit)   1 error / features   2 sector count
 *	3 LBA 7:0            4 LBA 15:8           5 LBA 23:16
 *	6 device: 0xA0 | LBA bit 6 | DEV bit 4 | LBA 27:24 in bits 3:0
 *	7 status / command
 * Control block (0x3F6): read alternate status, write device control
 * (SRST bit 2; nIEN bit 1 is ignored: no interrupts are raised).
 *
 * Commands (ATA8-ACS): READ SECTORS 0x20/0x21, WRITE SECTORS 0x30/0x31
 * (count 0 = 256, LBA28 only), IDENTIFY DEVICE 0xEC, FLUSH CACHE 0xE7,
 * SET FEATURES 0xEF and INITIALIZE DEVICE PARAMETERS 0x91 (accepted, no
 * effect). Anything else: ERR with ABRT.
 *
 * Behaviour choices:
 *  - Status is DRDY|DSC (0x50) when idle, 0x58 while a PIO transfer is pending
 *    (DRQ), 0x51 after an error (ERR|DRDY|DSC, like QEMU and most drives).
 *  - CHS addressing (device bit 6 clear) is not supported: read/write
 *    commands abort (ABRT); IDENTIFY reports no CHS geometry (words 1/3/6/54-58
 *    are 0, obsolete in ATA8-ACS) and LBA support in word 49 bit 9.
 *  - The whole range [LBA, LBA + count) is checked when the command is
 *    issued: past the end -> ERR + IDNF, no DRQ, nothing read or written.
 *  - A read-only disk makes WRITE SECTORS abort at issue (ERR + ABRT), before
 *    any data phase; the image is never touched.
 *  - Host I/O failure: READ -> ERR + UNC (0x40); WRITE/FLUSH -> ERR + ABRT.
 *    The transfer ends there.
 *  - Data port: 16-bit moves one word, 32-bit moves two (low word first).
 *    8-bit (and 64-bit) data-port accesses are ignored: reads give all ones,
 *    writes are dropped, the transfer does not advance.
 *  - Reading data with no READ/IDENTIFY transfer pending (including during a
 *    WRITE) returns 0xFFFF and changes nothing; writing data with no WRITE
 *    pending is dropped.
 *  - A WRITE sector reaches the disk (write-through) only once all 256 of its
 *    words have arrived; a READ sector is fetched from disk as it starts.
 *  - Writing a task-file register mid-transfer does not disturb it (the
 *    transfer keeps its own LBA/count). Writing a command while a transfer is
 *    pending aborts it (the partial sector is dropped) and runs the new one.
 *  - Only the master exists. With the slave selected (device bit 4), or with
 *    no disk at all, status and alternate status read 0, commands are
 *    ignored and the data port floats (0xFFFF / dropped); a transfer pending
 *    on the master resumes when it is selected again. The other registers
 *    are shared by both devices and read back what was written.
 *  - Software reset (SRST set then cleared): while SRST is held, status is
 *    BSY, register writes are ignored and, as on hardware while BSY, every
 *    command-block read returns status. On release: any transfer is aborted,
 *    registers hold the ATA signature (count 1, LBA 1/0/0, device 0), error
 *    is 0x01 (diagnostic passed), status DRDY|DSC. Power-on state is the same.
 *  - Multi-byte accesses to the 8-bit registers are split into byte accesses
 *    of consecutive registers (as the ISA bus would); bytes beyond the range
 *    read 0xFF.
 */
#ifndef VMM_ATA_H
#define VMM_ATA_H

#include <stdint.h>

#include "bus.h"
#include "disk_image.h"

#define ATA_CMD_BASE 0x1F0
#define ATA_CMD_LEN 8
#define ATA_CTL_BASE 0x3F6
#define ATA_CTL_LEN 1

/* Status register bits */
#define ATA_SR_BSY 0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF 0x20
#define ATA_SR_DSC 0x10
#define ATA_SR_DRQ 0x08
#define ATA_SR_ERR 0x01

/* Error register bits */
#define ATA_ER_UNC 0x40
#define ATA_ER_IDNF 0x10
#define ATA_ER_ABRT 0x04

/* Device control register bits */
#define ATA_DC_SRST 0x04
#define ATA_DC_NIEN 0x02

/* Commands */
#define ATA_CMD_READ_SECTORS 0x20
#define ATA_CMD_READ_SECTORS_NR 0x21
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_WRITE_SECTORS_NR 0x31
#define ATA_CMD_INIT_DEV_PARAMS 0x91
#define ATA_CMD_FLUSH_CACHE 0xE7
#define ATA_CMD_IDENTIFY 0xEC
#define ATA_CMD_SET_FEATURES 0xEF

struct ata_stats {
	uint64_t commands;	  /* commands the master accepted */
	uint64_t errors;	  /* of which ended with ERR */
	uint64_t sectors_read;	  /* fetched from the disk by READ SECTORS */
	uint64_t sectors_written; /* stored to the disk by WRITE SECTORS */
};

struct ata;

/* disk may be NULL (no drive). The caller keeps ownership of disk. */
struct ata *ata_create(struct disk *disk);
void ata_destroy(struct ata *ata);
const struct ata_stats *ata_get_stats(const struct ata *ata);

extern const struct io_ops ata_cmd_ops; /* opaque = struct ata *, 8 ports */
extern const struct io_ops ata_ctl_ops; /* opaque = struct ata *, 1 port */

#endif
