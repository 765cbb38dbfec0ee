/*
 * Address conflict detection: see addr_watch.h.
 */
#include "addr_watch.h"

#include <string.h>

#define ETH_HDR      14u
#define ETH_TYPE_ARP 0x0806u
#define ARP_LEN      28u /* Ethernet/IPv4: hardware type .. target protocol address */
#define ARP_HTYPE    1u  /* Ethernet */
#define ARP_PTYPE    0x0800u
#define ARP_REQUEST  1u
#define ARP_REPLY    2u
/* Offsets in the ARP packet. */
#define ARP_OPER 6u
#define ARP_SHA  8u
#define ARP_SPA  14u
#define ARP_TPA  24u

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool addr_watch_is_claim(const uint8_t *frame, size_t len, const uint8_t mac[6], uint32_t ip,
                         uint8_t claimant[6])
{
    if (frame == NULL || len < ETH_HDR + ARP_LEN || ip == 0u || be16(frame + 12) != ETH_TYPE_ARP) {
        return false;
    }
    const uint8_t *arp = frame + ETH_HDR;
    uint16_t oper = be16(arp + ARP_OPER);
    if (be16(arp) != ARP_HTYPE || be16(arp + 2) != ARP_PTYPE || arp[4] != 6u || arp[5] != 4u ||
        (oper != ARP_REQUEST && oper != ARP_REPLY)) {
        return false;
    }
    if (be32(arp + ARP_SPA) != ip || memcmp(arp + ARP_SHA, mac, 6) == 0) {
        return false;
    }
    memcpy(claimant, arp + ARP_SHA, 6);
    return true;
}

unsigned addr_watch_claim(struct addr_watch *w, const uint8_t claimant[6], uint32_t ip,
                          uint64_t now_ms)
{
    unsigned todo = 0;
    bool is_new = w->claims == 0u || memcmp(w->mac, claimant, 6) != 0 || w->ip != ip;
    w->claims++;
    memcpy(w->mac, claimant, 6);
    w->ip = ip;
    w->seen_ms = now_ms;
    if (!w->has_defended || now_ms - w->defended_ms >= ADDR_WATCH_DEFEND_MS) {
        w->has_defended = true;
        w->defended_ms = now_ms;
        w->defences++;
        todo |= ADDR_WATCH_DEFEND;
    }
    if (is_new || !w->has_logged || now_ms - w->logged_ms >= ADDR_WATCH_LOG_MS) {
        w->has_logged = true;
        w->logged_ms = now_ms;
        todo |= ADDR_WATCH_LOG;
    }
    return todo;
}

void addr_watch_probe(uint8_t frame[ADDR_WATCH_PROBE_LEN], const uint8_t mac[6], uint32_t ip)
{
    memset(frame, 0, ADDR_WATCH_PROBE_LEN);
    memset(frame, 0xFF, 6); /* broadcast */
    memcpy(frame + 6, mac, 6);
    put_be16(frame + 12, ETH_TYPE_ARP);
    uint8_t *arp = frame + ETH_HDR;
    put_be16(arp, ARP_HTYPE);
    put_be16(arp + 2, ARP_PTYPE);
    arp[4] = 6u;
    arp[5] = 4u;
    put_be16(arp + ARP_OPER, ARP_REQUEST);
    memcpy(arp + ARP_SHA, mac, 6);
    /* Sender protocol address 0 and target hardware address 0: a probe (RFC 5227 sec. 2.1.1). */
    put_be32(arp + ARP_TPA, ip);
}
