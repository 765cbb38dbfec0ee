/*
 * Optional network services around the NTP server: syslog of events
 * (RFC 5424 over UDP) and taking the time from an upstream NTP server.
 * Both are off until their address is configured.
 */
#ifndef FIRMWARE_SERVICES_H
#define FIRMWARE_SERVICES_H

#include "ntp/upstream.h"

/* Binds the sockets and registers the syslog event sink. */
void services_init(void);

/* Follows setting changes, runs the upstream client; once per main-loop pass. */
void services_poll(void);

/* Returns the upstream client's state (its counters, for status): read only. */
const struct upstream *services_upstream(void);

#endif /* FIRMWARE_SERVICES_H */
