/*
 * The NTP engine on the network: the fast path beside lwIP, lwIP's raw UDP
 * API for what the fast path leaves, and the one way every time reply
 * leaves.
 *
 * Receive: a request's arrival time is the receive interrupt's stamp of its
 * own frame, converted by the clock, never a fresh reading. The fast path
 * (net.c's fast_rx hook) takes a well-formed IPv4/UDP datagram to port 123
 * of our address carrying a mode 1 or 3 request, has the engine write the
 * reply over the request in the ring, turns the frame around (fastpath.c)
 * and sends it. Everything else on port 123 (mode 6, anything the fast path
 * does not take) arrives through lwIP in recv_cb, as before.
 *
 * Transmit: every time reply (mode 2 or 4), from either path, leaves
 * through send_time_reply(). A basic reply's transmit timestamp is written
 * by the MAC driver itself after the rest of the frame is in the MAC,
 * immediately before the write that starts transmission, from a counter
 * reading taken there (eth_send_stamped(): the engine's rules, a base time
 * and the clock's rate are handed over ahead). An interleaved reply is
 * complete as built, and so is a signed one (a MAC covers its transmit
 * timestamp: the engine wrote it through the clock hook installed here,
 * just before signing). A reply lwIP sends reaches us in linkoutput
 * (link_tx), after ARP: a basic one is stamped when it really leaves.
 *
 * Departure: for interleaved mode the engine is told when each time reply
 * left: at once the stamp in the frame (or a reading right after the send),
 * then the MAC's transmit-complete stamp when its event comes (matched by
 * the driver's frame number).
 */
#include "ntp_udp.h"

#include <errno.h>
#include <string.h>

#include "csum.h"
#include "fastpath.h"
#include "hal/eth.h"
#include "hal/timer.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "net.h"
#include "ntp/ntp_auth.h"
#include "ntp/ntp_time.h"

/* NTP header fields this file looks at (RFC 5905 figure 8). */
#define NTP_MODE_SYM_ACTIVE  1u
#define NTP_MODE_SYM_PASSIVE 2u
#define NTP_MODE_CLIENT      3u
#define NTP_MODE_SERVER      4u
#define NTP_RX_OFF           32u
#define NTP_TX_OFF           40u
/* A time reply's frame: Ethernet, IPv4 without options, UDP, 48 bytes (and a MAC when signed). */
#define TIME_FRAME_LEN (FASTPATH_HDRS + NTP_HEADER_LEN)
_Static_assert(FASTPATH_REPLY_PAYLOAD_MAX == NTP_HEADER_LEN + NTP_AUTH_MAC_MAX,
               "the fast path's largest reply is a signed one");

/* Largest reply: a mode 6 fragment (time replies are 48 bytes, 72 when signed). */
#define REPLY_MAX (NTP_CONTROL_HEADER_LEN + NTP_CONTROL_DATA_MAX)

/* Time replies whose transmit-complete event may still come (a power of two). */
#define PENDING_SLOTS 4u

struct pending {
    bool is_active;
    uint32_t seq; /* the driver's frame number */
    uint32_t ip;
    uint64_t rx_ts; /* the reply's receive timestamp: which reply it was */
};

static struct udp_pcb *pcb;
static struct ntp_server *server;
static const struct ntp_udp_clock *clk;
static uint32_t dropped;
static uint32_t fast_count;
static uint16_t ip_id;
static struct pending pending[PENDING_SLOTS];
/* A frame lwIP sends, moved to where eth_send_stamped() wants it: (frame + 2) aligned. */
static uint32_t stage[(TIME_FRAME_LEN + 2u + 3u) / 4u];

uint32_t ntp_udp_dropped(void)
{
    return dropped;
}

uint32_t ntp_udp_fast_count(void)
{
    return fast_count;
}

/* A point of the served time's line: a counter value, its NTP time and the rate there. */
struct line {
    uint64_t ticks;
    uint64_t ts;
    uint32_t per_tick_q16;
};

/*
 * Sends a time reply frame (len bytes, (frame + 2) aligned, the reply
 * after the headers: 48 bytes, and its MAC if signed) to ip. A basic
 * reply (is_stamped) gets its transmit
 * timestamp from the driver, which reads the counter at the last moment
 * and maps it to served time along the line through *at (taken shortly
 * before: the request's own receive stamp, or a reading just now; unused
 * for a reply sent as it is); csum_base is the UDP checksum's sum without
 * it (eth.h). Returns 0 or the driver's error.
 */
