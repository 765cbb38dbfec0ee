/*
 * ARM MPS2 with the AN386 FPGA image (Cortex-M4) board facts. Addresses,
 * interrupt numbers and the clock are those of QEMU 7.2's model of the
 * board (hw/arm/mps2.c, "mps2-an386", and `info qtree` / `info mtree`),
 * which follows ARM Application Note AN386; checked there, not on a board.
 */
#ifndef BOARD_MPS2_AN386_H
#define BOARD_MPS2_AN386_H

#define BOARD_NAME "mps2-an386"
/*
 * The FPGA's SYSCLK, 25 MHz: the core, SysTick (CLKSOURCE = core clock)
 * and every APB peripheral run on it. QEMU's mps2.c: SYSCLK_FRQ 25000000,
 * wired to the CPU clock, the CMSDK timers, UARTs and watchdog.
 */
#define BOARD_CPU_HZ 25000000u

#define BOARD_TIMER0_BASE 0x40000000u /* CMSDK APB timer 0 */
#define BOARD_UART0_BASE  0x40004000u /* CMSDK APB UART 0: the console */
#define BOARD_WDT_BASE    0x40008000u /* CMSDK APB watchdog */
/* SBCon I2C "Shield 1", the bus QEMU's `-device ds1338` lands on (see board.mk). */
#define BOARD_I2C_BASE 0x4002A000u
#define BOARD_ETH_BASE 0x40200000u /* SMSC LAN9220 (QEMU: lan9118) */

/* Interrupt numbers (external, 0-based). The watchdog's interrupt is the NMI. */
#define BOARD_IRQ_UART0_RX 0u
#define BOARD_IRQ_UART0_TX 1u
#define BOARD_IRQ_TIMER0   8u
#define BOARD_IRQ_ETH      13u
#define BOARD_IRQ_COUNT    32u

#define BOARD_RTC_ADDR    0x68u
#define BOARD_RTC_CHIP    DS13XX_DS1338 /* what QEMU models; a DS1307/DS3231 board sets its own */
#define BOARD_EEPROM_ADDR 0x50u
/*
 * Fast mode: the DS1338 and DS3231 take 400 kHz (a DS1307, or an old
 * AT24C32 below 4.5 V, would need 100 kHz). A read of the time registers
 * is about 93 SCL periods; bit-banged in QEMU it takes 0.35 ms here
 * against 1.1 ms at 100 kHz (-trace i2c_event), and the RTC edge it
 * brackets is that much sharper: root dispersion about 0.6 ms against
 * 1 to 3 ms.
 */
#define BOARD_I2C_HZ 400000u

#endif /* BOARD_MPS2_AN386_H */
