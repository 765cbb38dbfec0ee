/*
 * A strict register-level model of the LM3S6965 and its Cortex-M3 core, for
 * host tests that run the real bring-up and drivers (built with
 * -DMMIO_MODEL, so every mmio_read32()/mmio_write32() of hal/cortexm and
 * hal/stellaris lands here, as do irq_save/irq_restore and
 * cpu_wait_for_interrupt).
 *
 * It models what the firmware touches: system control (clock tree, PLL,
 * clock gates, reset cause, user registers), GPIO ports A-G, UART0, the
 * I2C0 master with chip models on its bus, the Ethernet MAC and its PHY,
 * the watchdog, GPTM0, SysTick, the NVIC, the SCB and the MPU. Facts come
 * from the LM3S6965 datasheet (DS-LM3S6965), the ARMv7-M Architecture
 * Reference Manual, TI's DriverLib and QEMU's Stellaris models; each file
 * cites what its rules rest on.
 *
 * Time: every bus access is one system clock (a lower bound on silicon: an
 * APB access takes more). The model keeps that count and the time it
 * amounts to at the clock RCC selects; SysTick, the watchdog, the timer,
 * the UART's bit times, the I2C bus, the MII and the PLL's lock all run on
 * it.
 *
 * Rules: where the datasheet says a sequence is required, breaking it is
 * recorded as a violation, with a message saying what was done and what the
 * rule is (the access is then ignored or the byte lost, as on silicon). A
 * test checks model_violations() == 0 and prints the messages otherwise.
 * Every address the model does not know is a violation too (a bus fault on
 * the chip).
 */
#ifndef TESTS_FAKES_LM3S6965_MODEL_H
#define TESTS_FAKES_LM3S6965_MODEL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i2c_target.h"

/* Power-on reset: every register at its reset value, clock 0, no violations, nothing on the bus. */
void model_reset(void);

/* ---- violations ---- */

#define MODEL_VIOLATIONS_KEPT 16 /* the first ones are kept; later ones are only counted */
#define MODEL_VIOLATION_LEN   240

/* Returns how many rule violations were recorded since model_reset(). */
unsigned model_violations(void);

/* Returns violation i (0 = the first), or "" when there is no such one kept. */
const char *model_violation(unsigned i);

/* Returns the latest violation kept, or "" when there is none. */
const char *model_last_violation(void);

/* Forgets the violations so far (a test that provoked some on purpose). */
void model_clear_violations(void);

/* Returns true when a kept violation contains text. */
bool model_has_violation(const char *text);

/* ---- time ---- */

/* Returns the system clocks elapsed since model_reset (one per bus access, plus waits). */
uint64_t model_clocks(void);

/* Returns the time elapsed since model_reset, in nanoseconds. */
uint64_t model_time_ns(void);

/* Returns the system clock frequency RCC/RCC2 select now, in Hz. */
uint32_t model_cpu_hz(void);

/* Lets n system clocks pass without a bus access (interrupts are taken as they fall due). */
void model_advance_clocks(uint64_t n);

/* Lets us microseconds pass at the current clock. */
void model_advance_us(uint64_t us);

/* Back door: returns a register's value without a clock, a gate check or a side effect. */
uint32_t model_peek32(uintptr_t addr);

/* ---- system control ---- */

/* The crystal fitted (8 MHz on the EK-LM3S6965); call before the firmware runs. */
void model_sysctl_set_crystal_hz(uint32_t hz);

/* The PLL never locks (a bad crystal or loop filter): PLLLRIS stays clear. */
void model_sysctl_set_pll_never_locks(bool never);

/* Sets RESC as a reset of that kind would have left it. */
void model_sysctl_set_resc(uint32_t resc);

/* Sets USER0/USER1 (the factory MAC address; 0xFFFFFFFF when unprogrammed). */
void model_sysctl_set_user_regs(uint32_t user0, uint32_t user1);

/* Sets DID0 (device identification). */
void model_sysctl_set_did0(uint32_t did0);

/*
 * A boot loader ran first and left the clock tree as rcc/rcc2 say, with its
 * oscillators long settled and, if rcc/rcc2 power the PLL from the main
 * oscillator, the PLL locked (PLLLRIS set).
 */
void model_sysctl_set_warm_start(uint32_t rcc, uint32_t rcc2);

/* The MOSC settling time the model demands, in microseconds (see lm3s6965_model_sysctl.c). */
#define MODEL_MOSC_SETTLE_US 100000u

/* ---- interrupts and resets ---- */

/* Handlers the model calls when their interrupt is pending, enabled and unmasked (NULL: none). */
void model_set_systick_handler(void (*handler)(void));
void model_set_irq_handler(unsigned irq, void (*handler)(void));

/* NVIC state of external interrupt irq. */
bool model_nvic_is_enabled(unsigned irq);
bool model_nvic_is_pending(unsigned irq);
uint8_t model_nvic_priority(unsigned irq);
void model_nvic_clear_pending(unsigned irq);

