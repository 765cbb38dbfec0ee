/*
 * EK-LM3S6965 bring-up: vector table, the 50 MHz system clock from the PLL,
 * brown-out reset, the clock gates and pins of every peripheral the
 * appliance uses, and the driver configurations for UART0, I2C0, the
 * Ethernet MAC, GPTM0 and the watchdog.
 *
 * Order matters on the silicon (QEMU forgives all of it): a peripheral's
 * registers are touched only after its RCGC gate is on and the 3-clock
 * wait has passed, and a pin carries its peripheral's signal only once
 * AFSEL, the pad and DEN are set (datasheet 8.3, "Initialization and
 * Configuration").
 */
#include <errno.h>
#include <stdint.h>

#include "board.h"
#include "cortexm/cortexm.h"
#include "cortexm/startup.h"
#include "hal/board.h"
#include "rtcmodule/rtcmodule.h"
#include "stellaris/drivers.h"
#include "stellaris/stellaris.h"

__attribute__((section(".vectors"), used)) static const vector_fn vectors[16 + BOARD_IRQ_COUNT] = {
    CORTEXM_CORE_VECTORS(Default_Handler),         [16 + BOARD_IRQ_UART0] = stellaris_uart_isr,
    [16 + BOARD_IRQ_WATCHDOG] = stellaris_wdt_isr, [16 + BOARD_IRQ_TIMER0A] = stellaris_gptm_isr,
    [16 + BOARD_IRQ_ETH] = stellaris_eth_isr,
};

static const struct stellaris_clock_config clock_cfg = {
    .rcc_xtal = SYSCTL_RCC_XTAL_8MHZ,
    .xtal_hz = BOARD_XTAL_HZ,
    .pll_hz = BOARD_PLL_HZ,
    .sysdiv = BOARD_SYSDIV,
};
/* Until board_init() has the clock up, the chip runs on its internal oscillator. */
static uint32_t cpu_hz = BOARD_IOSC_HZ;
static int clock_err;

/* clock_hz is filled in once the clock is up. */
static struct stellaris_uart_config uart_cfg = {
    .base = BOARD_UART0_BASE,
    .irq = BOARD_IRQ_UART0,
    .clock_hz = BOARD_IOSC_HZ,
    .baud = 115200u,
};
static struct stellaris_i2c_config i2c_cfg = {
    .base = BOARD_I2C0_BASE,
    .bus_hz = BOARD_I2C_HZ,
    .timeout_us = 2000u,
};
static struct stellaris_eth_config eth_cfg = {
    .base = BOARD_ETH_BASE,
    .irq = BOARD_IRQ_ETH,
};
static struct stellaris_wdt_config wdt_cfg = {
    .base = BOARD_WDT_BASE,
    .irq = BOARD_IRQ_WATCHDOG,
};
static struct stellaris_gptm_config gptm_cfg = {
    .base = BOARD_TIMER0_BASE,
    .irq = BOARD_IRQ_TIMER0A,
};
static struct i2c_bus i2c0;
static const struct rtcmodule_config rtc_module = {
    .bus = &i2c0,
    .rtc_addr7 = BOARD_RTC_ADDR,
    .chip = BOARD_RTC_CHIP,
    .eeprom_addr7 = BOARD_EEPROM_ADDR,
};

/* UART0 on PA0/PA1, clocked and muxed; safe to repeat (the fault path may). */
static void console_pins(void)
{
    stellaris_clock_gate_enable(SYSCTL_RCGC1, SYSCTL_RCGC1_UART0);
    stellaris_clock_gate_enable(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOA);
    stellaris_pins_for_peripheral(GPIO_PORTA_BASE, BOARD_UART0_PINS, STELLARIS_PAD_PUSH_PULL);
}

int board_init(void)
{
    /* Drivers know their registers first: a fault from here on can still print. */
    stellaris_uart_configure(&uart_cfg);
    stellaris_wdt_configure(&wdt_cfg);
    stellaris_eth_configure(&eth_cfg);
    stellaris_gptm_configure(&gptm_cfg);
    stellaris_brownout_reset_enable();

    clock_err = stellaris_clock_setup(&clock_cfg, &cpu_hz);
    uart_cfg.clock_hz = cpu_hz;
    i2c_cfg.clock_hz = cpu_hz;
    eth_cfg.clock_hz = cpu_hz;
    wdt_cfg.clock_hz = cpu_hz;
    gptm_cfg.clock_hz = cpu_hz;

    /* Every gate, each followed by its 3-clock wait, before any register of the block. */
    stellaris_clock_gate_enable(SYSCTL_RCGC0, SYSCTL_RCGC0_WDT);
    stellaris_clock_gate_enable(SYSCTL_RCGC1, SYSCTL_RCGC1_I2C0 | SYSCTL_RCGC1_TIMER0);
    stellaris_clock_gate_enable(SYSCTL_RCGC2, SYSCTL_RCGC2_GPIOB | SYSCTL_RCGC2_GPIOF |
                                                  SYSCTL_RCGC2_EMAC0 | SYSCTL_RCGC2_EPHY0);
    console_pins();
    stellaris_pins_for_peripheral(GPIO_PORTB_BASE, BOARD_I2C0_PINS,
                                  STELLARIS_PAD_OPEN_DRAIN_PULLUP);
    stellaris_pins_for_peripheral(GPIO_PORTF_BASE, BOARD_ETH_LED_PINS, STELLARIS_PAD_PUSH_PULL);

    rtcmodule_attach(&rtc_module);
    (void)stellaris_i2c_init(&i2c0, &i2c_cfg);
    return clock_err;
}

const char *board_name(void)
{
    return BOARD_NAME;
}

void board_get_clock(struct board_clock *bc)
{
    bc->cpu_hz = cpu_hz;
    bc->nominal_hz = BOARD_CPU_HZ;
    bc->is_degraded = clock_err != 0;
    bc->source = clock_err != 0 ? "8 MHz crystal (PLL did not lock)" : "PLL, 8 MHz crystal";
}

uint32_t board_cpu_hz(void)
{
    return cpu_hz;
}

int board_get_factory_mac(uint8_t mac[6])
{
    /* USER0/USER1, three bytes each, low byte first; 0xFFFFFFFF when unprogrammed. */
    uint32_t u0 = mmio_read32(SYSCTL_USER0), u1 = mmio_read32(SYSCTL_USER1);
    if (u0 == 0xFFFFFFFFu || u1 == 0xFFFFFFFFu || (u0 | u1) == 0) {
        return -ENODATA;
    }
    mac[0] = (uint8_t)u0;
    mac[1] = (uint8_t)(u0 >> 8);
    mac[2] = (uint8_t)(u0 >> 16);
    mac[3] = (uint8_t)u1;
    mac[4] = (uint8_t)(u1 >> 8);
    mac[5] = (uint8_t)(u1 >> 16);
    return 0;
}

void board_console_write_polled(const char *buf, size_t len)
{
    console_pins();
    stellaris_uart_write_polled(&uart_cfg, buf, len);
}
