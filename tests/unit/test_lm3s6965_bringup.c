/*
 * The EK-LM3S6965 bring-up and the Stellaris drivers, run for real against
 * the register-level chip model (tests/unit/fakes/lm3s6965_model*.c): the
 * board's clock, gates and pins, UART0 to a terminal, the RTC and EEPROM
 * over I2C0, the Ethernet MAC and PHY, the watchdog and reset cause,
 * GPTM0 and SysTick. Built with -DMMIO_MODEL, so every register access of
 * board/lm3s6965evb, hal/stellaris and hal/cortexm goes through the model,
 * which records each datasheet rule broken; every test that runs firmware
 * code checks that none was. Other tests break a rule on purpose, in a
 * sequence written here, to show that the model catches it.
 *
 * The firmware's statics live for the whole program (board_init's clock,
 * the reset cause read once), so the order of the table at the end
 * matters where a test says so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "at24/at24.h"
#include "board.h"
#include "cortexm/cortexm.h"
#include "cortexm/resetmark.h"
#include "cortexm/startup.h"
#include "fakes/at24_model.h"
#include "fakes/ds1338_model.h"
#include "fakes/lm3s6965_model.h"
#include "hal/board.h"
#include "hal/eth.h"
#include "hal/i2c.h"
#include "hal/rtc.h"
#include "hal/sqw.h"
#include "hal/timer.h"
#include "hal/uart.h"
#include "hal/wdt.h"
#include "stellaris/drivers.h"
#include "stellaris/stellaris.h"

/* hal/cortexm/startup.c is Cortex-M code; board.c's vector table names these. */
uint32_t _handler_stack_top;
void Reset_Handler(void)
{
}
void HardFault_Handler(void)
{
}
void Default_Handler(void)
{
}

/* The watchdog's early warning past its assembly entry (hal/stellaris/wdt.c). */
void stellaris_wdt_warning(uint32_t exc_return, const uint32_t *psp, const uint32_t *msp);

#define CPU_HZ              50000000u
#define BAUD                115200u
#define T_2024_05_06_070809 1714979289LL /* Python calendar.timegm */
#define IM_RX               (MAC_RIS_RXINT | MAC_RIS_FOV | MAC_RIS_RXER)
#define IM_RUN              (IM_RX | MAC_RIS_TXEMP) /* and the transmit-complete event */
#define GPTM_RIS(b)         ((b) + 0x01Cu)          /* GPTMRIS; the driver never reads it */

static struct ds1338_model rtc_chip;
static struct at24_model eeprom_chip;

/* ---- helpers ---- */

static void print_violations(void)
{
    unsigned n = model_violations();
    for (unsigned i = 0; i < n && i < MODEL_VIOLATIONS_KEPT; i++) {
        print_error("  model: %s\n", model_violation(i));
    }
}

#define assert_no_violation()                                                                      \
    do {                                                                                           \
        if (model_violations() != 0) {                                                             \
            print_violations();                                                                    \
            fail_msg("%u chip-model violation(s), the first: %s", model_violations(),              \
                     model_violation(0));                                                          \
        }                                                                                          \
    } while (0)

#define assert_violation(text)                                                                     \
    do {                                                                                           \
        if (!model_has_violation(text)) {                                                          \
            print_violations();                                                                    \
            fail_msg("expected a chip-model violation containing \"%s\" (%u recorded)", text,      \
                     model_violations());                                                          \
        }                                                                                          \
    } while (0)

/* Within 1% of the nominal rate: a UART receiver samples mid-bit, 10 bits wide. */
static void assert_baud(uint32_t baud)
{
    assert_in_range(baud, BAUD - BAUD / 100u, BAUD + BAUD / 100u);
}

/* Register checks through the model's back door, failing at the caller's line. */
static void check_bits(uintptr_t reg, uint32_t bits, bool want_set, const char *file, int line)
{
    uint32_t v = model_peek32(reg);
    if ((v & bits) != (want_set ? bits : 0u)) {
        print_error("register 0x%08lx = 0x%08x: bits 0x%08x should all be %s\n", (unsigned long)reg,
                    v, bits, want_set ? "set" : "clear");
        _fail(file, line);
    }
}
#define assert_bits(reg, bits)  check_bits((reg), (bits), true, __FILE__, __LINE__)
#define assert_clear(reg, bits) check_bits((reg), (bits), false, __FILE__, __LINE__)

static int fresh_chip(void **state)
{
    (void)state;
    model_reset();
    model_set_systick_handler(SysTick_Handler);
    return 0;
}

/* A fresh chip brought up as main() does it: board_init, then the timestamp counter. */
static void boot(void)
{
    fresh_chip(NULL);
    int err = board_init();
    assert_no_violation();
    assert_int_equal(err, 0);
    assert_int_equal(timer_init(), 0);
    assert_no_violation();
}

static int booted(void **state)
{
    (void)state;
    boot();
    return 0;
}

/* Lets UART0 finish what is in its FIFO. */
static void drain_uart(void)
{
    for (unsigned i = 0; i < 100000u && (model_peek32(UART_FR(BOARD_UART0_BASE)) & UART_FR_BUSY);
         i++) {
        model_advance_clocks(100u);
    }
    assert_clear(UART_FR(BOARD_UART0_BASE), UART_FR_BUSY);
}

/* ---- before any board_init (order-dependent: board.c's statics are still at reset) ---- */

/* The fault path's console works on a chip nobody has set up: it clocks and muxes UART0 itself. */
static void test_console_polled_on_fresh_chip(void **state)
{
    (void)state;
    if (board_cpu_hz() != BOARD_IOSC_HZ) {
        fail_msg("this test must run before any board_init() in this program");
    }
    static const char msg[] = "panic: at boot\r\n";
    board_console_write_polled(msg, sizeof(msg) - 1u);
    assert_no_violation();
    size_t len;
    assert_string_equal(model_uart_terminal(&len), msg);
    assert_int_equal(len, sizeof(msg) - 1u);
    assert_baud(model_uart_terminal_baud_min());
    assert_baud(model_uart_terminal_baud_max());
    assert_int_equal(model_cpu_hz(), BOARD_IOSC_HZ);
}

/* wdt_reset_cause() reads RESC once, decodes and clears it (before any wdt_init, which reads it) */
static void test_reset_cause_first_read(void **state)
{
    (void)state;
    model_sysctl_set_resc(SYSCTL_RESC_WDT | SYSCTL_RESC_POR);
    assert_int_equal(wdt_reset_cause(), RESET_CAUSE_WATCHDOG);
    assert_int_equal(model_peek32(SYSCTL_RESC), 0);
    model_sysctl_set_resc(SYSCTL_RESC_EXT);
    assert_int_equal(wdt_reset_cause(), RESET_CAUSE_WATCHDOG); /* read once per boot */
    assert_no_violation();
}

/* ---- the bring-up ---- */

static void test_board_init_brings_up_pll(void **state)
{
    (void)state;
    int err = board_init();
    assert_no_violation();
    assert_int_equal(err, 0);

    uint32_t rcc = model_peek32(SYSCTL_RCC);
    assert_int_equal(rcc & SYSCTL_RCC_BYPASS, 0);
    assert_int_equal(rcc & SYSCTL_RCC_USESYSDIV, SYSCTL_RCC_USESYSDIV);
    assert_int_equal((rcc & SYSCTL_RCC_SYSDIV_M) >> 23, 3);
    assert_int_equal(rcc & SYSCTL_RCC_XTAL_M, SYSCTL_RCC_XTAL_8MHZ);
    assert_int_equal(rcc & SYSCTL_RCC_OSCSRC_M, SYSCTL_RCC_OSCSRC_MAIN);
    assert_int_equal(rcc & (SYSCTL_RCC_PWRDN | SYSCTL_RCC_OEN | SYSCTL_RCC_MOSCDIS), 0);
    assert_clear(SYSCTL_RCC2, SYSCTL_RCC2_USERCC2);
    assert_int_equal(board_cpu_hz(), CPU_HZ);
    assert_int_equal(model_cpu_hz(), CPU_HZ);
    struct board_clock bc;
    board_get_clock(&bc);
    assert_false(bc.is_degraded);
    assert_int_equal(bc.cpu_hz, CPU_HZ);

    assert_bits(SYSCTL_PBORCTL, SYSCTL_PBORCTL_BORIOR);
    assert_bits(SYSCTL_RCGC0, SYSCTL_RCGC0_WDT);
    assert_bits(SYSCTL_RCGC1, SYSCTL_RCGC1_UART0 | SYSCTL_RCGC1_I2C0 | SYSCTL_RCGC1_TIMER0);
    assert_bits(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOA | SYSCTL_RCGC2_GPIOB | SYSCTL_RCGC2_GPIOF |
                                  SYSCTL_RCGC2_EMAC0 | SYSCTL_RCGC2_EPHY0);

    /* PA0/PA1: U0Rx/U0Tx, 2 mA push-pull (GPIOPinTypeUART). */
    const uintptr_t pa = GPIO_PORTA_BASE, pb = GPIO_PORTB_BASE, pf = GPIO_PORTF_BASE;
    assert_bits(GPIO_AFSEL(pa), 0x03u);
    assert_bits(GPIO_DEN(pa), 0x03u);
    assert_bits(GPIO_DR2R(pa), 0x03u);
    assert_clear(GPIO_DR4R(pa), 0x03u);
    assert_clear(GPIO_DR8R(pa), 0x03u);
    assert_clear(GPIO_ODR(pa), 0x03u);
    /* PB2/PB3: I2C0SCL/SDA, 2 mA open drain with pull-up (GPIOPinTypeI2C). */
    assert_bits(GPIO_AFSEL(pb), 0x0Cu);
    assert_bits(GPIO_DEN(pb), 0x0Cu);
    assert_bits(GPIO_ODR(pb), 0x0Cu);
    assert_bits(GPIO_PUR(pb), 0x0Cu);
    assert_clear(GPIO_PDR(pb), 0x0Cu);
    assert_bits(GPIO_DR2R(pb), 0x0Cu);
    assert_clear(GPIO_DR4R(pb), 0x0Cu);
    assert_clear(GPIO_DR8R(pb), 0x0Cu);
    /* PF2/PF3: the Ethernet LEDs. */
    assert_bits(GPIO_AFSEL(pf), 0x0Cu);
    assert_bits(GPIO_DEN(pf), 0x0Cu);
    /* The JTAG pin PB7 kept its function. */
    assert_bits(GPIO_AFSEL(pb), 0x80u);

    /* I2C0 master on, SCL at 100 kHz: TPR = 50 MHz / (20 * 100 kHz) - 1. */
    assert_bits(I2C_MCR(BOARD_I2C0_BASE), I2C_MCR_MFE);
    assert_int_equal(model_peek32(I2C_MTPR(BOARD_I2C0_BASE)), 24);
    /* The main oscillator had its 100 ms before anything ran from it. */
    assert_true(model_time_ns() > MODEL_MOSC_SETTLE_US * 1000ull);
}

