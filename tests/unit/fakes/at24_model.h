/*
 * Model of an AT24C32-style I2C EEPROM (two address bytes, page writes,
 * self-timed write cycle) for host tests; attach with i2c_fake_attach and
 * at24_model_ops.
 *
 * From the AT24C32 datasheet ("Device Operation", "Write Operations",
 * "Read Operations"):
 *  - a write transaction is: two word-address bytes (the unused high bits
 *    are don't-care), then data bytes; the lower five address bits count up
 *    within the 32-byte page and wrap inside it, so a 33rd byte overwrites
 *    the first ("page roll-over"); nothing is programmed until STOP;
 *  - after STOP the chip is busy for the write cycle (tWR) and does not
 *    acknowledge its address (so the controller can poll for it); an
 *    address-only write (no data byte) starts no cycle;
 *  - reads continue across pages and roll over from the last byte to 0.
 * Fault injection: a torn write (power lost during the next write cycle:
 * only the first n bytes of the page are programmed and the chip stays dead
 * until at24_model_power_on) and an endlessly busy chip.
 */
#ifndef TESTS_FAKES_AT24_MODEL_H
#define TESTS_FAKES_AT24_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i2c_target.h"

#define AT24_MODEL_SIZE_MAX 4096u
#define AT24_MODEL_PAGE_MAX 64u

struct at24_model {
    uint32_t size;           /* bytes, power of two */
    uint32_t page_size;      /* bytes, power of two */
    uint32_t write_cycle_us; /* tWR this chip takes */
    uint8_t mem[AT24_MODEL_SIZE_MAX];
    uint8_t page_buf[AT24_MODEL_PAGE_MAX];
    bool is_page_byte_loaded[AT24_MODEL_PAGE_MAX];
    uint32_t addr;           /* address counter */
    uint32_t page_base;      /* page being loaded */
    unsigned n_addr_bytes;   /* address bytes seen in this write */
    unsigned n_data_bytes;   /* data bytes seen in this write */
    bool is_writing;         /* a write transaction is in progress */
    uint64_t busy_left_us;   /* write cycle remaining */
    bool is_stuck_busy;      /* never finishes (fault) */
    bool is_dead;            /* powered off by a torn write */
    int tear_after_bytes;    /* >= 0: next cycle programs only that many */
    unsigned n_write_cycles; /* write cycles started */
    unsigned n_nacks;        /* addresses refused while busy */
    unsigned n_page_wraps;   /* data bytes that wrapped inside a page */
};

/* The target operations to pass to i2c_fake_attach with the model as ctx. */
extern const struct i2c_fake_target_ops at24_model_ops;

/*
 * A fresh chip: size bytes (<= AT24_MODEL_SIZE_MAX), page_size-byte pages,
 * write cycle write_cycle_us, every byte 0xFF (erased).
 */
void at24_model_init(struct at24_model *m, uint32_t size, uint32_t page_size,
                     uint32_t write_cycle_us);

/* The next write cycle programs only its first n_bytes bytes, then the chip loses power. */
void at24_model_tear_next_write(struct at24_model *m, int n_bytes);

/* Power comes back after a torn write: the chip answers again, not busy. */
void at24_model_power_on(struct at24_model *m);

/* The chip stays busy forever (is_stuck) or behaves again. */
void at24_model_set_stuck_busy(struct at24_model *m, bool is_stuck);

/* Returns true while a write cycle is in progress (the chip NACKs). */
bool at24_model_is_busy(const struct at24_model *m);

/* Advances simulated time (also reachable through i2c_fake_advance_us). */
void at24_model_advance_us(struct at24_model *m, uint64_t us);

#endif /* TESTS_FAKES_AT24_MODEL_H */
