/*
 * ARM Cortex-M System Design Kit APB peripherals used by the drivers: the
 * UART, the timer and the watchdog. One accessor macro per register, names
 * and offsets as in the CMSDK Technical Reference Manual (ARM DDI 0479,
 * "APB timer", "APB UART", "APB watchdog"), checked against QEMU's models
 * (hw/char/cmsdk-apb-uart.c, hw/timer/cmsdk-apb-timer.c,
 * hw/watchdog/cmsdk-apb-watchdog.c). Base addresses come from the
 * drivers' config structs.
 */
#ifndef HAL_CMSDK_H
#define HAL_CMSDK_H

#include <stdint.h>

#include "cortexm/cortexm.h"

/* APB UART. One-byte transmit and receive buffers. */
#define UART_DATA(b)         REG32((b) + 0x000u)
#define UART_STATE(b)        REG32((b) + 0x004u)
#define UART_CTRL(b)         REG32((b) + 0x008u)
#define UART_INTSTATUS(b)    REG32((b) + 0x00Cu) /* read: INTSTATUS, write 1: INTCLEAR */
#define UART_INTCLEAR(b)     REG32((b) + 0x00Cu)
#define UART_BAUDDIV(b)      REG32((b) + 0x010u)
#define UART_STATE_TXFULL    (1u << 0)
#define UART_STATE_RXFULL    (1u << 1)
#define UART_STATE_TXOVERRUN (1u << 2) /* write 1 to clear */
#define UART_STATE_RXOVERRUN (1u << 3) /* write 1 to clear */
#define UART_CTRL_TXEN       (1u << 0)
#define UART_CTRL_RXEN       (1u << 1)
#define UART_CTRL_TXINTEN    (1u << 2)
#define UART_CTRL_RXINTEN    (1u << 3)
#define UART_INT_TX          (1u << 0)
#define UART_INT_RX          (1u << 1)
#define UART_BAUDDIV_MIN     16u /* the smallest divisor the UART accepts */

/* APB timer: 32-bit down-counter, interrupt on 1 -> 0. */
#define TIMER_CTRL(b)      REG32((b) + 0x000u)
#define TIMER_VALUE(b)     REG32((b) + 0x004u)
#define TIMER_RELOAD(b)    REG32((b) + 0x008u)
#define TIMER_INTSTATUS(b) REG32((b) + 0x00Cu) /* read: INTSTATUS, write 1: INTCLEAR */
#define TIMER_INTCLEAR(b)  REG32((b) + 0x00Cu)
#define TIMER_CTRL_EN      (1u << 0)
#define TIMER_CTRL_IRQEN   (1u << 3)
#define TIMER_INT          (1u << 0)

/* APB watchdog (the SP805 programmer's model). */
#define WDOG_LOAD(b)       REG32((b) + 0x000u)
#define WDOG_VALUE(b)      REG32((b) + 0x004u)
#define WDOG_CONTROL(b)    REG32((b) + 0x008u)
#define WDOG_INTCLR(b)     REG32((b) + 0x00Cu)
#define WDOG_RIS(b)        REG32((b) + 0x010u)
#define WDOG_LOCK(b)       REG32((b) + 0xC00u)
#define WDOG_CONTROL_INTEN (1u << 0)
#define WDOG_CONTROL_RESEN (1u << 1)
#define WDOG_LOCK_KEY      0x1ACCE551u /* any other value locks */

#endif /* HAL_CMSDK_H */
