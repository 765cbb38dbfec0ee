/*
 * AT24C32-family EEPROM driver: page-split writes with bounded
 * acknowledge polling (see at24.h).
 */
#include "at24/at24.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "hal/i2c.h"
#include "hal/timer.h"

#define ADDR_BYTES        2u    /* word address, high byte first */
#define TWO_BYTE_SIZE_MIN 4096u /* AT24C32; smaller parts take one address byte */
#define TWO_BYTE_SIZE_MAX 65536u

static bool is_power_of_two(uint32_t v)
{
    return v != 0 && (v & (v - 1u)) == 0;
}

static int check_dev(const struct at24 *dev)
{
    if (dev == NULL || dev->bus == NULL || dev->addr7 > 0x7Fu || !is_power_of_two(dev->size) ||
        dev->size < TWO_BYTE_SIZE_MIN || dev->size > TWO_BYTE_SIZE_MAX ||
        !is_power_of_two(dev->page_size) || dev->page_size > AT24_PAGE_SIZE_MAX) {
        return -EINVAL;
    }
    return 0;
}

static int check_range(const struct at24 *dev, uint32_t off, size_t len)
{
    int err = check_dev(dev);
    if (err != 0) {
        return err;
    }
    if (off > dev->size || len > dev->size - off) {
        return -EINVAL;
    }
    return 0;
}

static void put_addr(uint8_t *p, uint32_t off)
{
    p[0] = (uint8_t)(off >> 8);
    p[1] = (uint8_t)off;
}

int at24_probe(const struct at24 *dev)
{
    int err = check_dev(dev);
    if (err != 0) {
        return err;
    }
    uint8_t addr[ADDR_BYTES];
    uint8_t byte;
    put_addr(addr, 0);
    return i2c_write_read(dev->bus, dev->addr7, addr, sizeof(addr), &byte, 1);
}

int at24_read(const struct at24 *dev, uint32_t off, void *buf, size_t len)
{
    int err = check_range(dev, off, len);
    if (err != 0 || len == 0) {
        return err;
    }
    uint8_t addr[ADDR_BYTES];
    put_addr(addr, off);
    return i2c_write_read(dev->bus, dev->addr7, addr, sizeof(addr), buf, len);
}

/*
 * Acknowledge polling (datasheet "Acknowledge Polling"): while the write
 * cycle runs the chip does not acknowledge its address. An address-only
 * write starts no cycle, so it is a harmless probe.
 */
static int wait_write_cycle(const struct at24 *dev, const uint8_t *addr)
{
    for (uint32_t waited_us = 0;; waited_us += AT24_POLL_STEP_US) {
        int err = i2c_write(dev->bus, dev->addr7, addr, ADDR_BYTES);
        if (err != -EIO) {
            return err; /* 0: done; -ETIMEDOUT: the bus itself is stuck */
        }
        if (waited_us >= AT24_POLL_LIMIT_US) {
            return -ETIMEDOUT;
        }
        timer_delay_us(AT24_POLL_STEP_US);
    }
}

int at24_write(const struct at24 *dev, uint32_t off, const void *buf, size_t len)
{
    int err = check_range(dev, off, len);
    if (err != 0) {
        return err;
    }
    const uint8_t *src = buf;
    uint8_t frame[ADDR_BYTES + AT24_PAGE_SIZE_MAX];
    while (len > 0) {
        /* Up to the end of this page: the chip wraps inside a page. */
        size_t room = dev->page_size - (off & (dev->page_size - 1u));
        size_t n = len < room ? len : room;
        put_addr(frame, off);
        memcpy(&frame[ADDR_BYTES], src, n);
        err = i2c_write(dev->bus, dev->addr7, frame, ADDR_BYTES + n);
        if (err != 0) {
            return err;
        }
        err = wait_write_cycle(dev, frame);
        if (err != 0) {
            return err;
        }
        off += (uint32_t)n;
        src += n;
        len -= n;
    }
    return 0;
}
