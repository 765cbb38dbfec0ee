/*
 * What the LM3S6965 model's files share (tests include lm3s6965_model.h).
 *
 * lm3s6965_model.c owns the bus: it finds the block an address falls in,
 * checks the block's clock gate, counts the clock, lets the peripherals run
 * for it and takes interrupts. Each block provides a read and a write
 * handler (false: no register at that offset) and, if it runs on its own,
 * an advance handler called for every clock that passes.
 */
#ifndef TESTS_FAKES_LM3S6965_MODEL_PRIV_H
#define TESTS_FAKES_LM3S6965_MODEL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm3s6965_model.h"

/* Clock gates (RCGC0/1/2 bits). */
enum model_gate {
    GATE_NONE,
    GATE_WDT0,
    GATE_GPIOA,
    GATE_GPIOB,
    GATE_GPIOC,
    GATE_GPIOD,
    GATE_GPIOE,
    GATE_GPIOF,
    GATE_GPIOG,
    GATE_UART0,
    GATE_I2C0,
    GATE_TIMER0,
    GATE_TIMER1,
    GATE_EMAC0,
    GATE_EPHY0,
};

/* Interrupt numbers (the datasheet's interrupt table, as board.h has them). */
#define MODEL_IRQ_UART0   5u
#define MODEL_IRQ_WDT     18u
#define MODEL_IRQ_TIMER0A 19u
#define MODEL_IRQ_TIMER1A 21u
#define MODEL_IRQ_ETH     42u
#define MODEL_IRQ_COUNT   54u

/* ---- lm3s6965_model.c ---- */

/* The number of the clock in progress (the current access happens in it). */
uint64_t mdl_now(void);

/* Femtoseconds since reset (time as the changing clock frequencies add it up). */
uint64_t mdl_now_fs(void);

/* Records a violation. */
void mdl_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Recomputes the length of a clock after RCC changed the frequency. */
void mdl_clock_changed(uint32_t hz);

/* A reset was requested (why: for the count); longjmps if the test asked for it. */
void mdl_reset_requested(bool is_watchdog);

/* SRCRn (reg 0..2) went from old to val: blocks whose bit is set are held in reset. */
void mdl_srcr_changed(unsigned reg, uint32_t old, uint32_t val);

/* ---- lm3s6965_model_sysctl.c ---- */

void sysctl_reset(void);
bool sysctl_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool sysctl_write(unsigned unit, uint32_t off, uint32_t val);
void sysctl_advance(uint64_t clocks);
uint32_t sysctl_cpu_hz(void);
/* Returns 0 when gate g may be accessed now, else writes why into why[len] and returns -1. */
int sysctl_gate_check(enum model_gate g, char *why, size_t len);
void sysctl_note_reset(bool is_watchdog);

/* ---- lm3s6965_model_cortexm.c: SysTick, NVIC, SCB, MPU, PRIMASK ---- */

void scs_reset(void);
bool scs_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool scs_write(unsigned unit, uint32_t off, uint32_t val);
void scs_advance(uint64_t clocks);
/* A peripheral's interrupt line is asserted: the NVIC marks it pending. */
void nvic_line_assert(unsigned irq);
/* Runs the handlers of pending, enabled, unmasked interrupts (not nested). */
void scs_take_interrupts(void);
/* Returns true when an interrupt is pending that would wake WFI. */
bool scs_wake_pending(void);
/* The model clock at the last read of SysTick's value register (the timestamp counter). */
uint64_t scs_last_counter_read(void);

/* ---- lm3s6965_model_gpio.c ---- */

void gpio_reset(void);
bool gpio_read(unsigned port, uint32_t off, uint32_t *val, bool peek);
bool gpio_write(unsigned port, uint32_t off, uint32_t val);
/* Pin pin of port (0 = A) carries its peripheral: AFSEL and DEN set. */
bool gpio_is_muxed(unsigned port, unsigned pin);
bool gpio_is_open_drain(unsigned port, unsigned pin);
/*
 * Pins of port that software drives low as GPIO (AFSEL clear, DEN, an
 * output holding 0), and those it drives high push-pull (ODR clear).
 */
uint8_t gpio_driven_low(unsigned port);
uint8_t gpio_driven_high(unsigned port);

/* ---- lm3s6965_model_uart.c ---- */

void uart_model_reset(void);
bool uart_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool uart_write_reg(unsigned unit, uint32_t off, uint32_t val);
void uart_advance(uint64_t clocks);

/* ---- lm3s6965_model_i2c.c ---- */

void i2c_model_reset(void);
bool i2c_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool i2c_write_reg(unsigned unit, uint32_t off, uint32_t val);
void i2c_advance(uint64_t clocks);
/* The levels of PB2 (SCL, bit 2) and PB3 (SDA, bit 3) as the bus has them. */
uint8_t i2c_line_levels(void);
/* Port B's pins changed: the lines follow (START, STOP and SCL pulses are seen). */
void i2c_lines_changed(void);
/* SRCR1's I2C0 bit: held in reset (registers at reset values) while set. */
void i2c_model_hold_reset(bool held);

/* ---- lm3s6965_model_eth.c ---- */

void eth_model_reset(void);
bool eth_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool eth_write_reg(unsigned unit, uint32_t off, uint32_t val);
void eth_advance(uint64_t clocks);

/* ---- lm3s6965_model_timers.c: watchdog and GPTM0 ---- */

void timers_reset(void);
bool wdt_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool wdt_write_reg(unsigned unit, uint32_t off, uint32_t val);
bool gptm_read(unsigned unit, uint32_t off, uint32_t *val, bool peek);
bool gptm_write_reg(unsigned unit, uint32_t off, uint32_t val);
void timers_advance(uint64_t clocks);
/* The levels of the timers' CCP pins the model drives: PD5 (CCP2, bit 5). */
uint8_t timers_ccp_levels(void);

#endif /* TESTS_FAKES_LM3S6965_MODEL_PRIV_H */