static void test_board_init_pll_never_locks(void **state)
{
    (void)state;
    model_sysctl_set_pll_never_locks(true);
    int err = board_init();
    assert_no_violation();
    assert_int_equal(err, -ETIMEDOUT);
    assert_bits(SYSCTL_RCC, SYSCTL_RCC_BYPASS);
    assert_int_equal(board_cpu_hz(), BOARD_XTAL_HZ);
    assert_int_equal(model_cpu_hz(), BOARD_XTAL_HZ);
    struct board_clock bc;
    board_get_clock(&bc);
    assert_true(bc.is_degraded);
    assert_int_equal(bc.cpu_hz, BOARD_XTAL_HZ);
    assert_int_equal(bc.nominal_hz, CPU_HZ);
    assert_non_null(strstr(bc.source, "did not lock"));

    /* The console follows the clock it really has: 8 MHz / (16 * 115200) = 4 + 22/64. */
    assert_int_equal(uart_init(), 0);
    assert_int_equal(model_peek32(UART_IBRD(BOARD_UART0_BASE)), 4);
    assert_int_equal(model_peek32(UART_FBRD(BOARD_UART0_BASE)), 22);
    assert_baud(model_uart_baud_at_lcrh());
    model_uart_terminal_clear();
    assert_int_equal(uart_write("slow\r\n", 6), 6);
    uart_flush();
    drain_uart();
    assert_string_equal(model_uart_terminal(NULL), "slow\r\n");
    assert_baud(model_uart_terminal_baud_min());
    assert_baud(model_uart_terminal_baud_max());
    /* The I2C bus stays at 100 kHz: TPR = 8 MHz / 2 MHz - 1. */
    assert_int_equal(model_peek32(I2C_MTPR(BOARD_I2C0_BASE)), 3);
    assert_no_violation();
}

/* A boot loader left RCC2 in charge with the PLL running: the firmware takes RCC back. */
static void test_board_init_after_boot_loader_rcc2(void **state)
{
    (void)state;
    uint32_t rcc = (0x078E3AD1u & ~(SYSCTL_RCC_MOSCDIS | SYSCTL_RCC_OEN | SYSCTL_RCC_XTAL_M)) |
                   SYSCTL_RCC_XTAL_8MHZ;
    uint32_t rcc2 = SYSCTL_RCC2_USERCC2 | (3u << 23); /* SYSDIV2 3, OSCSRC2 main, PLL on */
    model_sysctl_set_warm_start(rcc, rcc2);
    assert_int_equal(model_cpu_hz(), CPU_HZ);
    int err = board_init();
    assert_no_violation();
    assert_int_equal(err, 0);
    assert_clear(SYSCTL_RCC2, SYSCTL_RCC2_USERCC2);
    assert_int_equal(model_cpu_hz(), CPU_HZ);
    assert_int_equal(board_cpu_hz(), CPU_HZ);
}

/*
 * A boot loader (or a debugger) that leaves the PLL locked and in use
 * through RCC: the PLL sets PLLLRIS only when it relocks after a power-up
 * or an XTAL change, so the bring-up powers it down first and waits for a
 * fresh lock (without that, it fell back to 8 MHz, "PLL did not lock").
 */
static void test_board_init_with_pll_already_running(void **state)
{
    (void)state;
    uint32_t rcc = (0x078E3AD1u &
                    ~(SYSCTL_RCC_MOSCDIS | SYSCTL_RCC_OEN | SYSCTL_RCC_PWRDN | SYSCTL_RCC_BYPASS |
                      SYSCTL_RCC_XTAL_M | SYSCTL_RCC_OSCSRC_M | SYSCTL_RCC_SYSDIV_M)) |
                   SYSCTL_RCC_XTAL_8MHZ | SYSCTL_RCC_USESYSDIV | SYSCTL_RCC_SYSDIV(3);
    model_sysctl_set_warm_start(rcc, 0x07802810u);
    assert_int_equal(model_cpu_hz(), CPU_HZ);
    int err = board_init();
    assert_no_violation();
    assert_int_equal(err, 0);
    assert_int_equal(board_cpu_hz(), CPU_HZ);
    assert_int_equal(model_cpu_hz(), CPU_HZ);
}

/* ---- the model's order rules, shown on sequences written here ---- */

/* A driver run before the board clocked its peripheral: every access is a bus fault. */
static void test_uart_before_its_gate_faults(void **state)
{
    (void)state;
    static const struct stellaris_uart_config cfg = {
        .base = BOARD_UART0_BASE,
        .irq = BOARD_IRQ_UART0,
        .clock_hz = BOARD_IOSC_HZ,
        .baud = BAUD,
    };
    stellaris_uart_configure(&cfg);
    assert_int_equal(uart_init(), 0);
    assert_violation("UART0 register 0x4000c030");
    assert_violation("clock gated (RCGC1 bit 0, UART0, clear)");
}

static void test_gate_needs_its_three_clocks(void **state)
{
    (void)state;
    /* Wrong: set the gate and touch the UART in the next clock. */
    mmio_write32(SYSCTL_RCGC1, SYSCTL_RCGC1_UART0);
    (void)mmio_read32(UART_CTL(BOARD_UART0_BASE));
    assert_violation("1 clock(s) after RCGC1 bit 0 (UART0) was set");
    model_clear_violations();
    /* Right: the firmware's gate-enable reads the register back first. */
    stellaris_clock_gate_enable(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOA);
    (void)mmio_read32(GPIO_AFSEL(GPIO_PORTA_BASE));
    /* So does a plain read-back written here. */
    mmio_write32(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOA | SYSCTL_RCGC2_GPIOB);
    (void)mmio_read32(SYSCTL_RCGC2);
    (void)mmio_read32(GPIO_AFSEL(GPIO_PORTB_BASE));
    assert_no_violation();
    /* Or three clocks of anything else. */
    mmio_write32(SYSCTL_RCGC1, SYSCTL_RCGC1_UART0 | SYSCTL_RCGC1_I2C0);
    (void)mmio_read32(SYSCTL_RIS);
    (void)mmio_read32(SYSCTL_RIS);
    (void)mmio_read32(I2C_MCR(BOARD_I2C0_BASE));
    assert_no_violation();
}

/* Clearing BYPASS before PLLLRIS: the core would run on an unlocked PLL. */
static void test_bypass_cleared_before_lock_stops_the_core(void **state)
{
    (void)state;
    uint32_t rcc = mmio_read32(SYSCTL_RCC);
    rcc &= ~SYSCTL_RCC_MOSCDIS;
    mmio_write32(SYSCTL_RCC, rcc);
    model_advance_us(MODEL_MOSC_SETTLE_US);
    rcc = (rcc & ~(SYSCTL_RCC_XTAL_M | SYSCTL_RCC_OSCSRC_M)) | SYSCTL_RCC_XTAL_8MHZ |
          SYSCTL_RCC_OSCSRC_MAIN;
    mmio_write32(SYSCTL_RCC, rcc);
    rcc &= ~(SYSCTL_RCC_PWRDN | SYSCTL_RCC_OEN);
    mmio_write32(SYSCTL_RCC, rcc);
    assert_no_violation();
    assert_int_equal(model_cpu_hz(), BOARD_XTAL_HZ);
    /* Wrong: switch to the PLL at once. */
    rcc = (rcc & ~SYSCTL_RCC_SYSDIV_M) | SYSCTL_RCC_SYSDIV(3) | SYSCTL_RCC_USESYSDIV;
    mmio_write32(SYSCTL_RCC, rcc & ~SYSCTL_RCC_BYPASS);
    assert_violation("core stopped: RCC BYPASS cleared before the PLL locked");
    model_clear_violations();
    /* Right: wait for PLLLRIS, then switch. */
    mmio_write32(SYSCTL_RCC, rcc);
    unsigned polls = 0;
    while ((mmio_read32(SYSCTL_RIS) & SYSCTL_RIS_PLLLRIS) == 0 && polls++ < 100000u) {
    }
    mmio_write32(SYSCTL_RCC, rcc & ~SYSCTL_RCC_BYPASS);
    assert_no_violation();
    assert_int_equal(model_cpu_hz(), CPU_HZ);
}

/* The main oscillator may drive nothing while disabled or before it settled. */
static void test_main_oscillator_needs_enable_and_settling(void **state)
{
    (void)state;
    uint32_t rcc = model_peek32(SYSCTL_RCC);
    uint32_t main8 = (rcc & ~(SYSCTL_RCC_XTAL_M | SYSCTL_RCC_OSCSRC_M)) | SYSCTL_RCC_XTAL_8MHZ;
    mmio_write32(SYSCTL_RCC, main8); /* MOSCDIS still set */
    assert_violation("main oscillator selected (OSCSRC=0, BYPASS) while RCC MOSCDIS is set");
    model_clear_violations();
    mmio_write32(SYSCTL_RCC, main8 & ~SYSCTL_RCC_MOSCDIS); /* enabled and selected at once */
    assert_violation("us after MOSCDIS was cleared: it needs 100000 us to settle");
    assert_int_equal(model_cpu_hz(), BOARD_IOSC_HZ);
}

/* The UART's bytes reach the terminal only through a muxed PA1, and only while it is enabled. */
static void test_uart_pins_and_enable_rules(void **state)
{
    (void)state;
    static const struct stellaris_uart_config cfg = {
        .base = BOARD_UART0_BASE,
        .irq = BOARD_IRQ_UART0,
        .clock_hz = BOARD_IOSC_HZ,
        .baud = BAUD,
    };
    stellaris_clock_gate_enable(SYSCTL_RCGC1, SYSCTL_RCGC1_UART0);
    stellaris_clock_gate_enable(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOA);
    mmio_write32(UART_DR(BOARD_UART0_BASE), 'x');
    assert_violation("UARTCTL.UARTEN is clear: byte lost");
    model_clear_violations();
    stellaris_uart_write_polled(&cfg, "lost", 4);
    assert_violation("UART0 TX on an unmuxed pin");
    assert_string_equal(model_uart_terminal(NULL), "");
}

