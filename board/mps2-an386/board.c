/*
 * MPS2 + AN386 bring-up: vector table and the driver configurations for
 * the CMSDK UART, timer and watchdog, the SBCon I2C bus and the LAN9220
 * Ethernet controller. The FPGA's clocks are fixed: nothing to set up.
 */
#include <errno.h>
#include <stdint.h>

#include "board.h"
#include "cmsdk/drivers.h"
#include "cortexm/startup.h"
#include "rtcmodule/rtcmodule.h"
#include "hal/board.h"
#include "lan9118/drivers.h"
#include "sbcon/sbcon.h"

__attribute__((section(".vectors"), used)) static const vector_fn vectors[16 + BOARD_IRQ_COUNT] = {
    CORTEXM_CORE_VECTORS(cmsdk_wdt_nmi_isr),       [16 + BOARD_IRQ_UART0_RX] = cmsdk_uart_rx_isr,
    [16 + BOARD_IRQ_UART0_TX] = cmsdk_uart_tx_isr, [16 + BOARD_IRQ_TIMER0] = cmsdk_timer_isr,
    [16 + BOARD_IRQ_ETH] = lan9118_eth_isr,
};

static const struct cmsdk_uart_config uart_cfg = {
    .base = BOARD_UART0_BASE,
    .irq_rx = BOARD_IRQ_UART0_RX,
    .irq_tx = BOARD_IRQ_UART0_TX,
    .clock_hz = BOARD_CPU_HZ,
    .baud = 115200u,
};
static const struct cmsdk_timer_config timer_cfg = {
    .base = BOARD_TIMER0_BASE,
    .irq = BOARD_IRQ_TIMER0,
    .clock_hz = BOARD_CPU_HZ,
};
static const struct cmsdk_wdt_config wdt_cfg = {
    .base = BOARD_WDT_BASE,
    .clock_hz = BOARD_CPU_HZ,
};
static const struct lan9118_config eth_cfg = {
    .base = BOARD_ETH_BASE,
    .irq = BOARD_IRQ_ETH,
};
static const struct sbcon_i2c_config i2c_cfg = {
    .base = BOARD_I2C_BASE,
    .bus_hz = BOARD_I2C_HZ,
    .timeout_us = 2000u,
};
static struct i2c_bus i2c0;
static const struct rtcmodule_config rtc_module = {
    .bus = &i2c0,
    .rtc_addr7 = BOARD_RTC_ADDR,
    .chip = BOARD_RTC_CHIP,
    .eeprom_addr7 = BOARD_EEPROM_ADDR,
};

/*
 * The FPGA's clocks and pins are fixed by the AN386 image: nothing to
 * gate, mux or lock (the SBCon bus is GPIO-like and bit-banged).
 */
int board_init(void)
{
    cmsdk_uart_configure(&uart_cfg);
    cmsdk_timer_configure(&timer_cfg);
    cmsdk_wdt_configure(&wdt_cfg);
    lan9118_configure(&eth_cfg);
    rtcmodule_attach(&rtc_module);
    (void)sbcon_i2c_init(&i2c0, &i2c_cfg);
    return 0;
}

const char *board_name(void)
{
    return BOARD_NAME;
}

void board_get_clock(struct board_clock *bc)
{
    bc->cpu_hz = BOARD_CPU_HZ;
    bc->nominal_hz = BOARD_CPU_HZ;
    bc->is_degraded = false;
    bc->source = "FPGA SYSCLK";
}

uint32_t board_cpu_hz(void)
{
    return BOARD_CPU_HZ;
}

int board_get_factory_mac(uint8_t mac[6])
{
    /* The LAN9220's address from its EEPROM (QEMU: -nic macaddr). */
    return lan9118_read_mac(mac) == 0 ? 0 : -ENODATA;
}

void board_console_write_polled(const char *buf, size_t len)
{
    cmsdk_uart_write_polled(&uart_cfg, buf, len);
}
