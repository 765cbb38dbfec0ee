/*
 * Stellaris LM3S6965 peripheral registers used by the drivers, one accessor
 * macro per register, names and offsets as in the LM3S6965 datasheet
 * (DS-LM3S6965, chapters 6 System Control, 12 UART, 14 I2C, 15 Ethernet,
 * 11 Watchdog). Base addresses come from the drivers' config structs.
 */
#ifndef HAL_STELLARIS_H
#define HAL_STELLARIS_H

#include <stdint.h>

#include "cortexm/cortexm.h"

/* System control, base 0x400FE000 (datasheet table 6-3). */
#define SYSCTL_BASE       0x400FE000u
#define SYSCTL_RIS        REG32(SYSCTL_BASE + 0x050u)
#define SYSCTL_RESC       REG32(SYSCTL_BASE + 0x05Cu)
#define SYSCTL_RCC        REG32(SYSCTL_BASE + 0x060u)
#define SYSCTL_RCGC0      REG32(SYSCTL_BASE + 0x100u)
#define SYSCTL_RCGC1      REG32(SYSCTL_BASE + 0x104u)
#define SYSCTL_RCGC2      REG32(SYSCTL_BASE + 0x108u)
#define SYSCTL_USER0      REG32(SYSCTL_BASE + 0x1E0u)
#define SYSCTL_USER1      REG32(SYSCTL_BASE + 0x1E4u)
#define SYSCTL_RIS_PLLLRIS (1u << 6)
#define SYSCTL_RESC_EXT   (1u << 0)
#define SYSCTL_RESC_POR   (1u << 1)
#define SYSCTL_RESC_BOR   (1u << 2)
#define SYSCTL_RESC_WDT   (1u << 3)
#define SYSCTL_RESC_SW    (1u << 4)
#define SYSCTL_RCGC0_WDT  (1u << 3)
#define SYSCTL_RCGC1_UART0 (1u << 0)
#define SYSCTL_RCGC1_I2C0 (1u << 12)
#define SYSCTL_RCGC2_GPIOA (1u << 0)
#define SYSCTL_RCGC2_GPIOB (1u << 1)
#define SYSCTL_RCGC2_GPIOF (1u << 5)
#define SYSCTL_RCGC2_EMAC0 (1u << 28)
#define SYSCTL_RCGC2_EPHY0 (1u << 30)

/* UART (PL011 compatible), datasheet table 12-3. */
#define UART_DR(b)    REG32((b) + 0x000u)
#define UART_FR(b)    REG32((b) + 0x018u)
#define UART_IBRD(b)  REG32((b) + 0x024u)
#define UART_FBRD(b)  REG32((b) + 0x028u)
#define UART_LCRH(b)  REG32((b) + 0x02Cu)
#define UART_CTL(b)   REG32((b) + 0x030u)
#define UART_IFLS(b)  REG32((b) + 0x034u)
#define UART_IM(b)    REG32((b) + 0x038u)
#define UART_MIS(b)   REG32((b) + 0x040u)
#define UART_ICR(b)   REG32((b) + 0x044u)
#define UART_FR_RXFE  (1u << 4)
#define UART_FR_TXFF  (1u << 5)
#define UART_FR_TXFE  (1u << 7)
#define UART_LCRH_FEN (1u << 4)
#define UART_LCRH_WLEN_8 (3u << 5)
#define UART_CTL_UARTEN (1u << 0)
#define UART_CTL_TXE  (1u << 8)
#define UART_CTL_RXE  (1u << 9)
#define UART_IM_RXIM  (1u << 4)
#define UART_IM_RTIM  (1u << 6)