/* The I2C bus reaches its chips only through PB2/PB3 set up as open-drain I2C pins. */
static void test_i2c_needs_its_pins(void **state)
{
    (void)state;
    static const struct stellaris_i2c_config cfg = {
        .base = BOARD_I2C0_BASE,
        .clock_hz = BOARD_IOSC_HZ,
        .bus_hz = 100000u,
        .timeout_us = 2000u,
    };
    static struct i2c_bus bus;
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1338);
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(timer_init(), 0);
    stellaris_clock_gate_enable(SYSCTL_RCGC1, SYSCTL_RCGC1_I2C0);
    stellaris_clock_gate_enable(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOB);
    assert_int_equal(stellaris_i2c_init(&bus, &cfg), 0);
    uint8_t reg = 0;
    assert_int_equal(i2c_write(&bus, BOARD_RTC_ADDR, &reg, 1), -EIO);
    assert_violation("PB2 (SCL) and PB3 (SDA) need GPIOAFSEL, GPIODEN and GPIOODR");
    model_clear_violations();
    /* Push-pull pins (no ODR) are not enough either. */
    stellaris_pins_for_peripheral(GPIO_PORTB_BASE, BOARD_I2C0_PINS, STELLARIS_PAD_PUSH_PULL);
    assert_int_equal(i2c_write(&bus, BOARD_RTC_ADDR, &reg, 1), -EIO);
    assert_violation("GPIOODR");
    model_clear_violations();
    stellaris_pins_for_peripheral(GPIO_PORTB_BASE, BOARD_I2C0_PINS,
                                  STELLARIS_PAD_OPEN_DRAIN_PULLUP);
    assert_int_equal(i2c_write(&bus, BOARD_RTC_ADDR, &reg, 1), 0);
    assert_no_violation();
}

static void test_unknown_address_is_a_bus_fault(void **state)
{
    (void)state;
    (void)mmio_read32(0x40010000u); /* no peripheral there */
    assert_violation("0x40010000, where the model knows no peripheral");
    model_clear_violations();
    (void)mmio_read32(SYSCTL_BASE + 0x0ECu); /* a hole in system control */
    assert_violation("system control has no register at offset 0x0ec");
    model_clear_violations();
    mmio_write32(SCB_AIRCR, SCB_AIRCR_SYSRESETREQ); /* no VECTKEY */
    assert_violation("without VECTKEY");
    assert_int_equal(model_reset_requests(), 0);
}

static void test_mpu_has_eight_regions_and_checks_them(void **state)
{
    (void)state;
    assert_int_equal((mmio_read32(MPU_TYPE) >> 8) & 0xFFu, 8);
    mmio_write32(MPU_RNR, 0);
    mmio_write32(MPU_RBAR, 0x20000000u);
    mmio_write32(MPU_RASR, MPU_RASR_SIZE(5) | MPU_RASR_XN | MPU_RASR_ENABLE); /* 32 bytes */
    assert_no_violation();
    mmio_write32(MPU_RNR, 1);
    mmio_write32(MPU_RBAR, 0x20000100u);
    mmio_write32(MPU_RASR, MPU_RASR_SIZE(10) | MPU_RASR_ENABLE); /* 1 KiB at a 256-byte boundary */
    assert_violation("not aligned to its size");
    model_clear_violations();
    mmio_write32(MPU_RNR, 8);
    assert_violation("the MPU has 8 regions");
}

/* ---- UART0 ---- */

static void test_uart_init_write_poll(void **state)
{
    (void)state;
    assert_int_equal(uart_init(), 0);
    assert_no_violation();
    /* 50 MHz / (16 * 115200) = 27 + 8/64. */
    assert_int_equal(model_peek32(UART_IBRD(BOARD_UART0_BASE)), 27);
    assert_int_equal(model_peek32(UART_FBRD(BOARD_UART0_BASE)), 8);
    assert_baud(model_uart_baud_at_lcrh());
    assert_true(model_nvic_is_enabled(BOARD_IRQ_UART0));
    assert_int_equal(model_nvic_priority(BOARD_IRQ_UART0), 0x80);

    static const char text[] = "ntp-appliance on lm3s6965evb, more than a FIFO\r\n";
    model_uart_terminal_clear();
    assert_int_equal(uart_write(text, sizeof(text) - 1u), sizeof(text) - 1u);
    /* One pass fills the 16-byte FIFO and returns at once, nothing sent yet. */
    uart_poll();
    assert_bits(UART_FR(BOARD_UART0_BASE), UART_FR_TXFF);
    assert_string_equal(model_uart_terminal(NULL), "");
    /* The main loop's later passes feed it as it drains. */
    unsigned passes = 0;
    while (strlen(model_uart_terminal(NULL)) + 16u < sizeof(text) - 1u) {
        uart_poll();
        if (++passes > 1000000u) {
            fail_msg("the UART never drained");
        }
    }
    uart_flush();
    drain_uart();
    assert_string_equal(model_uart_terminal(NULL), text);
    assert_baud(model_uart_terminal_baud_min());
    assert_baud(model_uart_terminal_baud_max());
    assert_no_violation();
}

static void test_uart_receives_through_its_isr(void **state)
{
    (void)state;
    assert_int_equal(uart_init(), 0);
    assert_true(model_uart_rx('o'));
    assert_true(model_uart_rx('k'));
    assert_true(model_nvic_is_pending(BOARD_IRQ_UART0));
    stellaris_uart_isr();
    assert_int_equal(uart_getc(), 'o');
    assert_int_equal(uart_getc(), 'k');
    assert_int_equal(uart_getc(), -EAGAIN);
    assert_int_equal(model_peek32(UART_MIS(BOARD_UART0_BASE)), 0);
    assert_no_violation();
}

/* After board_init and before uart_init (a fault then): the polled console at 50 MHz. */
static void test_console_polled_after_board_init(void **state)
{
    (void)state;
    board_console_write_polled("fault\r\n", 7);
    assert_no_violation();
    assert_string_equal(model_uart_terminal(NULL), "fault\r\n");
    assert_baud(model_uart_terminal_baud_min());
    assert_baud(model_uart_terminal_baud_max());
    /* And after uart_init, through the same enabled UART. */
    assert_int_equal(uart_init(), 0);
    model_uart_terminal_clear();
    board_console_write_polled("again\r\n", 7);
    assert_no_violation();
    assert_string_equal(model_uart_terminal(NULL), "again\r\n");
    assert_baud(model_uart_terminal_baud_max());
}

/* ---- I2C0: the RTC module ---- */

static void attach_rtc_module(void)
{
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1338);
    ds1338_model_set_time(&rtc_chip, 2024, 5, 6, 7, 8, 9, 1);
    at24_model_init(&eeprom_chip, AT24C32_SIZE, AT24C32_PAGE_SIZE, AT24_WRITE_CYCLE_MAX_US);
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(model_i2c_attach(0x50, &at24_model_ops, &eeprom_chip), 0);
}

static void assert_scl_at_most_bus_hz(void)
{
    assert_true(model_i2c_starts() > 0);
    assert_in_range(model_i2c_scl_hz_max(), 1u, I2C_STANDARD_HZ);
    assert_in_range(model_i2c_scl_hz_min(), I2C_STANDARD_HZ * 9u / 10u, I2C_STANDARD_HZ);
}

static struct board_rtc_module module_found(struct i2c_stats *bus)
{
    struct board_rtc_module m;
    board_rtc_module_get(&m, bus);
    return m;
}

static void test_rtc_reads_through_the_driver(void **state)
{
    (void)state;
    attach_rtc_module();
    struct rtc *rtc = NULL;
    assert_int_equal(board_rtc_module_probe(), 0);
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_AUTO), 0);
    int64_t t = 0;
    assert_int_equal(rtc_read_time(rtc, &t), 0);
    assert_in_range(t, T_2024_05_06_070809, T_2024_05_06_070809 + 1);
    /* Two seconds of chip time later, the time has moved with it. */
    model_advance_us(2000000u);
    assert_int_equal(rtc_read_time_fast(rtc, &t), 0);
    assert_in_range(t, T_2024_05_06_070809 + 2, T_2024_05_06_070809 + 3);
    struct rtc_status st;
    assert_int_equal(rtc_read_status(rtc, &st), 0);
    assert_true(st.is_time_valid);
    assert_scl_at_most_bus_hz();
    assert_no_violation();
}

static void test_eeprom_reads_and_writes(void **state)
{
    (void)state;
    attach_rtc_module();
    assert_int_equal(board_rtc_module_probe(), 0);
    uint8_t out[40], in[40];
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(0xA5u ^ (i * 13u));
    }
    /* 0x1F0..0x217 crosses the page boundary at 0x200: two page writes. */
    assert_int_equal(board_eeprom_write(0x1F0u, out, sizeof(out)), 0);
    assert_int_equal(eeprom_chip.n_write_cycles, 2);
    assert_memory_equal(eeprom_chip.mem + 0x1F0, out, sizeof(out));
    assert_int_equal(board_eeprom_read(0x1F0u, in, sizeof(in)), 0);
    assert_memory_equal(in, out, sizeof(out));
    assert_true(eeprom_chip.n_nacks > 0); /* the driver polled through the write cycle */
    assert_scl_at_most_bus_hz();
    assert_no_violation();
}

/*
 * After a transfer the chip did not acknowledge, the driver sends STOP and
 * waits for it (one SCL period, 500 system clocks at 100 kHz): the
 * controller ignores a command written while it is busy, and config.c's
 * store_read() retries a failed EEPROM read at once (a module without an
 * EEPROM, or one still in its write cycle, does this at boot).
 */
static void test_i2c_transfer_right_after_a_nack(void **state)
{
    (void)state;
    static struct i2c_bus bus;
    static const struct stellaris_i2c_config cfg = {
        .base = BOARD_I2C0_BASE,
        .clock_hz = CPU_HZ,
        .bus_hz = I2C_STANDARD_HZ,
        .timeout_us = 2000u,
        .gpio_base = GPIO_PORTB_BASE,
        .scl_pin = BOARD_I2C0_SCL_PIN,
        .sda_pin = BOARD_I2C0_SDA_PIN,
        .srcr = SYSCTL_SRCR1,
        .srcr_bit = SYSCTL_SRCR1_I2C0,
    };
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1338);
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(stellaris_i2c_init(&bus, &cfg), 0);
    const struct at24 ee = { &bus, 0x50, AT24C32_SIZE, AT24C32_PAGE_SIZE };
    uint8_t buf[8];
    /* No EEPROM at 0x50: the read is not acknowledged. Then store_read's retry. */
    assert_int_equal(at24_read(&ee, 0, buf, sizeof(buf)), -EIO);
    assert_no_violation();
    int err = at24_read(&ee, 0, buf, sizeof(buf));
    assert_no_violation();
    assert_int_equal(err, -EIO);
}

/* ---- the RTC module as people buy it, found at boot ---- */

