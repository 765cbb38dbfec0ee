/*
 * Stellaris driver configurations. The board fills these with its base
 * addresses and interrupt numbers and hands them over once, before the
 * generic HAL calls (uart_init, eth_init, ...) are made.
 */
#ifndef HAL_STELLARIS_DRIVERS_H
#define HAL_STELLARIS_DRIVERS_H

#include <stdint.h>

struct stellaris_uart_config {
    uintptr_t base;
    unsigned irq;
    uint32_t clock_hz;
    uint32_t baud;
};

struct stellaris_i2c_config {
    uintptr_t base;
    uint32_t clock_hz;
    uint32_t bus_hz;        /* 100000 for a DS1307; 400000 otherwise */
    uint32_t timeout_us;    /* per byte; a stuck bus ends in -ETIMEDOUT */
};

struct stellaris_eth_config {
    uintptr_t base;
    unsigned irq;
    uint32_t clock_hz;
};

struct stellaris_gptm_config {
    uintptr_t base;
    unsigned irq;
    uint32_t clock_hz;
};

struct stellaris_wdt_config {
    uintptr_t base;
    uint32_t clock_hz;
};

/* Each stores the pointer; the config must outlive the driver. */
void stellaris_uart_configure(const struct stellaris_uart_config *cfg);
void stellaris_eth_configure(const struct stellaris_eth_config *cfg);
void stellaris_wdt_configure(const struct stellaris_wdt_config *cfg);
void stellaris_gptm_configure(const struct stellaris_gptm_config *cfg);

/* The I2C bus object handed to hal/i2c.h callers. */
struct i2c_bus {
    const struct stellaris_i2c_config *cfg;
    uint32_t errors;
};

/* Enables and clocks the I2C master. Returns 0. */
int stellaris_i2c_init(struct i2c_bus *bus, const struct stellaris_i2c_config *cfg);

/* Interrupt handlers the board's vector table names. */
void stellaris_uart_isr(void);
void stellaris_eth_isr(void);
void stellaris_gptm_isr(void);

#endif /* HAL_STELLARIS_DRIVERS_H */