static int send_time_reply(const uint8_t *frame, size_t len, bool is_stamped, uint16_t csum_base,
                           uint32_t ip, const struct line *at)
{
    const uint8_t *ntp = frame + FASTPATH_HDRS;
    uint64_t tx_ts;
    if (is_stamped) {
        struct eth_tx_stamp st;
        struct ntp_tx_plan plan;
        st.base_ticks = at->ticks;
        st.base = at->ts;
        st.per_tick_q16 = at->per_tick_q16;
        ntp_server_plan_transmit(server, ntp, st.base, &plan);
        st.low_mask = plan.fuzz_mask;
        st.low_bits = plan.fuzz_bits;
        st.min = plan.min_ts;
        st.csum_off = FASTPATH_UDP_CSUM_OFF;
        st.csum_base = csum_base;
        int err = eth_send_stamped(frame, len, &st);
        if (err != 0) {
            return err;
        }
        tx_ts = st.value;
        ntp_server_transmitted(server, tx_ts);
    } else {
        int err = eth_send(frame, len);
        if (err != 0) {
            return err;
        }
        tx_ts = clk->ticks_to_ntp(timer_now()); /* until the transmit-complete event */
    }
    uint64_t rx_ts = ntp_time_get_ts(ntp + NTP_RX_OFF);
    ntp_server_transmit_time(server, ip, rx_ts, tx_ts);
    uint32_t seq = eth_tx_seq();
    pending[seq % PENDING_SLOTS] = (struct pending){ true, seq, ip, rx_ts };
    return 0;
}

/* The MAC's transmit-complete event: the departure of a time reply, if it was one. */
static void tx_done(const struct eth_tx_done *d)
{
    struct pending *p = &pending[d->seq % PENDING_SLOTS];
    if (p->is_active && p->seq == d->seq) {
        p->is_active = false;
        ntp_server_transmit_time(server, p->ip, p->rx_ts, clk->ticks_to_ntp(d->ticks));
    }
}

/* ------------------------------------------------------------ fast path -- */

static int fast_rx(struct eth_frame *f, const struct fastpath_self *self, uint64_t now_ms)
{
    struct fastpath_udp u;
    if (fastpath_parse(f->data, f->len, self, NTP_PORT, &u) != 0) {
        return -EINVAL;
    }
    uint8_t mode = u.payload[0] & 7u;
    if (u.len < NTP_HEADER_LEN || u.len > NTP_UDP_REQUEST_MAX ||
        (mode != NTP_MODE_CLIENT && mode != NTP_MODE_SYM_ACTIVE)) {
        return -EINVAL; /* mode 6, or something the engine drops: lwIP's way */
    }
    /*
     * The receive stamp's point on the served time's line is also the base
     * the transmit stamp is extrapolated from (tens of microseconds on).
     */
    struct line at;
    at.ticks = f->rx_ticks;
    at.ts = clk->ticks_to_ntp_rate(f->rx_ticks, &at.per_tick_q16);
    struct ntp_request rq; /* field by field: an initializer would clear the padding too */
    rq.data = u.payload;
    rq.len = u.len;
    rq.src_ip = u.src_ip;
    rq.src_port = u.src_port;
    rq.rx_ts = at.ts;
    rq.mono_ms = now_ms;
    struct ntp_reply rep;
    fast_count++;
    /* The reply is written over the request: the engine reads the request first. */
    if (ntp_server_handle(server, &rq, clk->info(), u.payload, u.len, &rep) == 0 &&
        (rep.len == FASTPATH_REPLY_PAYLOAD || rep.is_signed)) {
        struct fastpath_reply r;
        fastpath_reply(f->data, &u, self, ip_id++, rep.len, &r);
        (void)send_time_reply(f->data, r.len, rep.stamp_tx, r.csum_base, u.src_ip, &at);
    }
    net_rand_stir(f->rx_ticks);
    return 0;
}

/* ------------------------------------------------------------ lwIP path -- */

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/*
 * A frame lwIP hands to the MAC: a time reply from port 123 (IPv4 without
 * options, UDP, a mode 2 or 4 reply of 48 bytes, or signed: with a 20- or
 * 24-byte MAC) is sent here, the rest goes back to net.c. A basic unsigned
 * reply still carries the engine's provisional transmit timestamp (equal
 * to its receive timestamp; an interleaved reply's never is): it is
 * stamped on the way out. lwIP's UDP checksum covers that provisional
 * stamp, so the sum without it is the checksum's complement less the
 * stamp's sum (RFC 1624). A signed reply leaves as it is, whatever its
 * timestamps: only its departure is taken.
 */
