/*
 * CMSDK driver configurations. The board fills these with its base
 * addresses, interrupt numbers and clocks and hands them over once, before
 * the generic HAL calls (uart_init, timer_wakeup_start, wdt_init) are made.
 */
#ifndef HAL_CMSDK_DRIVERS_H
#define HAL_CMSDK_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

struct cmsdk_uart_config {
    uintptr_t base;
    unsigned irq_rx;   /* the UART's receive interrupt */
    unsigned irq_tx;   /* its transmit interrupt */
    uint32_t clock_hz; /* PCLK */
    uint32_t baud;
};

struct cmsdk_timer_config {
    uintptr_t base;
    unsigned irq;
    uint32_t clock_hz; /* PCLK */
};

struct cmsdk_wdt_config {
    uintptr_t base;
    uint32_t clock_hz; /* WDOGCLK */
};

/* Each stores the pointer; the config must outlive the driver. */
void cmsdk_uart_configure(const struct cmsdk_uart_config *cfg);
void cmsdk_timer_configure(const struct cmsdk_timer_config *cfg);
void cmsdk_wdt_configure(const struct cmsdk_wdt_config *cfg);

/*
 * Writes len bytes to the UART at cfg by polling, enabling its transmitter
 * first if uart_init() has not. Bounded waits; for fatal paths.
 */
void cmsdk_uart_write_polled(const struct cmsdk_uart_config *cfg, const char *buf, size_t len);

/* Interrupt handlers the board's vector table names. */
void cmsdk_uart_rx_isr(void);
void cmsdk_uart_tx_isr(void);
void cmsdk_timer_isr(void);

/*
 * For boards that wire the watchdog's interrupt to NMI (MPS2): records
 * where the main loop was (wdt_take_hang_record after the reset) and
 * returns without acknowledging, so the second time-out resets the chip.
 */
void cmsdk_wdt_nmi_isr(void);

#endif /* HAL_CMSDK_DRIVERS_H */
