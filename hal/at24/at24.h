/*
 * AT24C32-family I2C EEPROM driver (two word-address bytes: AT24C32 up to
 * AT24C512): probe, reads of any length, writes split at page boundaries
 * with acknowledge polling for the self-timed write cycle.
 *
 * Relies on hal/i2c.h for the bus and on timer_delay_us() (hal/timer.h)
 * for the bounded wait between polls. Stateless: the device is described
 * by a const struct at24 the board owns. Include as "at24/at24.h".
 *
 * A write is not atomic: power lost during a write cycle can leave a page
 * partly programmed. Whoever stores settings here keeps a checksum and two
 * copies; this driver only guarantees that each page write either reports
 * an error or has completed its write cycle.
 */
#ifndef AT24_AT24_H
#define AT24_AT24_H

#include <stddef.h>
#include <stdint.h>

struct i2c_bus;

/* AT24C32: 4096 bytes in 32-byte pages (datasheet "Memory Organization"). */
#define AT24C32_SIZE      4096u
#define AT24C32_PAGE_SIZE 32u
#define AT24_ADDR7_BASE   0x50u /* 1010 A2 A1 A0 */

/*
 * Largest page the driver handles. Declaring a smaller page than the chip
 * has is always safe (an AT24C512's 128-byte pages can be written as 64).
 */
#define AT24_PAGE_SIZE_MAX 64u

/* tWR, the write cycle time: 5 ms max (AT24C32C "AC Characteristics"). */
#define AT24_WRITE_CYCLE_MAX_US 5000u
/* Acknowledge polling gives up after twice tWR. */
#define AT24_POLL_LIMIT_US 10000u
/* Wait between two polls. */
#define AT24_POLL_STEP_US 100u

struct at24 {
    struct i2c_bus *bus;
    uint8_t addr7;      /* AT24_ADDR7_BASE | A2..A0 */
    uint32_t size;      /* bytes: a power of two, 4096..65536 */
    uint32_t page_size; /* bytes: a power of two, <= AT24_PAGE_SIZE_MAX */
};

/*
 * Checks that the chip answers (a one-byte read at address 0).
 * Returns 0, -EIO (no acknowledge: missing or busy), -ETIMEDOUT (bus),
 * -EINVAL (bad description in dev).
 */
int at24_probe(const struct at24 *dev);

/*
 * Reads len bytes from offset off into buf, in one transaction.
 * Returns 0, -EINVAL (off + len beyond the chip, or a bad dev), -EIO,
 * -ETIMEDOUT. len 0 is a successful no-op.
 */
int at24_read(const struct at24 *dev, uint32_t off, void *buf, size_t len);

/*
 * Writes len bytes from buf at offset off: one page write per page touched,
 * each followed by acknowledge polling until the write cycle ends. Returns
 * when the last byte is programmed.
 * Returns 0, -EINVAL (out of range, bad dev), -EIO (a write not
 * acknowledged), -ETIMEDOUT (the chip stayed busy past AT24_POLL_LIMIT_US,
 * or the bus hung). On error, pages before the failing one are written.
 * len 0 is a successful no-op.
 */
int at24_write(const struct at24 *dev, uint32_t off, const void *buf, size_t len);

#endif /* AT24_AT24_H */
