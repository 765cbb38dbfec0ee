/*
 * Which Ethernet address the appliance uses: the decision alone, apart
 * from where the facts come from (the board, the settings, entropy), so
 * it is tested on the host.
 */
#ifndef FIRMWARE_MAC_H
#define FIRMWARE_MAC_H

#include <stdint.h>

#include "config/config.h"

enum mac_choice {
    MAC_FROM_NONE = 0,  /* nothing to use: generate one (mac_generate) */
    MAC_FROM_OPERATOR,  /* set with `net mac`: wins over any factory address */
    MAC_FROM_FACTORY,   /* the chip's or board's own */
    MAC_FROM_GENERATED, /* generated for this board earlier and stored */
};

/*
 * Chooses by precedence: the operator's, the factory's (factory is NULL
 * when the board has none), a stored generated one. Fills out unless
 * MAC_FROM_NONE is returned.
 */
enum mac_choice mac_choose(const struct settings *s, const uint8_t *factory, uint8_t out[6]);

/* Fills out with a locally administered unicast address (02:xx:...) taken from entropy. */
void mac_generate(uint64_t entropy, uint8_t out[6]);

#endif /* FIRMWARE_MAC_H */
