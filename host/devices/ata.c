/*
 * ATA (IDE) PIO controller emulation; see ata.h for the behaviour contract.
 * Section names below refer to ATA8-ACS (command set) and ATA8-APT/ATA-6
 * (register and protocol descriptions).
 */
#include "ata.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Command block register offsets */
enum {
	REG_DATA = 0,
	REG_ERROR = 1, /* read: error, write: features */
	REG_COUNT = 2,
	REG_LBA_LOW = 3,
	REG_LBA_MID = 4,
	REG_LBA_HIGH = 5,
	REG_DEVICE = 6,
	REG_STATUS = 7, /* read: status, write: command */
};

#define DEV_LBA 0x40   /* device register: LBA addressing */
#define DEV_SLAVE 0x10 /* device register: DEV, selects device 1 */
#define DEV_OBSOLETE 0xA0 /* bits 7 and 5, read as 1 on legacy drives */

#define SR_IDLE (ATA_SR_DRDY | ATA_SR_DSC)
#define WORDS_PER_SECTOR 256

enum xfer {
	XFER_NONE,
	XFER_IN,  /* device to host: READ SECTORS, IDENTIFY DEVICE */
	XFER_OUT, /* host to device: WRITE SECTORS */
};

struct ata {
	struct disk *disk; /* NULL: no drive on the channel */

	/* Task file. The device register is shared by both devices. */
	uint8_t error, features, count, lba_low, lba_mid, lba_high, device;
	uint8_t status;
	bool in_reset; /* SRST currently held */

	/*
	 * The transfer in progress has its own copy of LBA and count, so guest
	 * writes to the task file cannot retarget it halfway.
	 */
	enum xfer xfer;
	uint32_t xfer_lba;   /* sector currently in buf */
	uint32_t xfer_left;  /* sectors still to move, including the current one */
	unsigned pos;	     /* byte offset into buf */
	uint8_t buf[DISK_SECTOR_SIZE];

	struct ata_stats stats;
};

/* ---- state helpers ---- */

static bool master_present(const struct ata *a)
{
	return a->disk && !(a->device & DEV_SLAVE);
}

static void end_xfer(struct ata *a)
{
	a->xfer = XFER_NONE;
	a->pos = 0;
	a->xfer_left = 0;
}

static void finish_ok(struct ata *a)
{
	end_xfer(a);
	a->status = SR_IDLE;
}

/* Error outputs (ATA8-ACS "Normal and Error Output"): ERR, bits in error. */
static void finish_err(struct ata *a, uint8_t err)
{
	end_xfer(a);
	a->error = err;
	a->status = SR_IDLE | ATA_SR_ERR;
	a->stats.errors++;
}

static void start_pio(struct ata *a, enum xfer dir, uint32_t lba, uint32_t sectors)
{
	a->xfer = dir;
	a->xfer_lba = lba;
	a->xfer_left = sectors;
	a->pos = 0;
	a->status = SR_IDLE | ATA_SR_DRQ;
}

/* Signature after power-on / reset (ATA8-APT "Signature and persistence"). */
static void set_signature(struct ata *a)
{
	a->count = 1;
	a->lba_low = 1;
	a->lba_mid = 0;
	a->lba_high = 0;
	a->device = 0;
	a->features = 0;
	a->error = 0x01; /* diagnostic code: device 0 passed */
	a->status = SR_IDLE;
}

/* ---- IDENTIFY DEVICE (ATA8-ACS 7.16) ---- */

static void put_word(uint8_t *buf, unsigned word, uint16_t v)
{
	buf[2 * word] = (uint8_t)v;
	buf[2 * word + 1] = (uint8_t)(v >> 8);
}

/*
 * ATA strings hold two characters per word, the first one in the high byte,
 * padded with spaces (ATA8-ACS 3.3.10 "ATA string convention").
 */
