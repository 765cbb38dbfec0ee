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
#define BOARD_TIMER1_BASE 0x40031000u

/* Pins (datasheet table 23-4): PA0 U0Rx, PA1 U0Tx; PB2 I2C0SCL, PB3 I2C0SDA; PF2 LED1, PF3 LED0. */
#define BOARD_UART0_PINS   0x03u
#define BOARD_I2C0_SCL_PIN 0x04u
#define BOARD_I2C0_SDA_PIN 0x08u
#define BOARD_I2C0_PINS    (BOARD_I2C0_SCL_PIN | BOARD_I2C0_SDA_PIN)
#define BOARD_ETH_LED_PINS 0x0Cu

/* Interrupt numbers (datasheet table 2-9). */
#define BOARD_IRQ_UART0    5u
#define BOARD_IRQ_WATCHDOG 18u
#define BOARD_IRQ_TIMER0A  19u
#define BOARD_IRQ_TIMER1A  21u
#define BOARD_IRQ_ETH      42u
#define BOARD_IRQ_COUNT    54u

/*
 * The RTC's 1 Hz square wave (SQW/OUT, or INT/SQW on a DS3231) goes to PD5,
 * CCP2: GPTM1 Timer A's capture input (datasheet pin table: PD5 carries
 * CCP2; the GPTM chapter pairs CCP2 with Timer 1A). GPTM0 is the main
 * loop's tick; CCP3 (PC6) switches the OLED's +15 V on this kit; PD5 is on
 * the board's break-out pads and used by nothing on it (EK-LM3S6965 user's
 * manual: PD0 SD card select, PD1 speaker, PA2-PA5 SSI0 for the OLED and
 * SD card, PC7 OLED D/C, PE0-PE3 and PF1 the switches, PF0 the LED, PF2/PF3
 * the Ethernet LEDs). Input with the weak pull-up: the RTCs' outputs are
 * open drain.
 */
#define BOARD_SQW_PORT_BASE 0x40007000u /* GPIO port D */
#define BOARD_SQW_PIN       0x20u       /* PD5 */
#define BOARD_SQW_PIN_NAME  "PD5 (CCP2)"
/*
 * 1: the module's square-wave pin is wired to PD5, so edges come from it
 * unless `rtc sqw poll` says otherwise; 0 (the default): polled unless
 * `rtc sqw capture`.
 */
#define BOARD_RTC_SQW_CAPTURE 0

/*
 * The RTC module on PB2/PB3 (hal/rtcmodule). The chip is found at boot:
 * name one here (RTC_CHIP_DS1307, _DS1338, _DS3231) to drive it whatever
 * answers; the operator's `rtc chip` still comes first. The settings
 * EEPROM is looked for at 0x50..0x57 unless an address is named here.
 */
#define BOARD_RTC_ADDR    0x68u
#define BOARD_RTC_CHIP    RTC_CHIP_AUTO
#define BOARD_EEPROM_ADDR 0u
/*
 * The bus runs at the fastest rate the chip takes (100 kHz for a DS1307,
 * 400 kHz for a DS1338 or DS3231), at most this. An older AT24C32 (not
 * the C or D revision) is rated for 400 kHz at 4.5-5.5 V only: a module
 * with one on 3.3 V wants I2C_STANDARD_HZ here.
 */
#define BOARD_I2C_MAX_HZ I2C_FAST_HZ

#endif /* BOARD_LM3S6965EVB_H */
