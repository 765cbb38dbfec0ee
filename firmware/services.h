/*
 * Optional network services around the NTP server: syslog of events
 * (RFC 5424 over UDP) and taking the time from an upstream NTP server.
 * Both are off until their address is configured.
 */
#ifndef FIRMWARE_SERVICES_H
#define FIRMWARE_SERVICES_H

/* Binds the sockets and registers the syslog event sink. */
void services_init(void);

/* Follows setting changes, runs the upstream client; once per main-loop pass. */
void services_poll(void);

#endif /* FIRMWARE_SERVICES_H */