static void put_string(uint8_t *buf, unsigned word, unsigned nwords, const char *s)
{
	size_t len = strlen(s);

	for (unsigned i = 0; i < 2 * nwords; i++) {
		char c = i < len ? s[i] : ' ';
		buf[2 * word + (i ^ 1)] = (uint8_t)c;
	}
}

static void build_identify(const struct ata *a, uint8_t *buf)
{
	uint64_t n = disk_sectors(a->disk);
	/* Words 60-61 may not exceed 0FFFFFFFh (LBA28 addressable sectors). */
	uint32_t lba28 = n > 0x0FFFFFFF ? 0x0FFFFFFF : (uint32_t)n;

	memset(buf, 0, DISK_SECTOR_SIZE);
	put_word(buf, 0, 0x0040);	 /* ATA device, fixed (not removable) */
	put_string(buf, 10, 10, "VMM00000000000000001");
	put_string(buf, 23, 4, "1.0");
	put_string(buf, 27, 20, "VMM TEACHING DISK");
	put_word(buf, 47, 0x8000);	 /* READ/WRITE MULTIPLE: not supported */
	put_word(buf, 49, 0x0200);	 /* LBA supported; no DMA */
	put_word(buf, 50, 0x4000);	 /* bit 14 shall be one */
	put_word(buf, 53, 0x0002);	 /* words 64-70 valid */
	put_word(buf, 59, 0x0000);	 /* no multiple sector setting */
	put_word(buf, 60, (uint16_t)lba28);
	put_word(buf, 61, (uint16_t)(lba28 >> 16));
	put_word(buf, 64, 0x0003);	 /* PIO modes 3 and 4 */
	put_word(buf, 65, 120);		 /* cycle times, ns */
	put_word(buf, 66, 120);
	put_word(buf, 67, 120);
	put_word(buf, 68, 120);
	put_word(buf, 80, 0x01F0);	 /* ATA/ATAPI-4 .. ATA8-ACS */
	put_word(buf, 82, 0x0000);
	put_word(buf, 83, 0x5000);	 /* bit 14 one; FLUSH CACHE; no LBA48 */
	put_word(buf, 84, 0x4000);
	put_word(buf, 85, 0x0000);
	put_word(buf, 86, 0x1000);	 /* FLUSH CACHE enabled */
	put_word(buf, 87, 0x4000);

	/* Word 255: signature A5h, then checksum making all 512 bytes sum to 0. */
	uint8_t sum = 0xA5;
	for (unsigned i = 0; i < 510; i++)
		sum = (uint8_t)(sum + buf[i]);
	put_word(buf, 255, (uint16_t)(((uint8_t)-sum << 8) | 0xA5));
}

/* ---- commands ---- */

/*
 * Decodes the LBA28 task file and checks the whole range up front, so an
 * out-of-range command moves no data at all (IDNF, ATA8-ACS 6.2.8).
 * Returns false after reporting the error.
 */
static bool decode_range(struct ata *a, uint32_t *lba, uint32_t *sectors)
{
	if (!(a->device & DEV_LBA)) { /* CHS: not implemented */
		finish_err(a, ATA_ER_ABRT);
		return false;
	}
	*lba = (uint32_t)(a->device & 0x0F) << 24 | (uint32_t)a->lba_high << 16 |
	       (uint32_t)a->lba_mid << 8 | a->lba_low;
	*sectors = a->count ? a->count : 256;
	if (!disk_range_valid(a->disk, *lba, *sectors)) {
		finish_err(a, ATA_ER_IDNF);
		return false;
	}
	return true;
}

/* Fills buf with the sector at xfer_lba; on failure ends the command. */
static bool load_sector(struct ata *a)
{
	if (disk_read(a->disk, a->xfer_lba, 1, a->buf) < 0) {
		finish_err(a, ATA_ER_UNC);
		return false;
	}
	a->stats.sectors_read++;
	return true;
}

