/*
 * EK-LM3S6965 board facts (LM3S6965 datasheet; EK-LM3S6965 user's manual).
 */
#ifndef BOARD_LM3S6965EVB_H
#define BOARD_LM3S6965EVB_H

#define BOARD_NAME "lm3s6965evb"
/* 8 MHz crystal, PLL 400 MHz / 2, SYSDIV /4: 50 MHz (datasheet table 6-6). */
#define BOARD_XTAL_HZ 8000000u
#define BOARD_PLL_HZ  400000000u
#define BOARD_SYSDIV  3u
#define BOARD_CPU_HZ  50000000u
/* The internal oscillator the chip starts on: 12 MHz +-30% (datasheet table 24-5). */
#define BOARD_IOSC_HZ 12000000u

#define BOARD_UART0_BASE  0x4000C000u
#define BOARD_I2C0_BASE   0x40020000u
#define BOARD_ETH_BASE    0x40048000u
#define BOARD_WDT_BASE    0x40000000u
#define BOARD_TIMER0_BASE 0x40030000u

/* Pins (datasheet table 23-4): PA0 U0Rx, PA1 U0Tx; PB2 I2C0SCL, PB3 I2C0SDA; PF2 LED1, PF3 LED0. */
#define BOARD_UART0_PINS   0x03u
#define BOARD_I2C0_PINS    0x0Cu
#define BOARD_ETH_LED_PINS 0x0Cu

/* Interrupt numbers (datasheet table 2-9). */
#define BOARD_IRQ_UART0    5u
#define BOARD_IRQ_WATCHDOG 18u
#define BOARD_IRQ_TIMER0A  19u
#define BOARD_IRQ_ETH      42u
#define BOARD_IRQ_COUNT    54u

#define BOARD_RTC_ADDR    0x68u
#define BOARD_RTC_CHIP    DS13XX_DS1338 /* what QEMU models; a DS1307/DS3231 board sets its own */
#define BOARD_EEPROM_ADDR 0x50u
/* A DS1307 tolerates only 100 kHz; the DS1338 and DS3231 take 400 kHz. */
#define BOARD_I2C_HZ 100000u

#endif /* BOARD_LM3S6965EVB_H */