/* Returns true while PRIMASK masks interrupts (irq_save). */
bool model_irqs_masked(void);

/* Returns how many resets were requested through AIRCR.SYSRESETREQ. */
unsigned model_reset_requests(void);

/* Returns how many times the watchdog's second time-out reset the chip. */
unsigned model_wdt_resets(void);

/*
 * When set, a requested reset (AIRCR.SYSRESETREQ or the watchdog) longjmps
 * there with 1, as the chip never returns from one. NULL: it only counts.
 */
void model_set_reset_jump(jmp_buf *jb);

/* ---- UART0 and its terminal ---- */

#define MODEL_TERMINAL_MAX 4096u

/* Returns the bytes that left PA1 (U0Tx) since the last clear, NUL-terminated; *len their count. */
const char *model_uart_terminal(size_t *len);
void model_uart_terminal_clear(void);

/* The lowest and highest baud rate any terminal byte went out at (0 when none did). */
uint32_t model_uart_terminal_baud_min(void);
uint32_t model_uart_terminal_baud_max(void);

/* The baud rate IBRD/FBRD gave at the clock of the last LCRH write (0 before one). */
uint32_t model_uart_baud_at_lcrh(void);

/* A byte arrives on PA0 (U0Rx). Returns false if the receive FIFO was full (overrun). */
bool model_uart_rx(uint8_t byte);

/* ---- I2C0 ---- */

/* Attaches a chip model at addr7 on I2C0's bus. Returns 0, or -1 (address taken, bus full). */
int model_i2c_attach(uint8_t addr7, const struct i2c_fake_target_ops *ops, void *ctx);

/* The fastest SCL the master ran a command at, in Hz (0 before any), and the slowest. */
uint32_t model_i2c_scl_hz_max(void);
uint32_t model_i2c_scl_hz_min(void);

/* Returns the number of START conditions the master put on the bus. */
unsigned model_i2c_starts(void);

/*
 * A target left inside a byte (the MCU reset in the middle of a read, the
 * battery kept the target alive) holds SDA low until it has seen pulses
 * more SCL pulses (1..9; more makes a target that never lets go). 0: none.
 */
void model_i2c_hold_sda(unsigned pulses);

/* Returns true while a target still holds SDA low. */
bool model_i2c_is_sda_held(void);

/* SCL held low for good (a target stretching for ever, a short). */
void model_i2c_hold_scl(bool held);

/* SCL pulses, and STOPs, made on PB2/PB3 as GPIO (a bus clear). */
unsigned model_i2c_gpio_pulses(void);
unsigned model_i2c_gpio_stops(void);

/* Returns how many times SRCR1 reset the I2C controller. */
unsigned model_i2c_controller_resets(void);

/* ---- GPTM1 and the square wave on PD5 (CCP2) ---- */

/*
 * Drives PD5 with a square wave: falling in system clock first_fall_clock
 * and every period_clocks after, rising half a period after each fall (the
 * RTC's 1 Hz output). model_sqw_stop() leaves the pin high.
 */
void model_sqw_start(uint64_t first_fall_clock, uint64_t period_clocks);
void model_sqw_stop(void);

/* Returns how many edges GPTM1 captured. */
unsigned model_gptm1_captures(void);

/* ---- Ethernet ---- */

/* The PHY's identifier (MR2/MR3; 0/0 reads as QEMU's model, which has no PHY registers). */
void model_eth_set_phy_id(uint16_t mr2, uint16_t mr3);

/*
 * The link goes up or down. Going down latches MR1.LINK low until MR1 is
 * read (IEEE 802.3 22.2.4.2.13). is_negotiated sets MR1.ANEGC while up.
 */
void model_eth_set_link(bool up, bool is_negotiated);

/* MR18 as the PHY reports the autonegotiation result: ANEGF bit 12, DPLX bit 11, RATE bit 10. */
void model_eth_set_mr18(uint16_t mr18);

/*
 * A frame (without FCS) arrives from the wire: the MAC stores its length
 * word, the frame and its FCS in the receive FIFO. Returns 0, or -1 when the
 * receiver is off or the FIFO has no room (the frame is lost: FOV).
 */
int model_eth_rx_frame(const uint8_t *frame, size_t len);

/* Returns the number of frames the MAC transmitted. */
unsigned model_eth_tx_count(void);

/* Returns the last frame sent as the driver queued it (no padding, no FCS), *len its length. */
const uint8_t *model_eth_tx_frame(size_t *len);

/* Returns the FIFO words of the last transmitted frame as the driver wrote them, *n their count. */
const uint32_t *model_eth_tx_words(size_t *n);

/*
 * For the last transmitted frame: how many of its FIFO words were written
 * after the last read of the timestamp counter, and how many bus accesses
 * (model clocks) lay between that read and the NEWTX write.
 */
void model_eth_tx_after_counter_read(unsigned *words, uint64_t *accesses);

/* Returns true while a frame is being sent (MACTR.NEWTX set). */
bool model_eth_tx_is_busy(void);

#endif /* TESTS_FAKES_LM3S6965_MODEL_H */