static void cmd_read_sectors(struct ata *a)
{
	uint32_t lba, sectors;

	if (!decode_range(a, &lba, &sectors))
		return;
	start_pio(a, XFER_IN, lba, sectors);
	load_sector(a);
}

static void cmd_write_sectors(struct ata *a)
{
	uint32_t lba, sectors;

	if (a->disk->read_only) { /* refuse before any data phase */
		finish_err(a, ATA_ER_ABRT);
		return;
	}
	if (!decode_range(a, &lba, &sectors))
		return;
	start_pio(a, XFER_OUT, lba, sectors);
}

static void cmd_identify(struct ata *a)
{
	build_identify(a, a->buf);
	/* One DRQ block: with xfer_left 1 nothing is ever fetched from disk. */
	start_pio(a, XFER_IN, 0, 1);
}

static void cmd_flush(struct ata *a)
{
	if (disk_flush(a->disk) < 0)
		finish_err(a, ATA_ER_ABRT);
	else
		finish_ok(a);
}

static void exec_command(struct ata *a, uint8_t cmd)
{
	/* A new command abandons any pending transfer; its partial sector is lost. */
	end_xfer(a);
	a->error = 0;
	a->stats.commands++;

	switch (cmd) {
	case ATA_CMD_READ_SECTORS:
	case ATA_CMD_READ_SECTORS_NR:
		cmd_read_sectors(a);
		break;
	case ATA_CMD_WRITE_SECTORS:
	case ATA_CMD_WRITE_SECTORS_NR:
		cmd_write_sectors(a);
		break;
	case ATA_CMD_IDENTIFY:
		cmd_identify(a);
		break;
	case ATA_CMD_FLUSH_CACHE:
		cmd_flush(a);
		break;
	case ATA_CMD_SET_FEATURES:    /* no transfer modes or caches to set */
	case ATA_CMD_INIT_DEV_PARAMS: /* CHS translation is unused */
		finish_ok(a);
		break;
	default:
		finish_err(a, ATA_ER_ABRT);
		break;
	}
}

/* ---- data port: the per-word path, kept short ---- */

static void sector_in_done(struct ata *a)
{
	a->pos = 0;
	if (--a->xfer_left == 0) {
		finish_ok(a);
		return;
	}
	a->xfer_lba++;
	load_sector(a); /* the next DRQ block starts now */
}

static void sector_out_done(struct ata *a)
{
	a->pos = 0;
	if (disk_write(a->disk, a->xfer_lba, 1, a->buf) < 0) {
		finish_err(a, ATA_ER_ABRT);
		return;
	}
	a->stats.sectors_written++;
	if (--a->xfer_left == 0)
		finish_ok(a);
	else
		a->xfer_lba++;
}

static uint16_t data_read16(struct ata *a)
{
	if (a->xfer != XFER_IN || !master_present(a))
		return 0xFFFF;
	uint16_t w = (uint16_t)(a->buf[a->pos] | a->buf[a->pos + 1] << 8);
	a->pos += 2;
	if (a->pos == DISK_SECTOR_SIZE)
		sector_in_done(a);
	return w;
}

static void data_write16(struct ata *a, uint16_t w)
{
	if (a->xfer != XFER_OUT || !master_present(a))
		return;
	a->buf[a->pos] = (uint8_t)w;
	a->buf[a->pos + 1] = (uint8_t)(w >> 8);
	a->pos += 2;
	if (a->pos == DISK_SECTOR_SIZE)
		sector_out_done(a);
}