/* I2C master, datasheet table 14-2. */
#define I2C_MSA(b)    REG32((b) + 0x000u)
#define I2C_MCS(b)    REG32((b) + 0x004u)
#define I2C_MDR(b)    REG32((b) + 0x008u)
#define I2C_MTPR(b)   REG32((b) + 0x00Cu)
#define I2C_MCR(b)    REG32((b) + 0x020u)
#define I2C_MCS_RUN   (1u << 0) /* write */
#define I2C_MCS_START (1u << 1)
#define I2C_MCS_STOP  (1u << 2)
#define I2C_MCS_ACK   (1u << 3)
#define I2C_MCS_BUSY  (1u << 0) /* read */
#define I2C_MCS_ERROR (1u << 1)
#define I2C_MCS_ADRACK (1u << 2)
#define I2C_MCS_DATACK (1u << 3)
#define I2C_MCS_ARBLST (1u << 4)
#define I2C_MCR_MFE   (1u << 4)

/* Ethernet controller, datasheet table 15-3. */
#define MAC_RIS(b)    REG32((b) + 0x000u) /* read: MACRIS, write: MACIACK */
#define MAC_IACK(b)   REG32((b) + 0x000u)
#define MAC_IM(b)     REG32((b) + 0x004u)
#define MAC_RCTL(b)   REG32((b) + 0x008u)
#define MAC_TCTL(b)   REG32((b) + 0x00Cu)
#define MAC_DATA(b)   REG32((b) + 0x010u)
#define MAC_IA0(b)    REG32((b) + 0x014u)
#define MAC_IA1(b)    REG32((b) + 0x018u)
#define MAC_THR(b)    REG32((b) + 0x01Cu)
#define MAC_MCTL(b)   REG32((b) + 0x020u)
#define MAC_MDV(b)    REG32((b) + 0x024u)
#define MAC_MTXD(b)   REG32((b) + 0x02Cu)
#define MAC_MRXD(b)   REG32((b) + 0x030u)
#define MAC_NP(b)     REG32((b) + 0x034u)
#define MAC_TR(b)     REG32((b) + 0x038u)
#define MAC_RIS_RXINT (1u << 0)
#define MAC_RIS_TXER  (1u << 1)
#define MAC_RIS_TXEMP (1u << 2)
#define MAC_RIS_FOV   (1u << 3)
#define MAC_RIS_RXER  (1u << 4)
#define MAC_RCTL_RXEN (1u << 0)
#define MAC_RCTL_AMUL (1u << 1)
#define MAC_RCTL_PRMS (1u << 2)
#define MAC_RCTL_BADCRC (1u << 3)
#define MAC_RCTL_RSTFIFO (1u << 4)
#define MAC_TCTL_TXEN (1u << 0)
#define MAC_TCTL_PADEN (1u << 1)
#define MAC_TCTL_CRC  (1u << 2)
#define MAC_TCTL_DUPLEX (1u << 4)
#define MAC_TR_NEWTX  (1u << 0)
#define MAC_MCTL_START (1u << 0)
#define MAC_MCTL_WRITE (1u << 1)
#define MAC_MCTL_REGADR_SHIFT 3u

/* General-purpose timer, datasheet table 10-3. */
#define GPTM_CFG(b)   REG32((b) + 0x000u)
#define GPTM_TAMR(b)  REG32((b) + 0x004u)
#define GPTM_CTL(b)   REG32((b) + 0x00Cu)
#define GPTM_IMR(b)   REG32((b) + 0x018u)
#define GPTM_ICR(b)   REG32((b) + 0x024u)
#define GPTM_TAILR(b) REG32((b) + 0x028u)
#define GPTM_CFG_32BIT 0x0u
#define GPTM_TAMR_PERIODIC 0x2u
#define GPTM_CTL_TAEN (1u << 0)
#define GPTM_IMR_TATOIM (1u << 0)
#define SYSCTL_RCGC1_TIMER0 (1u << 16)

/* Watchdog timer, datasheet table 11-1. */
#define WDT_LOAD(b)   REG32((b) + 0x000u)
#define WDT_VALUE(b)  REG32((b) + 0x004u)
#define WDT_CTL(b)    REG32((b) + 0x008u)
#define WDT_ICR(b)    REG32((b) + 0x00Cu)
#define WDT_LOCK(b)   REG32((b) + 0xC00u)
#define WDT_CTL_INTEN (1u << 0)
#define WDT_CTL_RESEN (1u << 1)
#define WDT_LOCK_KEY  0x1ACCE551u

#endif /* HAL_STELLARIS_H */