/* The "ZS-042" DS3231 module: its AT24C32 at 0x57. Fast mode once the DS3231 is known. */
static void test_module_zs042_ds3231_eeprom_at_0x57(void **state)
{
    (void)state;
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS3231);
    ds1338_model_set_time(&rtc_chip, 2024, 5, 6, 7, 8, 9, 1);
    at24_model_init(&eeprom_chip, AT24C32_SIZE, AT24C32_PAGE_SIZE, AT24_WRITE_CYCLE_MAX_US);
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(model_i2c_attach(0x57, &at24_model_ops, &eeprom_chip), 0);
    assert_int_equal(board_rtc_module_probe(), 0);
    struct i2c_stats bus;
    struct board_rtc_module m = module_found(&bus);
    assert_string_equal(m.rtc_found, "DS3231");
    assert_int_equal(m.eeprom_addr7, 0x57);
    assert_string_equal(m.eeprom_how, "found at boot");
    assert_int_equal(board_eeprom_addr(), 0x57);
    /* Found at 100 kHz, which every chip takes. */
    assert_in_range(model_i2c_scl_hz_max(), 1u, I2C_STANDARD_HZ);
    struct rtc *rtc = NULL;
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_AUTO), 0);
    m = module_found(&bus);
    assert_string_equal(m.rtc_chip, "DS3231");
    assert_string_equal(m.rtc_how, "found at boot");
    assert_int_equal(bus.bus_hz, I2C_FAST_HZ);
    int64_t t = 0;
    assert_int_equal(rtc_read_time(rtc, &t), 0);
    assert_in_range(t, T_2024_05_06_070809, T_2024_05_06_070809 + 1);
    assert_in_range(model_i2c_scl_hz_max(), 357000u, I2C_FAST_HZ);
    uint8_t out[4] = { 1, 2, 3, 4 }, in[4];
    assert_int_equal(board_eeprom_write(0x100u, out, sizeof(out)), 0);
    assert_int_equal(board_eeprom_read(0x100u, in, sizeof(in)), 0);
    assert_memory_equal(in, out, sizeof(out));
    assert_memory_equal(&eeprom_chip.mem[0x100], out, sizeof(out));
    /* Nothing on the DS3231 was written as what it is not: no alarm register. */
    assert_int_equal(rtc_chip.writes_mask & 0x3F80u, 0);
    assert_no_violation();
}

/* The "Tiny RTC" DS1307 module: AT24C32 at 0x50, and the DS1307's 100 kHz. */
static void test_module_tiny_rtc_ds1307(void **state)
{
    (void)state;
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1307);
    ds1338_model_set_time(&rtc_chip, 2024, 5, 6, 7, 8, 9, 1);
    at24_model_init(&eeprom_chip, AT24C32_SIZE, AT24C32_PAGE_SIZE, AT24_WRITE_CYCLE_MAX_US);
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    assert_int_equal(model_i2c_attach(0x50, &at24_model_ops, &eeprom_chip), 0);
    assert_int_equal(board_rtc_module_probe(), 0);
    struct rtc *rtc = NULL;
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_AUTO), 0);
    struct i2c_stats bus;
    struct board_rtc_module m = module_found(&bus);
    assert_string_equal(m.rtc_chip, "DS1307/DS1338");
    assert_int_equal(m.eeprom_addr7, 0x50);
    assert_int_equal(bus.bus_hz, I2C_STANDARD_HZ);
    int64_t t = 0;
    assert_int_equal(rtc_read_time(rtc, &t), 0);
    assert_in_range(model_i2c_scl_hz_max(), 1u, I2C_STANDARD_HZ);
    /* The operator knows it is a DS1307: still 100 kHz. */
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_DS1307), 0);
    m = module_found(&bus);
    assert_string_equal(m.rtc_chip, "DS1307");
    assert_string_equal(m.rtc_how, "set with 'rtc chip'");
    assert_int_equal(bus.bus_hz, I2C_STANDARD_HZ);
    assert_no_violation();
}

/* A DS1338 breakout: no EEPROM anywhere (looked for twice, a write cycle apart). */
static void test_module_ds1338_breakout_without_eeprom(void **state)
{
    (void)state;
    ds1338_model_init(&rtc_chip, DS1338_MODEL_DS1338); /* new: OSF set */
    assert_int_equal(model_i2c_attach(BOARD_RTC_ADDR, &ds1338_model_ops, &rtc_chip), 0);
    uint64_t t0 = model_time_ns();
    assert_int_equal(board_rtc_module_probe(), 0);
    assert_true(model_time_ns() - t0 >= AT24_WRITE_CYCLE_MAX_US * 1000ull);
    assert_true(model_time_ns() - t0 < 50000000ull);
    struct i2c_stats bus;
    struct board_rtc_module m = module_found(&bus);
    assert_string_equal(m.rtc_found, "DS1338");
    assert_int_equal(m.eeprom_addr7, 0);
    assert_int_equal(board_eeprom_addr(), 0);
    uint8_t b;
    assert_int_equal(board_eeprom_read(0, &b, 1), -ENODEV);
    assert_int_equal(board_eeprom_write(0, &b, 1), -ENODEV);
    struct rtc *rtc = NULL;
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_AUTO), 0);
    assert_int_equal(module_found(&bus).rtc_chip[0], 'D');
    assert_int_equal(bus.bus_hz, I2C_FAST_HZ);
    /* Not one of the NACKs was taken for a stuck bus, nor is counted as an error. */
    assert_int_equal(bus.recoveries, 0);
    assert_int_equal(bus.errors, 0);
    assert_no_violation();
}

/* A reset in the middle of a read left the RTC holding SDA: the probe clears it first. */
static void test_module_probe_clears_a_stuck_bus(void **state)
{
    (void)state;
    attach_rtc_module();
    model_i2c_hold_sda(8);
    assert_int_equal(board_rtc_module_probe(), 0);
    struct i2c_stats bus;
    struct board_rtc_module m = module_found(&bus);
    assert_int_equal(m.bus_check_err, 0);
    assert_int_equal(bus.stuck_freed, 1);
    assert_int_equal(bus.last_clocks, 8);
    assert_int_equal(m.eeprom_addr7, 0x50);
    assert_non_null(m.rtc_found);
    assert_no_violation();
}

static void test_module_nothing_answers(void **state)
{
    (void)state;
    assert_int_equal(board_rtc_module_probe(), -EIO);
    struct i2c_stats bus;
    assert_null(module_found(&bus).rtc_found);
    struct rtc *rtc = NULL;
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_AUTO), -ENODEV);
    /* Named by the operator, it is bound, and then does not answer. */
    assert_int_equal(board_rtc_init(&rtc, RTC_CHIP_DS3231), -EIO);
    assert_no_violation();
}

/* ---- I2C0: a bus that hangs, and its clear ---- */

/* I2C0 as board.c sets it up, on a bus object of the test's own. */
static const struct stellaris_i2c_config test_i2c_cfg = {
    .base = BOARD_I2C0_BASE,
    .clock_hz = CPU_HZ,
    .bus_hz = I2C_STANDARD_HZ,
    .timeout_us = 2000u,
    .gpio_base = GPIO_PORTB_BASE,
    .scl_pin = BOARD_I2C0_SCL_PIN,
    .sda_pin = BOARD_I2C0_SDA_PIN,
    .srcr = SYSCTL_SRCR1,
    .srcr_bit = SYSCTL_SRCR1_I2C0,
};
static struct i2c_bus test_bus;

static struct i2c_stats bus_stats(void)
{
    struct i2c_stats st;
    i2c_get_stats(&test_bus, &st);
    return st;
}

static int read_seconds(void)
{
    uint8_t reg = 0, regs[7];
    return i2c_write_read(&test_bus, BOARD_RTC_ADDR, &reg, 1, regs, sizeof(regs));
}

static int bus_booted(void **state)
{
    (void)state;
    boot();
    attach_rtc_module();
    assert_int_equal(stellaris_i2c_init(&test_bus, &test_i2c_cfg), 0);
    return 0;
}

/*
 * The MCU was reset in the middle of a read: the RTC, alive on its battery,
 * holds SDA low for the rest of its byte. The next transfer loses
 * arbitration; the driver clocks the RTC free, sends a STOP, resets the
 * controller, and the transfer after it works.
 */
static void test_i2c_stuck_sda_is_cleared_after_arbitration_loss(void **state)
{
    (void)state;
    model_i2c_hold_sda(6);
    unsigned resets = model_i2c_controller_resets();
    uint64_t t0 = model_time_ns();
    assert_int_equal(read_seconds(), -EIO);
    uint64_t took_ns = model_time_ns() - t0;
    assert_false(model_i2c_is_sda_held());
    struct i2c_stats st = bus_stats();
    assert_int_equal(st.errors, 1);
    assert_int_equal(st.recoveries, 1);
    assert_int_equal(st.stuck_freed, 1);
    assert_int_equal(st.stuck_failed, 0);
    assert_int_equal(st.last_clocks, 6);
    assert_int_equal(model_i2c_gpio_pulses(), 6 + 1); /* six to free SDA, one for the STOP */
    assert_int_equal(model_i2c_gpio_stops(), 1);
    assert_int_equal(model_i2c_controller_resets(), resets + 1);
    /* Six 10 us pulses and a STOP: well under a millisecond. */
    assert_true(took_ns < 500000u);
    /* The pins are the controller's again, with their pads as the board set them. */
    assert_bits(GPIO_AFSEL(GPIO_PORTB_BASE), BOARD_I2C0_PINS);
    assert_bits(GPIO_ODR(GPIO_PORTB_BASE), BOARD_I2C0_PINS);
    assert_int_equal(read_seconds(), 0);
    assert_int_equal(bus_stats().recoveries, 1);
    assert_no_violation();
}

/* At boot the check finds the bus held and frees it with all nine pulses. */
static void test_i2c_boot_check_frees_nine_clocks(void **state)
{
    (void)state;
    model_i2c_hold_sda(9);
    assert_int_equal(i2c_recover(&test_bus), 0);
    assert_false(model_i2c_is_sda_held());
    assert_int_equal(bus_stats().last_clocks, 9);
    assert_int_equal(bus_stats().stuck_freed, 1);
    assert_int_equal(read_seconds(), 0);
    assert_no_violation();
}

/* A healthy bus: the check sends a STOP, resets the controller and counts nothing. */
static void test_i2c_boot_check_of_an_idle_bus(void **state)
{
    (void)state;
    assert_int_equal(i2c_recover(&test_bus), 0);
    struct i2c_stats st = bus_stats();
    assert_int_equal(st.recoveries, 0);
    assert_int_equal(st.errors, 0);
    assert_int_equal(read_seconds(), 0);
    assert_no_violation();
}

