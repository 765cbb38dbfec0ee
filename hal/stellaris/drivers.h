/*
 * Stellaris driver configurations and chip-level services. The board
 * fills the configs with its base addresses, interrupt numbers and the
 * clock it brought up, enables each peripheral's clock gate and muxes its
 * pins (stellaris_clock_gate_enable, stellaris_pins_for_peripheral), and
 * hands the configs over before the generic HAL calls (uart_init,
 * eth_init, ...) are made. The drivers never touch a gate or a pin.
 */
#ifndef HAL_STELLARIS_DRIVERS_H
#define HAL_STELLARIS_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "hal/wdt.h"

struct stellaris_clock_config {
    uint32_t rcc_xtal; /* RCC XTAL field value for the board's crystal */
    uint32_t xtal_hz;
    uint32_t pll_hz; /* 400 MHz on this class; the core gets pll_hz / 2 / (sysdiv + 1) */
    uint32_t sysdiv;
};

/*
 * Brings the core clock up from the PLL. Returns 0 with *cpu_hz the PLL
 * rate, or -ETIMEDOUT when the PLL did not lock: the core then runs on the
 * crystal and *cpu_hz says so.
 */
int stellaris_clock_setup(const struct stellaris_clock_config *cfg, uint32_t *cpu_hz);

/* Sets bits in RCGC0/1/2 (rcgc: the register's address) and waits the 3 clocks before use. */
void stellaris_clock_gate_enable(uintptr_t rcgc, uint32_t bits);

enum stellaris_pad {
    STELLARIS_PAD_PUSH_PULL,        /* GPIOPinTypeUART / EthernetLED: 2 mA */
    STELLARIS_PAD_OPEN_DRAIN_PULLUP /* GPIOPinTypeI2C: 2 mA, open drain, weak pull-up */
};

/* Hands pins (a bit mask) of the GPIO port at port to their peripheral (AFSEL, pad, DEN). */
void stellaris_pins_for_peripheral(uintptr_t port, uint8_t pins, enum stellaris_pad pad);

/* Makes a brown-out reset the chip (PBORCTL.BORIOR) instead of raising an interrupt. */
void stellaris_brownout_reset_enable(void);

/* Reads and clears RESC; returns the most specific cause, the raw bits in *resc. */
enum reset_cause stellaris_reset_cause_take(uint32_t *resc);

struct stellaris_uart_config {
    uintptr_t base;
    unsigned irq;
    uint32_t clock_hz;
    uint32_t baud;
};

struct stellaris_i2c_config {
    uintptr_t base;
    uint32_t clock_hz;
    uint32_t bus_hz;     /* 100000 for a DS1307; 400000 otherwise */
    uint32_t timeout_us; /* per byte; a stuck bus ends in -ETIMEDOUT */
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
    unsigned irq;
    uint32_t clock_hz;
};

/* Each stores the pointer; the config must outlive the driver. */
void stellaris_uart_configure(const struct stellaris_uart_config *cfg);
void stellaris_eth_configure(const struct stellaris_eth_config *cfg);
void stellaris_wdt_configure(const struct stellaris_wdt_config *cfg);
void stellaris_gptm_configure(const struct stellaris_gptm_config *cfg);

/*
 * Writes len bytes to the UART at cfg by polling, enabling it first if
 * uart_init() has not (the board has clocked and muxed it). Bounded waits.
 */
void stellaris_uart_write_polled(const struct stellaris_uart_config *cfg, const char *buf,
                                 size_t len);

/* The I2C bus object handed to hal/i2c.h callers. */
struct i2c_bus {
    const struct stellaris_i2c_config *cfg;
    uint32_t errors;
};

/* Enables the I2C master. Returns 0. */
int stellaris_i2c_init(struct i2c_bus *bus, const struct stellaris_i2c_config *cfg);

/* Interrupt handlers the board's vector table names. */
void stellaris_uart_isr(void);
void stellaris_eth_isr(void);
void stellaris_gptm_isr(void);
void stellaris_wdt_isr(void);

#endif /* HAL_STELLARIS_DRIVERS_H */
