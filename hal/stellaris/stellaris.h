/*
 * Stellaris LM3S6965 peripheral registers used by the drivers: one address
 * macro per register for mmio_read32()/mmio_write32() (cortexm.h), names
 * and offsets as in the LM3S6965 datasheet (DS-LM3S6965, chapters 6 System
 * Control, 8 GPIO, 9 GPTM, 10 Watchdog, 12 UART, 14 I2C, 15 Ethernet).
 * Base addresses of the peripherals come from the drivers' config structs.
 */
#ifndef HAL_STELLARIS_H
#define HAL_STELLARIS_H

#include <stdint.h>

#include "cortexm/cortexm.h"

/* System control, base 0x400FE000 (datasheet table 6-3). */
#define SYSCTL_BASE           0x400FE000u
#define SYSCTL_PBORCTL        (SYSCTL_BASE + 0x030u)
#define SYSCTL_RIS            (SYSCTL_BASE + 0x050u)
#define SYSCTL_MISC           (SYSCTL_BASE + 0x058u)
#define SYSCTL_RESC           (SYSCTL_BASE + 0x05Cu)
#define SYSCTL_RCC            (SYSCTL_BASE + 0x060u)
#define SYSCTL_RCC2           (SYSCTL_BASE + 0x070u)
#define SYSCTL_RCGC0          (SYSCTL_BASE + 0x100u)
#define SYSCTL_RCGC1          (SYSCTL_BASE + 0x104u)
#define SYSCTL_RCGC2          (SYSCTL_BASE + 0x108u)
#define SYSCTL_USER0          (SYSCTL_BASE + 0x1E0u)
#define SYSCTL_USER1          (SYSCTL_BASE + 0x1E4u)
#define SYSCTL_PBORCTL_BORIOR (1u << 1) /* brown-out resets instead of interrupting */
#define SYSCTL_RIS_PLLLRIS    (1u << 6)
#define SYSCTL_MISC_PLLLMIS   (1u << 6) /* write 1: clears PLLLRIS */
/* RCC fields (register 8, "Run-Mode Clock Configuration"). */
#define SYSCTL_RCC_MOSCDIS      (1u << 0)
#define SYSCTL_RCC_IOSCDIS      (1u << 1)
#define SYSCTL_RCC_OSCSRC_M     (0x3u << 4)
#define SYSCTL_RCC_OSCSRC_MAIN  (0x0u << 4)
#define SYSCTL_RCC_XTAL_M       (0x1Fu << 6)
#define SYSCTL_RCC_XTAL_8MHZ    (0xEu << 6)
#define SYSCTL_RCC_BYPASS       (1u << 11)
#define SYSCTL_RCC_OEN          (1u << 12)
#define SYSCTL_RCC_PWRDN        (1u << 13)
#define SYSCTL_RCC_USESYSDIV    (1u << 22)
#define SYSCTL_RCC_SYSDIV_M     (0xFu << 23)
#define SYSCTL_RCC_SYSDIV(n)    ((uint32_t)(n) << 23)
#define SYSCTL_RCC2_USERCC2     (1u << 31)
#define SYSCTL_RCC2_BYPASS2     (1u << 11)
#define SYSCTL_RESC_EXT         (1u << 0)
#define SYSCTL_RESC_POR         (1u << 1)
#define SYSCTL_RESC_BOR         (1u << 2)
#define SYSCTL_RESC_WDT         (1u << 3)
#define SYSCTL_RESC_SW          (1u << 4)
#define SYSCTL_RESC_LDO         (1u << 5)
#define SYSCTL_RCGC0_WDT        (1u << 3)
#define SYSCTL_RCGC1_UART0      (1u << 0)
#define SYSCTL_RCGC1_I2C0       (1u << 12)
#define SYSCTL_RCGC1_TIMER0     (1u << 16)
#define SYSCTL_RCGC2_GPIOA      (1u << 0)
#define SYSCTL_RCGC2_GPIOB      (1u << 1)
#define SYSCTL_RCGC2_GPIOF      (1u << 5)
#define SYSCTL_RCGC2_GPIO(port) (1u << (port)) /* port A = 0 ... G = 6 */
#define SYSCTL_RCGC2_EMAC0      (1u << 28)
#define SYSCTL_RCGC2_EPHY0      (1u << 30)

