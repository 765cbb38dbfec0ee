/*
 * SMSC LAN9118 (and the register-compatible LAN9220 on the MPS2 boards)
 * registers used by the driver, one accessor macro per register. Names,
 * offsets and bits as the LAN9118 datasheet's "Register Description"
 * chapter gives them: the system CSRs, the MAC CSRs reached through
 * MAC_CSR_CMD/MAC_CSR_DATA, the PHY registers reached through MII_ACC.
 * The base address comes from the driver's config struct.
 */
#ifndef HAL_LAN9118_H
#define HAL_LAN9118_H

#include <stdint.h>

#include "cortexm/cortexm.h"

/* FIFO ports. */
#define LAN_RX_DATA_FIFO(b)   REG32((b) + 0x00u)
#define LAN_TX_DATA_FIFO(b)   REG32((b) + 0x20u)
#define LAN_RX_STATUS_FIFO(b) REG32((b) + 0x40u)
#define LAN_TX_STATUS_FIFO(b) REG32((b) + 0x48u)

/* System control and status registers. */
#define LAN_ID_REV(b)       REG32((b) + 0x50u)
#define LAN_IRQ_CFG(b)      REG32((b) + 0x54u)
#define LAN_INT_STS(b)      REG32((b) + 0x58u) /* write 1 to clear */
#define LAN_INT_EN(b)       REG32((b) + 0x5Cu)
#define LAN_BYTE_TEST(b)    REG32((b) + 0x64u)
#define LAN_FIFO_INT(b)     REG32((b) + 0x68u)
#define LAN_RX_CFG(b)       REG32((b) + 0x6Cu)
#define LAN_TX_CFG(b)       REG32((b) + 0x70u)
#define LAN_HW_CFG(b)       REG32((b) + 0x74u)
#define LAN_RX_FIFO_INF(b)  REG32((b) + 0x7Cu)
#define LAN_TX_FIFO_INF(b)  REG32((b) + 0x80u)
#define LAN_PMT_CTRL(b)     REG32((b) + 0x84u)
#define LAN_MAC_CSR_CMD(b)  REG32((b) + 0xA4u)
#define LAN_MAC_CSR_DATA(b) REG32((b) + 0xA8u)

#define LAN_BYTE_TEST_VALUE 0x87654321u

#define IRQ_CFG_IRQ_TYPE (1u << 0) /* 1: push-pull */
#define IRQ_CFG_IRQ_POL  (1u << 4) /* 1: active high */
#define IRQ_CFG_IRQ_EN   (1u << 8)

#define INT_RSFL (1u << 3)  /* RX status FIFO above its level */
#define INT_TSFL (1u << 7)  /* TX status FIFO above its level: a frame has been sent */
#define INT_RXDF (1u << 6)  /* RX dropped-frame counter halfway */
#define INT_TXE  (1u << 13) /* transmitter error */
#define INT_RXE  (1u << 14) /* receiver error (FIFO underrun by the host) */

#define FIFO_INT_RX_STS_LEVEL(n)  ((uint32_t)(n) << 0)
#define FIFO_INT_TX_STS_LEVEL(n)  ((uint32_t)(n) << 16)
#define FIFO_INT_TX_DATA_LEVEL(n) ((uint32_t)(n) << 24)

#define RX_CFG_RX_DUMP   (1u << 15)
#define RX_CFG_RXDOFF(n) ((uint32_t)(n) << 8) /* bytes of offset before the frame's first */
#define TX_CFG_TX_ON     (1u << 1)
#define TX_CFG_TXSAO     (1u << 2) /* TX status FIFO may overrun instead of stalling */
#define HW_CFG_SRST      (1u << 0)
#define PMT_CTRL_READY   (1u << 0)

#define RX_FIFO_INF_RXSUSED(v) (((v) >> 16) & 0xFFu)
#define TX_FIFO_INF_TXSUSED(v) (((v) >> 16) & 0xFFu)
#define TX_FIFO_INF_TDFREE(v)  ((v)&0xFFFFu)

/* RX and TX status words. */
#define RX_STS_ES        (1u << 15)
#define RX_STS_LENGTH(v) (((v) >> 16) & 0x3FFFu) /* frame + FCS, bytes */
#define TX_STS_ES        (1u << 15)
#define TX_STS_TAG(v)    ((v) >> 16)

/* TX command words A and B. */
#define TX_CMD_A_LAST_SEG  (1u << 12)
#define TX_CMD_A_FIRST_SEG (1u << 13)
#define TX_CMD_A_SIZE(n)   ((uint32_t)(n)&0x7FFu)
#define TX_CMD_A_OFFSET(n) ((uint32_t)(n) << 16) /* data start offset, bytes */
#define TX_CMD_B_TAG(n)    ((uint32_t)(n) << 16)
#define TX_CMD_B_LENGTH(n) ((uint32_t)(n)&0x7FFu)

/* MAC CSR access, and the MAC CSRs. */
#define MAC_CSR_CMD_BUSY (1u << 31)
#define MAC_CSR_CMD_READ (1u << 30)
#define MAC_CR           1u
#define MAC_ADDRH        2u
#define MAC_ADDRL        3u
#define MAC_MII_ACC      6u
#define MAC_MII_DATA     7u
#define MAC_CR_RXEN      (1u << 2)
#define MAC_CR_TXEN      (1u << 3)
#define MAC_CR_FDPX      (1u << 20)
#define MII_ACC_MIIBZY   (1u << 0)
#define MII_ACC_MIIWNR   (1u << 1)
#define MII_ACC_REG(r)   ((uint32_t)(r) << 6)
#define MII_ACC_PHY(a)   ((uint32_t)(a) << 11)
#define LAN_PHY_ADDR     1u /* the internal PHY */

/* PHY registers, IEEE 802.3 clause 22. */
#define PHY_BMCR           0u
#define PHY_BMSR           1u
#define PHY_ID1            2u
#define PHY_ID2            3u
#define PHY_ANAR           4u
#define PHY_ANLPAR         5u
#define PHY_BMCR_ANRESTART (1u << 9)
#define PHY_BMCR_ANENABLE  (1u << 12)
#define PHY_BMSR_LINK      (1u << 2)
#define PHY_AN_10FD        (1u << 6)
#define PHY_AN_100HD       (1u << 7)
#define PHY_AN_100FD       (1u << 8)

#endif /* HAL_LAN9118_H */
