/*
 * The NTP engine on lwIP's raw UDP API.
 *
 * Receive: the request's arrival time is the receive interrupt's stamp of
 * its own frame (net_rx_ticks(), valid while lwIP delivers that frame),
 * converted to time of day by the clock, never a fresh reading.
 *
 * Transmit: replies leave the engine with an empty transmit timestamp. The
 * netif's UDP transmit hook, called with the finished frame immediately
 * before it is copied into the MAC, reads the counter and has the engine
 * write the timestamp; net.c then patches the UDP checksum. A reply that
 * waits in lwIP's ARP queue is stamped when it really leaves, not when it
 * was built.
 */
#include <errno.h>
#include <string.h>

#include "hal/timer.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "net.h"
#include "ntp_udp.h"

/* Reply modes that carry a transmit timestamp (RFC 5905 figure 10). */
#define MODE_SYM_PASSIVE 2u
#define MODE_SERVER      4u
#define NTP_XMT_OFFSET   40u

static struct udp_pcb *pcb;
static struct ntp_server *server;
static ntp_udp_ticks_to_ntp_fn to_ntp;
static ntp_udp_clock_info_fn info;
static uint32_t dropped;

/* Largest reply: a mode 6 fragment (time replies are 48 bytes). */
#define REPLY_MAX (NTP_CONTROL_HEADER_LEN + NTP_CONTROL_DATA_MAX)

uint32_t ntp_udp_dropped(void)
{
    return dropped;
}

static int stamp_hook(uint8_t *payload, size_t len, uint8_t old[8])
{
    uint8_t mode = payload[0] & 7u;
    /* A basic reply's provisional transmit timestamp equals its receive timestamp. */
    if (len < NTP_HEADER_LEN || (mode != MODE_SERVER && mode != MODE_SYM_PASSIVE) ||
        memcmp(payload + NTP_XMT_OFFSET - 8u, payload + NTP_XMT_OFFSET, 8) != 0) {
        return -1;
    }
    uint64_t now_ts = to_ntp(timer_now());
    memcpy(old, payload + NTP_XMT_OFFSET, 8);
    ntp_server_stamp_transmit(server, payload, now_ts);
    return (int)NTP_XMT_OFFSET;
}

/*
 * Replies are built straight into a pbuf with room for lwIP's headers in
 * front, so the frame leaves as one buffer (see net.c's linkoutput).
 */
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
        .rx_ts = to_ntp(rx_ticks),
        .mono_ms = net_uptime_ms(),
    };
    net_rand_stir(rx_ticks);

    struct ntp_reply rep;
    struct pbuf *q = reply_pbuf();
    if (q == NULL) {
        pbuf_free(p);
        return;
    }
    int err = ntp_server_handle(server, &rq, info(), q->payload, REPLY_MAX, &rep);
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

int ntp_udp_init(struct ntp_server *srv, ntp_udp_ticks_to_ntp_fn ticks_to_ntp,
                 ntp_udp_clock_info_fn clock_info)
{
    server = srv;
    to_ntp = ticks_to_ntp;
    info = clock_info;
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
    net_set_udp_tx_hook(NTP_PORT, stamp_hook);
    return 0;
}
