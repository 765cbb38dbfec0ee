/*
 * Private to the NTP engine: what ntp_server.c and ntp_control.c share.
 * Not part of the public surface; only firmware/ntp/ and its tests include it.
 */
#ifndef NTP_NTP_INTERNAL_H
#define NTP_NTP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ntp/ntp.h"
#include "ntp/ntp_time.h"

/* Association modes (RFC 5905 sec. 7.3, figure 10). */
#define NTP_MODE_RESERVED    0
#define NTP_MODE_SYM_ACTIVE  1
#define NTP_MODE_SYM_PASSIVE 2
#define NTP_MODE_CLIENT      3
#define NTP_MODE_SERVER      4
#define NTP_MODE_BROADCAST   5
#define NTP_MODE_CONTROL     6
#define NTP_MODE_PRIVATE     7

/* Leap indicator 3: clock unsynchronized (RFC 5905 sec. 7.3). */
#define NTP_LEAP_ALARM 3

/* Stratum 16: unsynchronized (RFC 5905 sec. 7.3, figure 11). */
#define NTP_STRATUM_UNSYNC 16

/* Byte offsets in the 48-byte header (RFC 5905 sec. 7.3, figure 8). */
#define NTP_OFF_LI_VN_MODE  0
#define NTP_OFF_STRATUM     1
#define NTP_OFF_POLL        2
#define NTP_OFF_PRECISION   3
#define NTP_OFF_ROOT_DELAY  4
#define NTP_OFF_ROOT_DISP   8
#define NTP_OFF_REFID       12
#define NTP_OFF_REF_TS      16
#define NTP_OFF_ORIGIN_TS   24
#define NTP_OFF_RECEIVE_TS  32
#define NTP_OFF_TRANSMIT_TS 40

static inline uint8_t ntp_li_vn_mode(uint8_t li, uint8_t vn, uint8_t mode)
{
    return (uint8_t)((li << 6) | ((vn & 7) << 3) | (mode & 7));
}

static inline uint16_t ntp_get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t ntp_get_be32(const uint8_t *p)
{
    return ntp_time_get_be32(p);
}

static inline void ntp_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void ntp_put_be32(uint8_t *p, uint32_t v)
{
    ntp_time_put_be32(p, v);
}

/* The leap indicator the server announces: 3 whenever the time is not trusted. */
static inline uint8_t ntp_effective_leap(const struct ntp_clock_info *ci)
{
    if (!ci->synced || ci->leap > 2)
        return NTP_LEAP_ALARM;
    return ci->leap;
}

/* The stratum the server announces: 16 whenever the time is not trusted. */
static inline uint8_t ntp_effective_stratum(const struct ntp_server *s,
                                            const struct ntp_clock_info *ci)
{
    return ci->synced ? s->stratum : NTP_STRATUM_UNSYNC;
}

/* Returns the next number of the server's xorshift32 generator. */
uint32_t ntp_server_random(struct ntp_server *s);

/*
 * Handles a mode 6 datagram (ntp_control.c); same contract as
 * ntp_server_handle(), which has already counted it as received.
 */
int ntp_control_handle(struct ntp_server *s, const struct ntp_request *rq,
                       const struct ntp_clock_info *ci, uint8_t *out, size_t out_cap,
                       struct ntp_reply *rep);

/* Writes the next pending mode 6 fragment. Returns 0, or -ENODATA when none is left. */
int ntp_control_next_fragment(struct ntp_server *s, uint8_t *out, size_t out_cap,
                              struct ntp_reply *rep);

#endif /* NTP_NTP_INTERNAL_H */