/* A target that never lets go: nine pulses, then the driver gives up, in bounded time. */
static void test_i2c_sda_held_for_good_is_bounded(void **state)
{
    (void)state;
    model_i2c_hold_sda(1000);
    uint64_t t0 = model_time_ns();
    assert_int_equal(i2c_recover(&test_bus), -EBUSY);
    assert_true(model_time_ns() - t0 < 2000000u); /* CLEAR_LIMIT_US */
    assert_int_equal(model_i2c_gpio_pulses(), I2C_BUS_CLEAR_CLOCKS);
    struct i2c_stats st = bus_stats();
    assert_int_equal(st.recoveries, 1);
    assert_int_equal(st.stuck_failed, 1);
    assert_int_equal(st.stuck_freed, 0);
    /* Transfers fail, each bounded, and the pins always go back to the controller. */
    t0 = model_time_ns();
    assert_int_equal(read_seconds(), -EIO);
    assert_true(model_time_ns() - t0 < 5000000u);
    assert_bits(GPIO_AFSEL(GPIO_PORTB_BASE), BOARD_I2C0_PINS);
    assert_no_violation();
}

/* SCL held low: the command never ends; the time-out runs the clear, which cannot help. */
static void test_i2c_scl_held_times_out_and_is_counted(void **state)
{
    (void)state;
    model_i2c_hold_scl(true);
    uint64_t t0 = model_time_ns();
    assert_int_equal(read_seconds(), -ETIMEDOUT);
    /* One command's time-out (2 ms) and the clear's limit (2 ms). */
    assert_true(model_time_ns() - t0 < 5000000u);
    struct i2c_stats st = bus_stats();
    assert_int_equal(st.errors, 1);
    assert_int_equal(st.recoveries, 1);
    assert_int_equal(st.stuck_failed, 1);
    /* The short goes away: the next transfer works on the reset controller. */
    model_i2c_hold_scl(false);
    assert_int_equal(read_seconds(), 0);
    assert_no_violation();
}

/* The controller follows i2c_set_bus_hz: 400 kHz for the chips that take it. */
static void test_i2c_fast_mode(void **state)
{
    (void)state;
    assert_int_equal(i2c_set_bus_hz(&test_bus, I2C_FAST_HZ), 0);
    assert_int_equal(read_seconds(), 0);
    /* TPR 6: 50 MHz / (20 * 7) = 357 kHz, the fastest at or under 400 kHz (TPR 5 is 417 kHz). */
    assert_in_range(model_i2c_scl_hz_max(), 357000u, I2C_FAST_HZ);
    assert_int_equal(bus_stats().bus_hz, I2C_FAST_HZ);
    /* A controller reset (a bus clear) keeps the rate. */
    assert_int_equal(i2c_recover(&test_bus), 0);
    assert_int_equal(model_peek32(I2C_MTPR(BOARD_I2C0_BASE)), 6);
    assert_int_equal(i2c_set_bus_hz(&test_bus, 1000000u), -EINVAL);
    assert_no_violation();
}

/* The model's own rules: the controller held in reset, a line driven high push-pull. */
static void test_model_catches_i2c_misuse(void **state)
{
    (void)state;
    mmio_set32(SYSCTL_SRCR1, SYSCTL_SRCR1_I2C0);
    (void)mmio_read32(I2C_MCS(BOARD_I2C0_BASE));
    assert_violation("held in reset");
    mmio_clear32(SYSCTL_SRCR1, SYSCTL_SRCR1_I2C0);
    model_clear_violations();
    mmio_clear32(GPIO_ODR(GPIO_PORTB_BASE), BOARD_I2C0_SDA_PIN);
    mmio_set32(GPIO_DIR(GPIO_PORTB_BASE), BOARD_I2C0_SDA_PIN);
    mmio_write32(GPIO_DATA(GPIO_PORTB_BASE, BOARD_I2C0_SDA_PIN), BOARD_I2C0_SDA_PIN);
    mmio_clear32(GPIO_AFSEL(GPIO_PORTB_BASE), BOARD_I2C0_SDA_PIN);
    assert_violation("push-pull");
}

/* ---- GPTM1: the RTC's square wave captured on PD5 (CCP2) ---- */

#define GPTM1 BOARD_TIMER1_BASE

/* The clock a timer_now() value was read in: its counter read is the call's first bus access... */
static uint64_t clock_of_tick0;
static uint64_t tick0;

/* ... so the model's clock count right after it, less the one access after the read, is its clock. */
static void note_tick_origin(void)
{
    tick0 = timer_now();
    clock_of_tick0 = model_clocks() - 1u; /* the ICSR read followed the SysTick read */
}

static uint64_t tick_of_clock(uint64_t clk)
{
    return tick0 + (clk - clock_of_tick0);
}

static int capture_booted(void **state)
{
    (void)state;
    boot();
    model_set_irq_handler(BOARD_IRQ_TIMER1A, stellaris_capture_isr);
    return 0;
}

static void test_sqw_capture_set_up_as_the_datasheet_says(void **state)
{
    (void)state;
    /* board_init: GPTM1 clocked, PD5 carries CCP2 as an input with its pull-up. */
    assert_bits(SYSCTL_RCGC1, SYSCTL_RCGC1_TIMER1);
    assert_bits(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOD);
    assert_bits(GPIO_AFSEL(GPIO_PORTD_BASE), BOARD_SQW_PIN);
    assert_bits(GPIO_DEN(GPIO_PORTD_BASE), BOARD_SQW_PIN);
    assert_bits(GPIO_PUR(GPIO_PORTD_BASE), BOARD_SQW_PIN);
    assert_clear(GPIO_ODR(GPIO_PORTD_BASE), BOARD_SQW_PIN);
    assert_string_equal(sqw_capture_pin(), "PD5 (CCP2)");
    assert_int_equal(sqw_capture_start(), 0);
    assert_int_equal(model_peek32(GPTM_CFG(GPTM1)), GPTM_CFG_16BIT);
    assert_int_equal(model_peek32(GPTM_TAMR(GPTM1)), GPTM_TAMR_CAPTURE | GPTM_TAMR_TACMR);
    assert_int_equal(model_peek32(GPTM_CTL(GPTM1)), GPTM_CTL_TAEN | GPTM_CTL_TAEVENT_NEG);
    assert_int_equal(model_peek32(GPTM_TAILR(GPTM1)), 0xFFFF);
    assert_int_equal(model_peek32(GPTM_IMR(GPTM1)), GPTM_IMR_CAEIM);
    assert_true(model_nvic_is_enabled(BOARD_IRQ_TIMER1A));
    assert_int_equal(model_nvic_priority(BOARD_IRQ_TIMER1A), 0x00);
    sqw_capture_stop();
    assert_clear(GPTM_CTL(GPTM1), GPTM_CTL_TAEN);
    assert_false(model_nvic_is_enabled(BOARD_IRQ_TIMER1A));
    assert_no_violation();
}

/*
 * Three falls of a 1 Hz wave whose RTC runs 17 ppm fast: each stamp is the
 * timestamp counter at the fall, to a tick, though the counter is 16 bits
 * and wraps 760 times a second, and though the interrupt was held off for
 * a millisecond across one of them.
 */
static void test_sqw_capture_stamps_each_fall_to_a_tick(void **state)
{
    (void)state;
    const uint64_t period = 50000850u; /* 1 s at 50 MHz, RTC 17 ppm fast */
    assert_int_equal(sqw_capture_start(), 0);
    note_tick_origin();
    uint64_t first = model_clocks() + 5000000u; /* 100 ms from now */
    model_sqw_start(first, period);
    uint64_t got[4];
    unsigned n = 0;
    for (unsigned ms = 0; ms < 2600u; ms++) {
        if (ms == 1100u) {
            uint32_t primask = irq_save(); /* masked across the second fall */
            model_advance_us(1000u);
            irq_restore(primask);
        } else {
            model_advance_us(1000u);
        }
        uint64_t t;
        while (n < 4u && sqw_capture_take(&t) == 0) {
            got[n++] = t;
        }
    }
    assert_int_equal(n, 3);
    assert_int_equal(model_gptm1_captures(), 3);
    for (unsigned k = 0; k < 3u; k++) {
        uint64_t want = tick_of_clock(first + k * period);
        int64_t err = (int64_t)(got[k] - want);
        if (err < -1 || err > 1) {
            fail_msg("edge %u stamped at %llu, fell at %llu (%lld ticks off)", k,
                     (unsigned long long)got[k], (unsigned long long)want, (long long)err);
        }
    }
    assert_int_equal(sqw_capture_lost(), 0);
    assert_no_violation();
}

/* A pin that does not carry CCP2 (GPIOAFSEL clear) reaches no timer: nothing is stamped. */
static void test_sqw_capture_needs_its_pin(void **state)
{
    (void)state;
    mmio_clear32(GPIO_AFSEL(GPIO_PORTD_BASE), BOARD_SQW_PIN);
    assert_int_equal(sqw_capture_start(), 0);
    model_sqw_start(model_clocks() + 1000u, 50000000u);
    model_advance_us(1500000u);
    uint64_t t;
    assert_int_equal(sqw_capture_take(&t), -EAGAIN);
    assert_int_equal(model_gptm1_captures(), 0);
    /* And the level on the pin reads as GPIO: low in the first half of the second. */
    assert_int_equal(mmio_read32(GPIO_DATA(GPIO_PORTD_BASE, BOARD_SQW_PIN)), 0);
    assert_no_violation();
}

/* The model's rule: GPTM1 enabled in a mode it does not model. */
static void test_model_catches_gptm_misuse(void **state)
{
    (void)state;
    mmio_write32(GPTM_CFG(GPTM1), GPTM_CFG_16BIT);
    mmio_write32(GPTM_TAMR(GPTM1), GPTM_TAMR_PERIODIC);
    mmio_write32(GPTM_CTL(GPTM1), GPTM_CTL_TAEN);
    assert_violation("GPTM1 enabled with CFG 4");
    model_clear_violations();
    mmio_write32(GPTM_TAMR(GPTM1), GPTM_TAMR_CAPTURE);
    assert_violation("GPTM1 GPTMTAMR written while Timer A is enabled");
}

/* ---- Ethernet ---- */

static const uint8_t test_mac[6] = { 0x00, 0x1A, 0xB6, 0x01, 0x02, 0x03 };

static void eth_up(void)
{
    boot();
    assert_int_equal(eth_init(test_mac), 0);
    assert_no_violation();
    /* The driver remembers the last link state: start each test from a link that is down. */
    model_eth_set_link(false, false);
    struct eth_link l;
    eth_link_poll(&l);
    assert_false(l.up);
}

static int eth_booted(void **state)
{
    (void)state;
    eth_up();
    return 0;
}