static uint64_t data_read(struct ata *a, unsigned size)
{
	if (size == 2)
		return data_read16(a);
	if (size == 4) {
		uint32_t lo = data_read16(a);
		return lo | (uint32_t)data_read16(a) << 16;
	}
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static void data_write(struct ata *a, unsigned size, uint64_t v)
{
	if (size == 2) {
		data_write16(a, (uint16_t)v);
	} else if (size == 4) {
		data_write16(a, (uint16_t)v);
		data_write16(a, (uint16_t)(v >> 16));
	}
}

/* ---- 8-bit registers ---- */

static uint8_t status_of(const struct ata *a)
{
	if (a->in_reset)
		return ATA_SR_BSY;
	/* Absent device 1 (or no drive): status reads 00h (ATA8-APT). */
	return master_present(a) ? a->status : 0;
}

static uint8_t reg_read(struct ata *a, unsigned reg)
{
	/* While BSY, every command block register reads as status. */
	if (a->in_reset)
		return ATA_SR_BSY;
	switch (reg) {
	case REG_ERROR:
		return a->error;
	case REG_COUNT:
		return a->count;
	case REG_LBA_LOW:
		return a->lba_low;
	case REG_LBA_MID:
		return a->lba_mid;
	case REG_LBA_HIGH:
		return a->lba_high;
	case REG_DEVICE:
		return a->device | DEV_OBSOLETE;
	case REG_STATUS:
		return status_of(a);
	default:
		return 0xFF;
	}
}

static void reg_write(struct ata *a, unsigned reg, uint8_t v)
{
	if (a->in_reset) /* BSY: the device ignores the task file */
		return;
	switch (reg) {
	case REG_ERROR:
		a->features = v;
		break;
	case REG_COUNT:
		a->count = v;
		break;
	case REG_LBA_LOW:
		a->lba_low = v;
		break;
	case REG_LBA_MID:
		a->lba_mid = v;
		break;
	case REG_LBA_HIGH:
		a->lba_high = v;
		break;
	case REG_DEVICE:
		a->device = v & (uint8_t)~DEV_OBSOLETE;
		break;
	case REG_STATUS:
		if (master_present(a)) /* device 1 absent: not executed */
			exec_command(a, v);
		break;
	default:
		break;
	}
}

/* ---- io_ops ---- */

static uint64_t cmd_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ata *a = opaque;
	uint64_t v = 0;

	if (offset == REG_DATA)
		return data_read(a, size);
	/* Wider accesses hit consecutive 8-bit registers, one byte each. */
	for (unsigned i = 0; i < size; i++) {
		uint64_t reg = offset + i;
		uint8_t b = reg < ATA_CMD_LEN ? reg_read(a, (unsigned)reg) : 0xFF;
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void cmd_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct ata *a = opaque;

	if (offset == REG_DATA) {
		data_write(a, size, value);
		return;
	}
	for (unsigned i = 0; i < size && offset + i < ATA_CMD_LEN; i++)
		reg_write(a, (unsigned)(offset + i), (uint8_t)(value >> (8 * i)));
}

static uint64_t ctl_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ata *a = opaque;
	uint64_t v = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;

	if (offset != 0)
		return v;
	/* Alternate status: same bits as status, no side effects. */
	return (v & ~UINT64_C(0xFF)) | status_of(a);
}

/*
 * Device control (ATA8-APT "Software reset protocol"): setting SRST aborts
 * everything and holds the device busy; clearing it completes the reset.
 */
static void ctl_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct ata *a = opaque;
	uint8_t v = (uint8_t)value;

	(void)size;
	if (offset != 0)
		return;
	if (v & ATA_DC_SRST) {
		end_xfer(a);
		a->in_reset = true;
	} else if (a->in_reset) {
		a->in_reset = false;
		end_xfer(a);
		set_signature(a);
	}
}

const struct io_ops ata_cmd_ops = { .read = cmd_read, .write = cmd_write };
const struct io_ops ata_ctl_ops = { .read = ctl_read, .write = ctl_write };

struct ata *ata_create(struct disk *disk)
{
	struct ata *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->disk = disk;
	set_signature(a);
	return a;
}

void ata_destroy(struct ata *a)
{
	free(a);
}

const struct ata_stats *ata_get_stats(const struct ata *a)
{
	return &a->stats;
}