static int link_tx(const uint8_t *frame, size_t len)
{
    const uint8_t *ntp = frame + FASTPATH_HDRS;
    uint8_t mode = ntp[0] & 7u;
    bool is_signed =
        len == TIME_FRAME_LEN + NTP_AUTH_MAC_LEN_16 || len == TIME_FRAME_LEN + NTP_AUTH_MAC_LEN_20;
    if ((len != TIME_FRAME_LEN && !is_signed) || get_be16(frame + 12) != 0x0800u ||
        frame[14] != 0x45u || frame[23] != 17u || get_be16(frame + 34) != NTP_PORT ||
        (mode != NTP_MODE_SERVER && mode != NTP_MODE_SYM_PASSIVE)) {
        return -ENOENT;
    }
    uint32_t ip = ((uint32_t)frame[30] << 24) | ((uint32_t)frame[31] << 16) |
                  ((uint32_t)frame[32] << 8) | frame[33];
    if (is_signed) {
        return send_time_reply(frame, len, false, 0, ip, NULL);
    }
    uint8_t *copy = (uint8_t *)stage + 2;
    memcpy(copy, frame, len);
    bool is_stamped = ntp_time_get_ts(ntp + NTP_RX_OFF) == ntp_time_get_ts(ntp + NTP_TX_OFF);
    uint16_t field;
    memcpy(&field, copy + FASTPATH_UDP_CSUM_OFF, 2);
    uint32_t stamp_sum = csum_add_words(0, (const uint32_t *)(void *)(copy + len - 8u), 2);
    uint16_t base = csum_fold(csum_add32((uint16_t)~field, (uint16_t)~csum_fold(stamp_sum)));
    struct line now;
    now.ticks = timer_now();
    now.ts = clk->ticks_to_ntp_rate(now.ticks, &now.per_tick_q16);
    return send_time_reply(copy, len, is_stamped, csum_host16(base), ip, &now);
}

/* Replies are built in a pbuf with room for lwIP's headers in front (one buffer, net.c). */
static struct pbuf *reply_pbuf(void)
{
    struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, REPLY_MAX, PBUF_RAM);
    if (q == NULL) {
        dropped++;
    }
    return q;
}

static void send_reply(struct pbuf *q, const ip_addr_t *addr, u16_t port, size_t len)
{
    pbuf_realloc(q, (u16_t)len);
    udp_sendto(pcb, q, addr, port);
    pbuf_free(q);
}

static void recv_cb(void *arg, struct udp_pcb *upcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    (void)arg;
    (void)upcb;
    uint64_t rx_ticks = net_rx_ticks();
    /* Frames arrive in one pool buffer each, so the datagram is contiguous. */
    if (p->tot_len > NTP_UDP_REQUEST_MAX || p->len != p->tot_len) {
        dropped++;
        pbuf_free(p);
        return;
    }
    struct ntp_request rq = {
        .data = p->payload,
        .len = p->len,
        .src_ip = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr))),
        .src_port = port,
        .rx_ts = clk->ticks_to_ntp(rx_ticks),
        .mono_ms = net_uptime_ms(),
    };
    net_rand_stir(rx_ticks);

    struct ntp_reply rep;
    struct pbuf *q = reply_pbuf();
    if (q == NULL) {
        pbuf_free(p);
        return;
    }
    int err = ntp_server_handle(server, &rq, clk->info(), q->payload, REPLY_MAX, &rep);
    pbuf_free(p); /* the request is not needed past this point */
    if (err != 0) {
        pbuf_free(q);
        return;
    }
    send_reply(q, addr, port, rep.len);
    while (rep.more_fragments && (q = reply_pbuf()) != NULL) {
        if (ntp_server_next_fragment(server, q->payload, REPLY_MAX, &rep) != 0) {
            pbuf_free(q);
            break;
        }
        send_reply(q, addr, port, rep.len);
    }
}

static const struct net_ntp_hooks hooks = {
    .fast_rx = NET_FASTPATH ? fast_rx : NULL, /* the baseline: lwIP only */
    .link_tx = link_tx,
    .tx_done = tx_done,
};

/* The engine's clock hook: the served time now, for the transmit timestamp of a signed reply. */
static uint64_t clock_now(void *ctx)
{
    (void)ctx;
    return clk->ticks_to_ntp(timer_now());
}

int ntp_udp_init(struct ntp_server *srv, const struct ntp_udp_clock *clock)
{
    server = srv;
    clk = clock;
    ntp_server_set_clock_now(srv, clock_now, NULL);
    pcb = udp_new();
    if (pcb == NULL) {
        return -ENOMEM;
    }
    if (udp_bind(pcb, IP4_ADDR_ANY, NTP_PORT) != ERR_OK) {
        udp_remove(pcb);
        pcb = NULL;
        return -EADDRINUSE;
    }
    udp_recv(pcb, recv_cb, NULL);
    net_set_ntp_hooks(&hooks);
    return 0;
}