/* GPIO ports on the APB (datasheet table 8-3), A = 0 ... G = 6. */
#define GPIO_PORTA_BASE 0x40004000u
#define GPIO_PORTB_BASE 0x40005000u
#define GPIO_PORTF_BASE 0x40025000u
#define GPIO_DIR(b)     ((b) + 0x400u)
#define GPIO_AFSEL(b)   ((b) + 0x420u)
#define GPIO_DR2R(b)    ((b) + 0x500u)
#define GPIO_DR4R(b)    ((b) + 0x504u)
#define GPIO_DR8R(b)    ((b) + 0x508u)
#define GPIO_ODR(b)     ((b) + 0x50Cu)
#define GPIO_PUR(b)     ((b) + 0x510u)
#define GPIO_PDR(b)     ((b) + 0x514u)
#define GPIO_DEN(b)     ((b) + 0x51Cu)

/* UART (PL011 compatible), datasheet table 12-3. */
#define UART_DR(b)       ((b) + 0x000u)
#define UART_FR(b)       ((b) + 0x018u)
#define UART_IBRD(b)     ((b) + 0x024u)
#define UART_FBRD(b)     ((b) + 0x028u)
#define UART_LCRH(b)     ((b) + 0x02Cu)
#define UART_CTL(b)      ((b) + 0x030u)
#define UART_IFLS(b)     ((b) + 0x034u)
#define UART_IM(b)       ((b) + 0x038u)
#define UART_MIS(b)      ((b) + 0x040u)
#define UART_ICR(b)      ((b) + 0x044u)
#define UART_FR_RXFE     (1u << 4)
#define UART_FR_TXFF     (1u << 5)
#define UART_FR_BUSY     (1u << 3)
#define UART_FR_TXFE     (1u << 7)
#define UART_LCRH_FEN    (1u << 4)
#define UART_LCRH_WLEN_8 (3u << 5)
#define UART_CTL_UARTEN  (1u << 0)
#define UART_CTL_TXE     (1u << 8)
#define UART_CTL_RXE     (1u << 9)
#define UART_IM_RXIM     (1u << 4)
#define UART_IM_RTIM     (1u << 6)

/* I2C master, datasheet table 14-2. */
#define I2C_MSA(b)     ((b) + 0x000u)
#define I2C_MCS(b)     ((b) + 0x004u)
#define I2C_MDR(b)     ((b) + 0x008u)
#define I2C_MTPR(b)    ((b) + 0x00Cu)
#define I2C_MCR(b)     ((b) + 0x020u)
#define I2C_MCS_RUN    (1u << 0) /* write */
#define I2C_MCS_START  (1u << 1)
#define I2C_MCS_STOP   (1u << 2)
#define I2C_MCS_ACK    (1u << 3)
#define I2C_MCS_BUSY   (1u << 0) /* read */
#define I2C_MCS_ERROR  (1u << 1)
#define I2C_MCS_ADRACK (1u << 2)
#define I2C_MCS_DATACK (1u << 3)
#define I2C_MCS_ARBLST (1u << 4)
#define I2C_MCR_MFE    (1u << 4)

