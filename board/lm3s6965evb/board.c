/*
 * EK-LM3S6965 bring-up: vector table, 50 MHz system clock from the PLL,
 * and the driver configurations for UART0, I2C0, the Ethernet MAC and the
 * watchdog.
 */
#include <stdint.h>

#include "board.h"
#include "rtcmodule/rtcmodule.h"
#include "cortexm/cortexm.h"
#include "cortexm/startup.h"
#include "hal/board.h"
#include "stellaris/drivers.h"
#include "stellaris/stellaris.h"

extern uint32_t _estack;

typedef void (*vector_fn)(void);

__attribute__((section(".vectors"), used))
static const vector_fn vectors[16 + BOARD_IRQ_COUNT] = {
    [0] = (vector_fn)(uintptr_t)&_estack,
    [1] = Reset_Handler,
    [2] = Default_Handler,   /* NMI */
    [3] = HardFault_Handler,
    [4] = HardFault_Handler, /* MemManage */
    [5] = HardFault_Handler, /* BusFault */
    [6] = HardFault_Handler, /* UsageFault */
    [11] = Default_Handler,  /* SVCall */
    [12] = Default_Handler,  /* DebugMon */
    [14] = Default_Handler,  /* PendSV */
    [15] = SysTick_Handler,
    [16 + BOARD_IRQ_UART0] = stellaris_uart_isr,
    [16 + BOARD_IRQ_TIMER0A] = stellaris_gptm_isr,
    [16 + BOARD_IRQ_ETH] = stellaris_eth_isr,
};

static const struct stellaris_uart_config uart_cfg = {
    .base = BOARD_UART0_BASE, .irq = BOARD_IRQ_UART0,
    .clock_hz = BOARD_CPU_HZ, .baud = 115200u,
};
static const struct stellaris_i2c_config i2c_cfg = {
    .base = BOARD_I2C0_BASE, .clock_hz = BOARD_CPU_HZ,
    .bus_hz = BOARD_I2C_HZ, .timeout_us = 2000u,
};
static const struct stellaris_eth_config eth_cfg = {
    .base = BOARD_ETH_BASE, .irq = BOARD_IRQ_ETH, .clock_hz = BOARD_CPU_HZ,
};
static const struct stellaris_wdt_config wdt_cfg = {
    .base = BOARD_WDT_BASE, .clock_hz = BOARD_CPU_HZ,
};
static const struct stellaris_gptm_config gptm_cfg = {
    .base = BOARD_TIMER0_BASE, .irq = BOARD_IRQ_TIMER0A, .clock_hz = BOARD_CPU_HZ,
};
static struct i2c_bus i2c0;
static const struct rtcmodule_config rtc_module = {
    .bus = &i2c0, .rtc_addr7 = BOARD_RTC_ADDR, .chip = BOARD_RTC_CHIP,
    .eeprom_addr7 = BOARD_EEPROM_ADDR,
};

/*
 * RCC fields (datasheet register 8): XTAL 8 MHz = 0xE, OSCSRC main, PLL on,
 * SYSDIV 3 (/4) with USESYSDIV, then clear BYPASS once the PLL has locked.
 */
#define RCC_XTAL_8MHZ   (0xEu << 6)
#define RCC_BYPASS      (1u << 11)
#define RCC_PWRDN       (1u << 13)
#define RCC_USESYSDIV   (1u << 22)
#define RCC_SYSDIV(n)   ((uint32_t)(n) << 23)
#define RCC_XTAL_MASK   (0x1Fu << 6)
#define RCC_OSCSRC_MASK (0x3u << 4)
#define RCC_SYSDIV_MASK (0xFu << 23)
#define RCC_MOSCDIS     (1u << 0)

static void clock_setup(void)
{
    uint32_t rcc = SYSCTL_RCC;
    rcc |= RCC_BYPASS;
    rcc &= ~RCC_USESYSDIV;
    SYSCTL_RCC = rcc;
    rcc &= ~(RCC_XTAL_MASK | RCC_OSCSRC_MASK | RCC_PWRDN | RCC_SYSDIV_MASK | RCC_MOSCDIS);
    rcc |= RCC_XTAL_8MHZ | RCC_SYSDIV(3) | RCC_USESYSDIV;
    SYSCTL_RCC = rcc;
    for (unsigned i = 0; i < 100000u && (SYSCTL_RIS & SYSCTL_RIS_PLLLRIS) == 0; i++) {
    }
    SYSCTL_RCC = rcc & ~RCC_BYPASS;
}

int board_init(void)
{
    clock_setup();
    stellaris_uart_configure(&uart_cfg);
    stellaris_eth_configure(&eth_cfg);
    stellaris_wdt_configure(&wdt_cfg);
    stellaris_gptm_configure(&gptm_cfg);
    rtcmodule_attach(&rtc_module);
    return stellaris_i2c_init(&i2c0, &i2c_cfg);
}

const char *board_name(void)
{
    return BOARD_NAME;
}

void board_get_mac(uint8_t mac[6])
{
    /* The factory MAC address is in USER0/USER1, three bytes each. */
    uint32_t u0 = SYSCTL_USER0, u1 = SYSCTL_USER1;
    if (u0 == 0xFFFFFFFFu || u1 == 0xFFFFFFFFu || (u0 | u1) == 0) {
        /* Unprogrammed part: a locally administered address. */
        u0 = 0x5A4E02u; /* 02:4e:5a */
        u1 = 0x000001u;
    }
    mac[0] = (uint8_t)u0; mac[1] = (uint8_t)(u0 >> 8); mac[2] = (uint8_t)(u0 >> 16);
    mac[3] = (uint8_t)u1; mac[4] = (uint8_t)(u1 >> 8); mac[5] = (uint8_t)(u1 >> 16);
}

