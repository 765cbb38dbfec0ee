/*
 * The Ethernet address choice (see mac.h).
 */
#include <string.h>

#include "mac.h"

enum mac_choice mac_choose(const struct settings *s, const uint8_t *factory, uint8_t out[6])
{
    if (s->mac_source == CONFIG_MAC_OPERATOR) {
        memcpy(out, s->mac, 6);
        return MAC_FROM_OPERATOR;
    }
    if (factory != NULL) {
        memcpy(out, factory, 6);
        return MAC_FROM_FACTORY;
    }
    if (s->mac_source == CONFIG_MAC_GENERATED) {
        memcpy(out, s->mac, 6);
        return MAC_FROM_GENERATED;
    }
    return MAC_FROM_NONE;
}

void mac_generate(uint64_t entropy, uint8_t out[6])
{
    /* The first byte's low bits: 1 = locally administered (bit 1), 0 = unicast (bit 0). */
    out[0] = (uint8_t)(((entropy >> 40) & 0xFCu) | 0x02u);
    for (unsigned i = 1; i < 6u; i++) {
        out[i] = (uint8_t)(entropy >> (8u * (i - 1u)));
    }
}