/* Ethernet controller, datasheet table 15-3. */
#define MAC_RIS(b)            ((b) + 0x000u) /* read: MACRIS, write: MACIACK */
#define MAC_IACK(b)           ((b) + 0x000u)
#define MAC_IM(b)             ((b) + 0x004u)
#define MAC_RCTL(b)           ((b) + 0x008u)
#define MAC_TCTL(b)           ((b) + 0x00Cu)
#define MAC_DATA(b)           ((b) + 0x010u)
#define MAC_IA0(b)            ((b) + 0x014u)
#define MAC_IA1(b)            ((b) + 0x018u)
#define MAC_THR(b)            ((b) + 0x01Cu)
#define MAC_MCTL(b)           ((b) + 0x020u)
#define MAC_MDV(b)            ((b) + 0x024u)
#define MAC_MTXD(b)           ((b) + 0x02Cu)
#define MAC_MRXD(b)           ((b) + 0x030u)
#define MAC_NP(b)             ((b) + 0x034u)
#define MAC_TR(b)             ((b) + 0x038u)
#define MAC_RIS_RXINT         (1u << 0)
#define MAC_RIS_TXER          (1u << 1)
#define MAC_RIS_TXEMP         (1u << 2)
#define MAC_RIS_FOV           (1u << 3)
#define MAC_RIS_RXER          (1u << 4)
#define MAC_RCTL_RXEN         (1u << 0)
#define MAC_RCTL_AMUL         (1u << 1)
#define MAC_RCTL_PRMS         (1u << 2)
#define MAC_RCTL_BADCRC       (1u << 3)
#define MAC_RCTL_RSTFIFO      (1u << 4)
#define MAC_TCTL_TXEN         (1u << 0)
#define MAC_TCTL_PADEN        (1u << 1)
#define MAC_TCTL_CRC          (1u << 2)
#define MAC_TCTL_DUPLEX       (1u << 4)
#define MAC_TR_NEWTX          (1u << 0)
#define MAC_MCTL_START        (1u << 0)
#define MAC_MCTL_WRITE        (1u << 1)
#define MAC_MCTL_REGADR_SHIFT 3u
#define MAC_RIS_PHYINT        (1u << 6)
/* Internal PHY registers (MII), datasheet 15.6 "PHY Register Descriptions". */
#define PHY_MR0        0u  /* control */
#define PHY_MR1        1u  /* status */
#define PHY_MR2        2u  /* identifier 1 */
#define PHY_MR3        3u  /* identifier 2 */
#define PHY_MR18       18u /* diagnostic: the autonegotiation result */
#define PHY_MR1_LINK   (1u << 2)
#define PHY_MR1_ANEGC  (1u << 5)
#define PHY_MR18_ANEGF (1u << 12) /* autonegotiation failed */
#define PHY_MR18_DPLX  (1u << 11) /* 1: full duplex */
#define PHY_MR18_RATE  (1u << 10) /* 1: 100 Mb/s */

/* General-purpose timer, datasheet table 10-3. */
#define GPTM_CFG(b)        ((b) + 0x000u)
#define GPTM_TAMR(b)       ((b) + 0x004u)
#define GPTM_CTL(b)        ((b) + 0x00Cu)
#define GPTM_IMR(b)        ((b) + 0x018u)
#define GPTM_ICR(b)        ((b) + 0x024u)
#define GPTM_TAILR(b)      ((b) + 0x028u)
#define GPTM_CFG_32BIT     0x0u
#define GPTM_TAMR_PERIODIC 0x2u
#define GPTM_CTL_TAEN      (1u << 0)
#define GPTM_IMR_TATOIM    (1u << 0)

/* Watchdog timer, datasheet table 11-1. */
#define WDT_LOAD(b)    ((b) + 0x000u)
#define WDT_VALUE(b)   ((b) + 0x004u)
#define WDT_CTL(b)     ((b) + 0x008u)
#define WDT_ICR(b)     ((b) + 0x00Cu)
#define WDT_RIS(b)     ((b) + 0x010u)
#define WDT_TEST(b)    ((b) + 0x418u)
#define WDT_LOCK(b)    ((b) + 0xC00u)
#define WDT_CTL_INTEN  (1u << 0)
#define WDT_CTL_RESEN  (1u << 1)
#define WDT_TEST_STALL (1u << 8)
#define WDT_LOCK_KEY   0x1ACCE551u

#endif /* HAL_STELLARIS_H */