static void test_eth_init_registers(void **state)
{
    (void)state;
    const uintptr_t b = BOARD_ETH_BASE;
    assert_int_equal(model_peek32(MAC_IA0(b)), 0x01B61A00u);
    assert_int_equal(model_peek32(MAC_IA1(b)), 0x0302u);
    assert_bits(MAC_RCTL(b), MAC_RCTL_RXEN);
    assert_clear(MAC_RCTL(b), MAC_RCTL_AMUL | MAC_RCTL_PRMS);
    assert_bits(MAC_TCTL(b), MAC_TCTL_TXEN | MAC_TCTL_PADEN | MAC_TCTL_CRC);
    assert_int_equal(model_peek32(MAC_IM(b)), IM_RUN);
    /* MDC = 50 MHz / (2 * (MDV + 1)) <= 2.5 MHz. */
    assert_true(CPU_HZ / (2u * (model_peek32(MAC_MDV(b)) + 1u)) <= 2500000u);
    assert_true(model_nvic_is_enabled(BOARD_IRQ_ETH));
    assert_int_equal(model_nvic_priority(BOARD_IRQ_ETH), 0x20);
}

static void test_eth_link_100_full(void **state)
{
    (void)state;
    model_eth_set_mr18(PHY_MR18_RATE | PHY_MR18_DPLX);
    model_eth_set_link(true, true);
    struct eth_link l;
    eth_link_poll(&l);
    assert_true(l.up);
    assert_true(l.full_duplex);
    assert_true(l.is_negotiated);
    assert_int_equal(l.speed_mbps, 100);
    assert_bits(MAC_TCTL(BOARD_ETH_BASE), MAC_TCTL_DUPLEX | MAC_TCTL_TXEN);
    assert_no_violation();
}

static void test_eth_link_10_half(void **state)
{
    (void)state;
    model_eth_set_mr18(0);
    model_eth_set_link(true, true);
    struct eth_link l;
    eth_link_poll(&l);
    assert_true(l.up);
    assert_false(l.full_duplex);
    assert_int_equal(l.speed_mbps, 10);
    assert_clear(MAC_TCTL(BOARD_ETH_BASE), MAC_TCTL_DUPLEX);
    assert_bits(MAC_TCTL(BOARD_ETH_BASE), MAC_TCTL_TXEN);
    /* Down, then up again at 100 full: the MAC follows. */
    model_eth_set_link(false, false);
    eth_link_poll(&l);
    assert_false(l.up);
    model_eth_set_mr18(PHY_MR18_RATE | PHY_MR18_DPLX);
    model_eth_set_link(true, true);
    eth_link_poll(&l);
    assert_true(l.full_duplex);
    assert_bits(MAC_TCTL(BOARD_ETH_BASE), MAC_TCTL_DUPLEX);
    assert_no_violation();
}

static void test_eth_link_without_phy_identity(void **state)
{
    (void)state;
    model_eth_set_phy_id(0, 0); /* as QEMU: every MII read is 0 */
    struct eth_link l;
    eth_link_poll(&l);
    assert_true(l.up);
    assert_true(l.full_duplex);
    assert_int_equal(l.speed_mbps, 0);
    assert_bits(MAC_TCTL(BOARD_ETH_BASE), MAC_TCTL_DUPLEX | MAC_TCTL_TXEN);
    assert_no_violation();
}

/*
 * A link that goes down and comes back between two polls (500 ms in net.c)
 * with another duplex: MR1's first, latched-low read says it dropped
 * (IEEE 802.3 22.2.4.2.13), so the MAC takes the new duplex and the link is
 * reported as bounced, for the net layer to start DHCP and ARP over.
 */
static void test_eth_link_bounce_between_polls(void **state)
{
    (void)state;
    model_eth_set_mr18(PHY_MR18_RATE | PHY_MR18_DPLX);
    model_eth_set_link(true, true);
    struct eth_link l;
    eth_link_poll(&l);
    assert_true(l.full_duplex);
    /* Replugged into a 10 Mb/s half-duplex hub between two polls. */
    model_eth_set_link(false, false);
    model_eth_set_mr18(0);
    model_eth_set_link(true, true);
    eth_link_poll(&l);
    assert_no_violation();
    bool mac_full = (model_peek32(MAC_TCTL(BOARD_ETH_BASE)) & MAC_TCTL_DUPLEX) != 0;
    assert_true(l.up && l.has_bounced); /* the net layer hears of the outage */
    assert_false(l.full_duplex);
    assert_int_equal(mac_full, l.full_duplex);
    eth_link_poll(&l); /* and the next poll is a steady link again */
    assert_true(l.up && !l.has_bounced);
}

static void make_frame(uint8_t *f, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        f[i] = (uint8_t)(seed + i * 7u);
    }
}

/* Loads frames of the given lengths into the MAC, runs the ISR, takes them out intact. */
static void rx_and_take(const size_t *lens, size_t n, uint8_t seed)
{
    static uint8_t frames[8][ETH_FRAME_MAX];
    for (size_t i = 0; i < n; i++) {
        make_frame(frames[i], lens[i], (uint8_t)(seed + i * 31u));
        assert_int_equal(model_eth_rx_frame(frames[i], lens[i]), 0);
    }
    assert_int_equal(model_peek32(MAC_NP(BOARD_ETH_BASE)), n);
    assert_true(model_nvic_is_pending(BOARD_IRQ_ETH));
    stellaris_eth_isr();
    assert_int_equal(model_peek32(MAC_NP(BOARD_ETH_BASE)), 0);
    for (size_t i = 0; i < n; i++) {
        struct eth_frame f;
        assert_int_equal(eth_rx_take(&f), 0);
        assert_int_equal(f.len, lens[i]);
        assert_memory_equal(f.data, frames[i], lens[i]);
        assert_int_equal(((uintptr_t)f.data + 2u) % 4u, 0); /* the IP header word-aligned */
        eth_rx_release();
    }
    struct eth_frame f;
    assert_int_equal(eth_rx_take(&f), -EAGAIN);
}

static void test_eth_rx_frames_intact(void **state)
{
    (void)state;
    /* Every tail length (the last FIFO word holds 0-3 frame bytes before the FCS). */
    static const size_t small[] = { 60, 61, 62, 63, 64, 590 };
    rx_and_take(small, 6, 0x11);
    /* A full-size frame fills most of the 2 KB FIFO on its own. */
    static const size_t big[] = { ETH_FRAME_MAX };
    rx_and_take(big, 1, 0x77);
    assert_no_violation();
}

static void test_eth_rx_storm_is_throttled(void **state)
{
    (void)state;
    struct eth_stats before, after;
    eth_get_stats(&before);
    uint8_t frame[60];
    for (unsigned i = 0; i < 11u; i++) {
        make_frame(frame, sizeof(frame), (uint8_t)i);
        assert_int_equal(model_eth_rx_frame(frame, sizeof(frame)), 0);
    }
    stellaris_eth_isr();
    eth_get_stats(&after);
    assert_int_equal(after.rx_frames - before.rx_frames, 8);
    assert_int_equal(after.rx_throttled - before.rx_throttled, 1);
    assert_int_equal(model_peek32(MAC_IM(BOARD_ETH_BASE)), 0);
    assert_int_equal(model_peek32(MAC_NP(BOARD_ETH_BASE)), 3);
    /* No new frame arrives: only the main loop's pass can bring the rest in. */
    model_nvic_clear_pending(BOARD_IRQ_ETH);
    eth_poll();
    assert_int_equal(model_peek32(MAC_IM(BOARD_ETH_BASE)), IM_RUN);
    assert_true(model_nvic_is_pending(BOARD_IRQ_ETH));
    stellaris_eth_isr();
    eth_get_stats(&after);
    assert_int_equal(after.rx_frames - before.rx_frames, 11);
    assert_int_equal(model_peek32(MAC_NP(BOARD_ETH_BASE)), 0);
    for (unsigned i = 0; i < 11u; i++) {
        struct eth_frame f;
        assert_int_equal(eth_rx_take(&f), 0);
        make_frame(frame, sizeof(frame), (uint8_t)i);
        assert_memory_equal(f.data, frame, sizeof(frame));
        eth_rx_release();
    }
    assert_no_violation();
}

static void test_eth_send_fills_the_fifo(void **state)
{
    (void)state;
    uint8_t frame[43];
    make_frame(frame, sizeof(frame), 0x40);
    assert_int_equal(eth_send(frame, sizeof(frame)), 0);
    assert_bits(MAC_TR(BOARD_ETH_BASE), MAC_TR_NEWTX);
    assert_int_equal(model_eth_tx_count(), 1);
    size_t n;
    const uint32_t *w = model_eth_tx_words(&n);
    assert_int_equal(n, 1u + (sizeof(frame) - 2u + 3u) / 4u);
    assert_int_equal(w[0], (uint32_t)(sizeof(frame) - 14u) | ((uint32_t)frame[0] << 16) |
                               ((uint32_t)frame[1] << 24));
    assert_int_equal(w[1], (uint32_t)frame[2] | ((uint32_t)frame[3] << 8) |
                               ((uint32_t)frame[4] << 16) | ((uint32_t)frame[5] << 24));
    assert_int_equal(w[n - 1], (uint32_t)frame[42]); /* the tail word, zero-filled */
    size_t len;
    const uint8_t *sent = model_eth_tx_frame(&len);
    assert_int_equal(len, sizeof(frame));
    assert_memory_equal(sent, frame, sizeof(frame));
    /* A second frame waits for the first to leave (NEWTX), then goes. */
    make_frame(frame, sizeof(frame), 0x80);
    assert_int_equal(eth_send(frame, sizeof(frame)), 0);
    assert_int_equal(model_eth_tx_count(), 2);
    sent = model_eth_tx_frame(&len);
    assert_memory_equal(sent, frame, sizeof(frame));
    assert_int_equal(eth_send(frame, 13), -EINVAL);
    assert_no_violation();
}

/* ---- the one-step transmit stamp and the transmit-complete event ---- */

/* A 90-byte frame: Ethernet, IPv4, UDP, a 48-byte payload; (frame + 2) word-aligned. */
static uint32_t stamp_buf[24];
#define STAMP_FRAME_LEN 90u
#define STAMP_CSUM_OFF  40u

/* One's-complement sum of big-endian 16-bit words, folded. */
static uint16_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1u < n; i += 2u) {
        s += ((uint32_t)p[i] << 8) | p[i + 1u];
    }
    while (s >> 16) {
        s = (s & 0xFFFFu) + (s >> 16);
    }
    return (uint16_t)s;
}

/* The UDP pseudo header and datagram of frame summed (the checksum field included as it is). */
static uint16_t udp_sum(const uint8_t *frame)
{
    const uint8_t *ip = frame + 14;
    uint32_t s = sum16(ip + 12, 8, 0) + 17u + 56u;
    return sum16(ip + 20, 56, s);
}

/* Builds the frame with a stamp of zeros; returns the checksum base eth.h asks for. */
static uint8_t *stamp_frame(uint8_t seed, uint16_t *csum_base)
{
    uint8_t *f = (uint8_t *)stamp_buf + 2;
    make_frame(f, STAMP_FRAME_LEN, seed);
    static const uint8_t hdr[] = {
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x1A, 0xB6, 0x01, 0x02, 0x03,
        0x08, 0x00,                                                             /* eth */
        0x45, 0x00, 0x00, 76,   0x12, 0x34, 0x00, 0x00, 0xFF, 17,   0x00, 0x00, /* IPv4 */
        10,   0,    2,    15,   10,   0,    2,    2,                            /* addresses */
        0x00, 123,  0xC0, 0x01, 0x00, 56,   0x00, 0x00,                         /* UDP */
    };
    memcpy(f, hdr, sizeof(hdr));
    memset(f + STAMP_FRAME_LEN - 8u, 0, 8);
    *csum_base = udp_sum(f);
    return f;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void test_eth_send_stamped_at_the_last_moment(void **state)
{
    (void)state;
    uint16_t base_sum;
    uint8_t *frame = stamp_frame(0x31, &base_sum);
    struct eth_tx_stamp st = {
        .base_ticks = timer_now(),
        .base = 0xECD07B30FFFFFF00ull, /* the stamp's low word wraps into the high one */
        .per_tick_q16 = 5629500u,      /* 2^32 / 50 MHz NTP units per tick, 16 fraction bits */
        .low_mask = 0x7Fu,
        .low_bits = 0x55u,
        .min = 0xECD07B3000000000ull, /* below: it does not bind (differences modulo 2^64) */
        .csum_off = STAMP_CSUM_OFF,
        .csum_base = base_sum,
    };
    model_advance_clocks(5000u); /* time passes between the plan and the send */
    uint32_t seq = eth_tx_seq();
    assert_int_equal(eth_send_stamped(frame, STAMP_FRAME_LEN, &st), 0);
    assert_int_equal(eth_tx_seq(), seq + 1u);
    size_t len;
    const uint8_t *sent = model_eth_tx_frame(&len);
    assert_int_equal(len, STAMP_FRAME_LEN);
    assert_memory_equal(sent, frame, STAMP_CSUM_OFF);
    assert_memory_equal(sent + 42, frame + 42, STAMP_FRAME_LEN - 42u - 8u);
    /* The stamp: the counter read mapped along the line given, fuzzed, as reported. */
    assert_true(st.ticks >= st.base_ticks + 5000u && st.ticks <= timer_now());
    uint64_t want = st.base + (((st.ticks - st.base_ticks) * st.per_tick_q16) >> 16);
    want = (want & ~(uint64_t)0x7Fu) | 0x55u;
    assert_true(st.value == want);
    assert_true(get_be64(sent + STAMP_FRAME_LEN - 8u) == want);
    assert_true(want >> 32 == 0xECD07B31u);
    /* The UDP checksum verifies with the stamp in it. */
    assert_int_equal(udp_sum(sent), 0xFFFF);
    /* Read after the rest of the frame was in: only the checksum word, the 10 words after it
     * and the stamp's 2 followed, then NEWTX, with no other bus access in between. */
    unsigned words;
    uint64_t accesses;
    model_eth_tx_after_counter_read(&words, &accesses);
    assert_int_equal(words, 13);
    assert_int_equal(accesses, 14);
    assert_no_violation();
}

static void test_eth_send_stamped_floor_and_layout(void **state)
{
    (void)state;
    uint16_t base_sum;
    uint8_t *frame = stamp_frame(0x47, &base_sum);
    /* The floor: a stamp that would come out below min (the previous one) does not. */
    struct eth_tx_stamp st = {
        .base_ticks = timer_now(),
        .base = 0xECD07B3000001000ull,
        .per_tick_q16 = 5629500u,
        .low_mask = 0xFFu,
        .low_bits = 0x01u,
        .min = 0xECD07B3000002000ull,
        .csum_off = STAMP_CSUM_OFF,
        .csum_base = base_sum,
    };
    assert_int_equal(eth_send_stamped(frame, STAMP_FRAME_LEN, &st), 0);
    assert_true(st.value >= st.min && (st.value & 0xFFu) == 0x01u);
    size_t len;
    assert_int_equal(udp_sum(model_eth_tx_frame(&len)), 0xFFFF);
    /* Layouts the driver cannot stamp. */
    struct eth_tx_stamp bad = st;
    unsigned count = model_eth_tx_count();
    assert_int_equal(eth_send_stamped(frame + 1, STAMP_FRAME_LEN, &bad), -EINVAL);  /* unaligned */
    assert_int_equal(eth_send_stamped(frame, STAMP_FRAME_LEN - 4u, &bad), -EINVAL); /* odd tail */
    assert_int_equal(eth_send_stamped(frame, STAMP_FRAME_LEN + 1u, &bad), -EINVAL);
    bad.csum_off = STAMP_CSUM_OFF + 2u;
    assert_int_equal(eth_send_stamped(frame, STAMP_FRAME_LEN, &bad), -EINVAL);
    assert_int_equal(model_eth_tx_count(), count);
    assert_no_violation();
}

/* TXEMP is the transmit-complete event: the interrupt stamps it for the frame NEWTX started. */
static void test_eth_tx_complete_event(void **state)
{
    (void)state;
    struct eth_tx_done d;
    while (eth_tx_done_take(&d) == 0) {
    }
    uint8_t frame[90];
    make_frame(frame, sizeof(frame), 0x21);
    assert_int_equal(eth_send(frame, sizeof(frame)), 0);
    uint32_t seq = eth_tx_seq();
    uint64_t sent_at = timer_now();
    assert_true(model_eth_tx_is_busy());
    stellaris_eth_isr(); /* while the frame is still going: no event */
    assert_int_equal(eth_tx_done_take(&d), -EAGAIN);
    while (model_eth_tx_is_busy()) {
        model_advance_clocks(16u);
    }
    uint64_t done_at = timer_now();
    assert_true(model_nvic_is_pending(BOARD_IRQ_ETH));
    stellaris_eth_isr();
    assert_int_equal(eth_tx_done_take(&d), 0);
    assert_int_equal(d.seq, seq);
    assert_true(d.ticks > sent_at && d.ticks >= done_at);
    /* 90 bytes + FCS, preamble and gap at 100 Mb/s: about 9 us, 450 ticks at 50 MHz. */
    assert_true(done_at - sent_at >= 400u);
    assert_int_equal(eth_tx_done_take(&d), -EAGAIN);
    /* Events the main loop does not take are counted as lost, not overwritten (built with 4
     * slots here: ETH_TX_DONE_SLOTS in the .mk). */
    struct eth_stats before, after;
    eth_get_stats(&before);
    for (unsigned i = 0; i < 6u; i++) {
        assert_int_equal(eth_send(frame, sizeof(frame)), 0);
        while (model_eth_tx_is_busy()) {
            model_advance_clocks(16u);
        }
        stellaris_eth_isr();
    }
    eth_get_stats(&after);
    assert_int_equal(after.tx_done - before.tx_done + after.tx_done_lost - before.tx_done_lost, 6);
    assert_int_equal(after.tx_done_lost - before.tx_done_lost, 2);
    assert_int_equal(eth_tx_done_take(&d), 0);
    assert_int_equal(d.seq, seq + 1u); /* the oldest kept */
    assert_no_violation();
}

/* The duplex rule, on a sequence written here. */
static void test_duplex_change_needs_transmitter_off(void **state)
{
    (void)state;
    uint32_t tctl = model_peek32(MAC_TCTL(BOARD_ETH_BASE));
    mmio_write32(MAC_TCTL(BOARD_ETH_BASE), tctl ^ MAC_TCTL_DUPLEX);
    assert_violation("MACTCTL.DUPLEX changed");
}

/* ---- watchdog and reset cause ---- */

static void test_reset_cause_decode(void **state)
{
    (void)state;
    static const struct {
        uint32_t resc;
        enum reset_cause cause;
    } cases[] = {
        { SYSCTL_RESC_WDT, RESET_CAUSE_WATCHDOG },
        { SYSCTL_RESC_SW, RESET_CAUSE_SOFTWARE },
        { SYSCTL_RESC_BOR, RESET_CAUSE_BROWN_OUT },
        { SYSCTL_RESC_POR, RESET_CAUSE_POWER_ON },
        { SYSCTL_RESC_EXT, RESET_CAUSE_PIN },
        { SYSCTL_RESC_LDO, RESET_CAUSE_LDO },
        { SYSCTL_RESC_POR | SYSCTL_RESC_EXT, RESET_CAUSE_POWER_ON },
        { SYSCTL_RESC_POR | SYSCTL_RESC_BOR, RESET_CAUSE_BROWN_OUT },
        { SYSCTL_RESC_POR | SYSCTL_RESC_WDT, RESET_CAUSE_WATCHDOG },
        { SYSCTL_RESC_SW | SYSCTL_RESC_EXT, RESET_CAUSE_SOFTWARE },
        { 0, RESET_CAUSE_UNKNOWN },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        model_sysctl_set_resc(cases[i].resc);
        uint32_t raw = 0xDEADu;
        assert_int_equal(stellaris_reset_cause_take(&raw), cases[i].cause);
        assert_int_equal(raw, cases[i].resc);
        assert_int_equal(model_peek32(SYSCTL_RESC), 0);
        /* A cause the hardware reports is final: the .noinit marker does not change it. */
        if (cases[i].cause != RESET_CAUSE_UNKNOWN) {
            assert_int_equal(resetmark_boot(cases[i].cause), cases[i].cause);
        }
    }
    assert_no_violation();
}

static void test_wdt_init(void **state)
{
    (void)state;
    assert_int_equal(wdt_init(4000u), 0);
    assert_no_violation();
    const uintptr_t b = BOARD_WDT_BASE;
    assert_int_equal(model_peek32(WDT_LOAD(b)), (CPU_HZ / 1000u) * 2000u);
    assert_int_equal(model_peek32(WDT_CTL(b)), WDT_CTL_INTEN | WDT_CTL_RESEN);
    assert_bits(WDT_TEST(b), WDT_TEST_STALL);
    assert_int_equal(model_peek32(WDT_LOCK(b)), 1);
    assert_true(model_nvic_is_enabled(BOARD_IRQ_WATCHDOG));
    assert_int_equal(model_nvic_priority(BOARD_IRQ_WATCHDOG), 0x40);
}

static void test_wdt_feed(void **state)
{
    (void)state;
    const uintptr_t b = BOARD_WDT_BASE;
    assert_int_equal(wdt_init(4000u), 0);
    uint32_t load = model_peek32(WDT_LOAD(b));
    model_advance_clocks(1000000u);
    assert_true(model_peek32(WDT_VALUE(b)) < load - 1000000u + 16u);
    wdt_feed();
    assert_no_violation();
    assert_in_range(model_peek32(WDT_VALUE(b)), load - 16u, load);
    assert_int_equal(model_peek32(WDT_LOCK(b)), 1);
    /* The lock holds: a write from here is ignored. */
    mmio_write32(WDT_LOAD(b), 1u);
    assert_violation("while WDTLOCK is locked");
    assert_int_equal(model_peek32(WDT_LOAD(b)), load);
}

/* The first time-out warns, the second resets; a feed in between re-arms the warning. */
static void test_wdt_warning_then_reset(void **state)
{
    (void)state;
    const uintptr_t b = BOARD_WDT_BASE;
    assert_int_equal(wdt_init(2u), 0); /* LOAD: 1 ms */
    uint32_t load = model_peek32(WDT_LOAD(b));
    model_advance_clocks(load + 10u);
    assert_int_equal(model_peek32(WDT_RIS(b)), 1);
    assert_true(model_nvic_is_pending(BOARD_IRQ_WATCHDOG));
    /* The early-warning handler (its assembly entry is empty on the host). */
    stellaris_wdt_warning(0, NULL, NULL);
    assert_false(model_nvic_is_enabled(BOARD_IRQ_WATCHDOG));
    wdt_feed();
    assert_int_equal(model_peek32(WDT_RIS(b)), 0);
    assert_true(model_nvic_is_enabled(BOARD_IRQ_WATCHDOG));
    model_advance_clocks(2u * load + 10u);
    assert_int_equal(model_wdt_resets(), 1);
    assert_bits(SYSCTL_RESC, SYSCTL_RESC_WDT);
    assert_no_violation();
}

static void test_system_reset_request(void **state)
{
    (void)state;
    jmp_buf jb;
    if (setjmp(jb) == 0) {
        model_set_reset_jump(&jb);
        wdt_system_reset();
    }
    model_set_reset_jump(NULL);
    assert_int_equal(model_reset_requests(), 1);
    assert_no_violation();
    /* The next boot, with a RESC that says nothing, finds the software's note. */
    assert_int_equal(resetmark_boot(RESET_CAUSE_UNKNOWN), RESET_CAUSE_SOFTWARE);
}

/* ---- the factory MAC address ---- */

static void test_factory_mac(void **state)
{
    (void)state;
    uint8_t mac[6];
    model_sysctl_set_user_regs(0x00B61A00u, 0x00563412u);
    assert_int_equal(board_get_factory_mac(mac), 0);
    static const uint8_t want[6] = { 0x00, 0x1A, 0xB6, 0x12, 0x34, 0x56 };
    assert_memory_equal(mac, want, 6);
    model_sysctl_set_user_regs(0xFFFFFFFFu, 0xFFFFFFFFu);
    assert_int_equal(board_get_factory_mac(mac), -ENODATA);
    model_sysctl_set_user_regs(0x00B61A00u, 0xFFFFFFFFu);
    assert_int_equal(board_get_factory_mac(mac), -ENODATA);
    assert_no_violation();
}

/* ---- timers ---- */

static void test_timer_wakeup_start(void **state)
{
    (void)state;
    const uintptr_t b = BOARD_TIMER0_BASE;
    assert_int_equal(timer_wakeup_start(1000u), 0);
    assert_no_violation();
    assert_int_equal(model_peek32(GPTM_CFG(b)), GPTM_CFG_32BIT);
    assert_int_equal(model_peek32(GPTM_TAMR(b)), GPTM_TAMR_PERIODIC);
    assert_int_equal(model_peek32(GPTM_TAILR(b)), CPU_HZ / 1000u - 1u);
    assert_bits(GPTM_CTL(b), GPTM_CTL_TAEN);
    assert_bits(GPTM_IMR(b), GPTM_IMR_TATOIM);
    assert_int_equal(model_nvic_priority(BOARD_IRQ_TIMER0A), 0xC0);
    model_advance_clocks(CPU_HZ / 1000u + 10u);
    assert_true(model_nvic_is_pending(BOARD_IRQ_TIMER0A));
    stellaris_gptm_isr();
    assert_int_equal(model_peek32(GPTM_RIS(b)), 0);
    assert_int_equal(timer_wakeup_start(0), -EINVAL);
    /* Restarting reconfigures with the timer stopped first. */
    assert_int_equal(timer_wakeup_start(100u), 0);
    assert_no_violation();
}

/* |a - b| <= tol: a timestamp read a few accesses before or after the model's count. */
static void assert_near(uint64_t a, uint64_t b, uint64_t tol)
{
    assert_in_range(a, b - tol, b + tol);
}

/* timer_now() counts core clocks across SysTick wraps (its interrupt taken by the model). */
static void test_timer_now_counts_clocks(void **state)
{
    (void)state;
    uint64_t t0 = timer_now();
    uint64_t c0 = model_clocks();
    model_advance_clocks(3u * 0x01000000u + 12345u);
    uint64_t t1 = timer_now();
    uint64_t c1 = model_clocks();
    assert_near(t1 - t0, c1 - c0, 4u);
    /* A wrap whose interrupt has not run yet (masked, as inside a handler) still counts once. */
    uint32_t primask = irq_save();
    model_advance_clocks(0x01000000u - 100u);
    uint64_t t2 = timer_now();
    assert_near(t2 - t1, model_clocks() - c1, 4u);
    irq_restore(primask);
    uint64_t t3 = timer_now();
    assert_near(t3 - t1, model_clocks() - c1, 4u);
    uint64_t c3 = model_clocks();
    timer_delay_us(100u);
    assert_in_range(model_clocks() - c3, 100u * (CPU_HZ / 1000000u), 110u * (CPU_HZ / 1000000u));
    assert_no_violation();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* Order-dependent: these need board.c and wdt.c as the program started. */
        cmocka_unit_test_setup(test_console_polled_on_fresh_chip, fresh_chip),
        cmocka_unit_test_setup(test_reset_cause_first_read, fresh_chip),

        cmocka_unit_test_setup(test_board_init_brings_up_pll, fresh_chip),
        cmocka_unit_test_setup(test_board_init_pll_never_locks, fresh_chip),
        cmocka_unit_test_setup(test_board_init_after_boot_loader_rcc2, fresh_chip),
        cmocka_unit_test_setup(test_board_init_with_pll_already_running, fresh_chip),

        cmocka_unit_test_setup(test_uart_before_its_gate_faults, fresh_chip),
        cmocka_unit_test_setup(test_gate_needs_its_three_clocks, fresh_chip),
        cmocka_unit_test_setup(test_bypass_cleared_before_lock_stops_the_core, fresh_chip),
        cmocka_unit_test_setup(test_main_oscillator_needs_enable_and_settling, fresh_chip),
        cmocka_unit_test_setup(test_uart_pins_and_enable_rules, fresh_chip),
        cmocka_unit_test_setup(test_i2c_needs_its_pins, fresh_chip),
        cmocka_unit_test_setup(test_unknown_address_is_a_bus_fault, fresh_chip),
        cmocka_unit_test_setup(test_mpu_has_eight_regions_and_checks_them, fresh_chip),

        cmocka_unit_test_setup(test_uart_init_write_poll, booted),
        cmocka_unit_test_setup(test_uart_receives_through_its_isr, booted),
        cmocka_unit_test_setup(test_console_polled_after_board_init, booted),

        cmocka_unit_test_setup(test_rtc_reads_through_the_driver, booted),
        cmocka_unit_test_setup(test_eeprom_reads_and_writes, booted),
        cmocka_unit_test_setup(test_i2c_transfer_right_after_a_nack, booted),
        cmocka_unit_test_setup(test_module_zs042_ds3231_eeprom_at_0x57, booted),
        cmocka_unit_test_setup(test_module_tiny_rtc_ds1307, booted),
        cmocka_unit_test_setup(test_module_ds1338_breakout_without_eeprom, booted),
        cmocka_unit_test_setup(test_module_probe_clears_a_stuck_bus, booted),
        cmocka_unit_test_setup(test_module_nothing_answers, booted),
        cmocka_unit_test_setup(test_i2c_stuck_sda_is_cleared_after_arbitration_loss, bus_booted),
        cmocka_unit_test_setup(test_i2c_boot_check_frees_nine_clocks, bus_booted),
        cmocka_unit_test_setup(test_i2c_boot_check_of_an_idle_bus, bus_booted),
        cmocka_unit_test_setup(test_i2c_sda_held_for_good_is_bounded, bus_booted),
        cmocka_unit_test_setup(test_i2c_scl_held_times_out_and_is_counted, bus_booted),
        cmocka_unit_test_setup(test_i2c_fast_mode, bus_booted),
        cmocka_unit_test_setup(test_model_catches_i2c_misuse, bus_booted),

        cmocka_unit_test_setup(test_eth_init_registers, eth_booted),
        cmocka_unit_test_setup(test_eth_link_100_full, eth_booted),
        cmocka_unit_test_setup(test_eth_link_10_half, eth_booted),
        cmocka_unit_test_setup(test_eth_link_without_phy_identity, eth_booted),
        cmocka_unit_test_setup(test_eth_link_bounce_between_polls, eth_booted),
        cmocka_unit_test_setup(test_eth_rx_frames_intact, eth_booted),
        cmocka_unit_test_setup(test_eth_rx_storm_is_throttled, eth_booted),
        cmocka_unit_test_setup(test_eth_send_fills_the_fifo, eth_booted),
        cmocka_unit_test_setup(test_eth_send_stamped_at_the_last_moment, eth_booted),
        cmocka_unit_test_setup(test_eth_send_stamped_floor_and_layout, eth_booted),
        cmocka_unit_test_setup(test_eth_tx_complete_event, eth_booted),
        cmocka_unit_test_setup(test_duplex_change_needs_transmitter_off, eth_booted),

        cmocka_unit_test_setup(test_reset_cause_decode, fresh_chip),
        cmocka_unit_test_setup(test_wdt_init, booted),
        cmocka_unit_test_setup(test_wdt_feed, booted),
        cmocka_unit_test_setup(test_wdt_warning_then_reset, booted),
        cmocka_unit_test_setup(test_system_reset_request, booted),
        cmocka_unit_test_setup(test_factory_mac, fresh_chip),
        cmocka_unit_test_setup(test_timer_wakeup_start, booted),
        cmocka_unit_test_setup(test_sqw_capture_set_up_as_the_datasheet_says, capture_booted),
        cmocka_unit_test_setup(test_sqw_capture_stamps_each_fall_to_a_tick, capture_booted),
        cmocka_unit_test_setup(test_sqw_capture_needs_its_pin, capture_booted),
        cmocka_unit_test_setup(test_model_catches_gptm_misuse, capture_booted),
        cmocka_unit_test_setup(test_timer_now_counts_clocks, booted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
