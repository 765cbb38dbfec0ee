/*
 * libFuzzer harness: the network layer's own parsers of received frames,
 * which look at a frame before lwIP does (firmware/net): the NTP fast
 * path's request parser and the reply it makes in place (fastpath.c), the
 * UDP length check (rx_check.c) and the ARP address conflict detection
 * (addr_watch.c), all on the same frame, and the claim policy.
 *
 * Input:
 *   0      our address: 192.0.2.<byte> (our MAC is always 52:54:00:12:34:56)
 *   1      our mask's prefix length: byte % 33
 *   2..3   the port the fast path listens on (big-endian; 123 for NTP)
 *   4      bit 7: make a reply if the frame is taken, with a payload of
 *          48 + 4 * ((byte & 7) % 7) bytes (48..72), if the request has
 *          that many; bit 6: the harness makes the IPv4 header checksum
 *          right, bit 5: the UDP checksum (over the total length - 20
 *          bytes), before anything looks at the frame (a fuzzer cannot
 *          guess a checksum: these let it reach the checks behind them)
 *   5..6   the reply's IP identification
 *   7..18  four claims for addr_watch_claim(), 3 bytes each: flags (bit 0:
 *          made; bit 1: from a second claimant, else from the frame's
 *          claimant or a first one; bit 2: of our address + 1) and the
 *          milliseconds since the previous claim (big-endian)
 *   19..   one Ethernet frame, no FCS, at most 1518 bytes (the rest is
 *          ignored); it lies at offset 2 of a heap block of exactly its
 *          size + 2, so that (frame + 2) is word-aligned, as the receive
 *          ring keeps frames, and AddressSanitizer sees a read past its end
 *
 * Invariants (the frame decoded here independently, byte by byte):
 *  - fastpath_parse() returns 0 or -EINVAL, 0 exactly when the frame is
 *    a datagram as fastpath.h describes it: at least the 42 header bytes,
 *    to our MAC, ethertype 0x0800, version 4 and IHL 5, MF clear and
 *    offset 0, protocol 17, to our address, from a source that is not 0,
 *    not 224.0.0.0 or above and not our subnet's broadcast, an IP header
 *    checksum that verifies, a total length of at least 28 within the
 *    frame, to our port, a UDP length of the total length - 20 and a UDP
 *    checksum 0 or one that verifies over the pseudo header; when 0, the
 *    payload is at frame + 42, its length the UDP length - 8, the source
 *    address and port the header's; a frame it takes passes
 *    rx_check_frame(); it writes nothing into the frame;
 *  - the reply (to a taken frame, for a payload length that is legal:
 *    48, or a multiple of 4 up to FASTPATH_REPLY_PAYLOAD_MAX, at most the
 *    request's): 42 + payload bytes long; to the request's source MAC from
 *    ours, ethertype 0x0800; a 20-byte IPv4 header whose checksum
 *    verifies, the right total length, the given identification, not a
 *    fragment, TTL FASTPATH_TTL, protocol 17, from our address to the
 *    request's source; the ports swapped, the UDP length 8 + payload, a
 *    nonzero UDP checksum that verifies; the payload as written; nothing
 *    past the reply changed; csum_base the folded sum of everything the
 *    UDP checksum covers but the payload's last 8 bytes and the field
 *    itself, which with those 8 bytes added completes to the checksum
 *    written (eth.h: what eth_send_stamped() does with a new stamp);
 *  - rx_check_frame() returns 0 or -EBADMSG, -EBADMSG exactly for an
 *    IPv4 frame (ethertype 0x0800, version 4, IHL at least 5) carrying
 *    UDP, not a fragment, its total length within the frame and room for
 *    a UDP header, whose UDP length field differs from total length -
 *    IHL * 4; it writes nothing into the frame;
 *  - addr_watch_is_claim() is true exactly for an ARP packet (ethertype
 *    0x0806, at least 42 bytes) for Ethernet/IPv4 (htype 1, ptype
 *    0x0800, hlen 6, plen 4), a request or reply, whose sender protocol
 *    address is ours and whose sender hardware address is not our MAC;
 *    when true the claimant is frame bytes 22..27, when false it is left
 *    alone; never true for address 0; our own probe is none; the probe is
 *    the 60-byte RFC 5227 ARP probe for our address from our MAC;
 *  - addr_watch_claim(): every claim counted once; defended (and the
 *    defence counted) exactly at the first claim and when
 *    ADDR_WATCH_DEFEND_MS have passed since the last defence; logged
 *    exactly when the claimant or its address is new (not the previous
 *    claim's) or ADDR_WATCH_LOG_MS have passed since the last log; the
 *    last claimant, address and time recorded.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "net/addr_watch.h"
#include "net/fastpath.h"
#include "net/rx_check.h"

#define FRAME_MAX 1518u
#define OUR_NET   0xC0000200u /* 192.0.2.0/24 */
#define MARKER    0xA5u

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t first_claimant[6] = { 0x02, 0x00, 0x5E, 0x00, 0x00, 0x01 };
static const uint8_t second_claimant[6] = { 0x02, 0x00, 0x5E, 0x00, 0x00, 0x02 };

/* What the input chose. */
struct env {
    uint32_t ip;    /* ours, host order */
    uint32_t bcast; /* our subnet's broadcast address, host order */
    uint16_t port;
};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One's-complement sum of big-endian 16-bit words (an odd last byte padded with 0), folded. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i < n; i += 2u) {
        s += ((uint32_t)p[i] << 8) | (i + 1u < n ? p[i + 1u] : 0u);
        s = (s & 0xFFFFu) + (s >> 16);
    }
    while (s >> 16) {
        s = (s & 0xFFFFu) + (s >> 16);
    }
    return s;
}

/* The UDP sum of the datagram of udp_len bytes at ip + 20: pseudo header, header, data. */
static uint32_t udp_sum(const uint8_t *ip, uint16_t udp_len)
{
    return sum16(ip + 20, udp_len, sum16(ip + 12, 8, 17u + udp_len));
}

/*
 * Why frame is not a datagram the fast path takes (fastpath.h), or NULL
 * when it is one.
 */
static const char *why_not_taken(const uint8_t *f, size_t len, const struct env *e)
{
    if (len < 42u) {
        return "shorter than its headers";
    }
    if (memcmp(f, our_mac, 6) != 0) {
        return "not to our MAC";
    }
    if (be16(f + 12) != 0x0800u) {
        return "not IPv4";
    }
    const uint8_t *ip = f + 14;
    uint16_t tot = be16(ip + 2);
    uint32_t src = be32(ip + 12);
    if (ip[0] != 0x45u) {
        return "not version 4 with a 20-byte header";
    }
    if ((be16(ip + 6) & 0x3FFFu) != 0) {
        return "a fragment";
    }
    if (ip[9] != 17u) {
        return "not UDP";
    }
    if (tot < 28u) {
        return "no room for UDP";
    }
    if (14u + (size_t)tot > len) {
        return "IP total length past the frame";
    }
    if (be32(ip + 16) != e->ip) {
        return "not to our address";
    }
    if (src == 0 || src >= 0xE0000000u || src == e->bcast) {
        return "from no host";
    }
    if (sum16(ip, 20, 0) != 0xFFFFu) {
        return "bad IP header checksum";
    }
    const uint8_t *udp = ip + 20;
    uint16_t udp_len = be16(udp + 4);
    if (be16(udp + 2) != e->port) {
        return "to another port";
    }
    if (udp_len != tot - 20u) {
        return "UDP length not what IP leaves";
    }
    if (be16(udp + 6) != 0 && udp_sum(ip, udp_len) != 0xFFFFu) {
        return "bad UDP checksum";
    }
    return NULL;
}

/* With the input's flags: the IPv4 header checksum and the UDP checksum made right. */
static void fix_checksums(uint8_t *f, size_t len, uint8_t how)
{
    if (len < 34u || be16(f + 12) != 0x0800u) {
        return;
    }
    uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0Fu) * 4u;
    uint16_t tot = be16(ip + 2);
    if ((how & 0x20u) && ihl == 20u && ip[9] == 17u && tot >= 28u && 14u + (size_t)tot <= len) {
        ip[26] = ip[27] = 0;
        uint16_t c = (uint16_t)~udp_sum(ip, (uint16_t)(tot - 20u));
        c = c == 0 ? 0xFFFFu : c;
        ip[26] = (uint8_t)(c >> 8);
        ip[27] = (uint8_t)c;
    }
    if ((how & 0x40u) && ihl >= 20u && 14u + ihl <= len) {
        ip[10] = ip[11] = 0;
        uint16_t c = (uint16_t)~sum16(ip, ihl, 0);
        ip[10] = (uint8_t)(c >> 8);
        ip[11] = (uint8_t)c;
    }
}

/* Whether rx_check.h says the frame is a malformed UDP datagram (-EBADMSG). */
static bool is_bad_udp_length(const uint8_t *f, size_t len)
{
    if (len < 34u || be16(f + 12) != 0x0800u) {
        return false;
    }
    const uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0Fu) * 4u;
    size_t tot = be16(ip + 2);
    if ((ip[0] >> 4) != 4u || ihl < 20u || ip[9] != 17u || (be16(ip + 6) & 0x3FFFu) != 0) {
        return false;
    }
    if (tot < ihl + 8u || 14u + tot > len) {
        return false;
    }
    return be16(ip + ihl + 4u) != tot - ihl;
}

/* Whether addr_watch.h says the frame claims ip. */
static bool is_claim(const uint8_t *f, size_t len, uint32_t ip)
{
    if (len < 42u || be16(f + 12) != 0x0806u) {
        return false;
    }
    const uint8_t *arp = f + 14;
    uint16_t oper = be16(arp + 6);
    return be16(arp) == 1u && be16(arp + 2) == 0x0800u && arp[4] == 6u && arp[5] == 4u &&
           (oper == 1u || oper == 2u) && ip != 0 && be32(arp + 14) == ip &&
           memcmp(arp + 8, our_mac, 6) != 0;
}

static void check_rx_check(const uint8_t *f, size_t len, const uint8_t *orig)
{
    int rc = rx_check_frame(f, len);
    FUZZ_CHECK(rc == 0 || rc == -EBADMSG, "rx_check_frame gave %d", rc);
    bool is_bad = is_bad_udp_length(f, len);
    FUZZ_CHECK(rc == (is_bad ? -EBADMSG : 0), "rx_check_frame gave %d for a frame that %s", rc,
               is_bad ? "is IPv4 UDP with a UDP length that disagrees" : "it must leave to lwIP");
    FUZZ_CHECK(memcmp(f, orig, len) == 0, "rx_check_frame wrote into the frame");
}

static void check_claim(const uint8_t *f, size_t len, const struct env *e, const uint8_t *orig,
                        uint8_t claimant[6], bool *is_claimed)
{
    uint8_t who[6];
    memset(who, MARKER, sizeof(who));
    bool got = addr_watch_is_claim(f, len, our_mac, e->ip, who);
    bool want = is_claim(f, len, e->ip);
    FUZZ_CHECK(got == want, "addr_watch_is_claim says %d, the frame %s", got,
               want ? "claims our address" : "claims nothing");
    if (got) {
        FUZZ_CHECK(memcmp(who, f + 22, 6) == 0, "claimant %02x:%02x:%02x:%02x:%02x:%02x", who[0],
                   who[1], who[2], who[3], who[4], who[5]);
        memcpy(claimant, who, 6);
    } else {
        for (unsigned i = 0; i < 6u; i++) {
            FUZZ_CHECK(who[i] == MARKER, "claimant byte %u written for no claim", i);
        }
    }
    *is_claimed = got;
    /* Address 0 (none yet) is never claimed. */
    memset(who, MARKER, sizeof(who));
    FUZZ_CHECK(!addr_watch_is_claim(f, len, our_mac, 0, who), "a claim of address 0");
    for (unsigned i = 0; i < 6u; i++) {
        FUZZ_CHECK(who[i] == MARKER, "claimant byte %u written for address 0", i);
    }
    FUZZ_CHECK(memcmp(f, orig, len) == 0, "addr_watch_is_claim wrote into the frame");
}

/* Our probe: RFC 5227's ARP probe for our address from our MAC, which is no claim. */
static void check_probe(const struct env *e)
{
    uint8_t p[ADDR_WATCH_PROBE_LEN + 4];
    memset(p, MARKER, sizeof(p));
    addr_watch_probe(p, our_mac, e->ip);
    static const uint8_t arp_head[] = { 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 };
    for (unsigned i = 0; i < 6u; i++) {
        FUZZ_CHECK(p[i] == 0xFFu, "probe not broadcast");
    }
    FUZZ_CHECK(memcmp(p + 6, our_mac, 6) == 0 && memcmp(p + 22, our_mac, 6) == 0,
               "probe not from our MAC");
    FUZZ_CHECK(memcmp(p + 12, arp_head, sizeof(arp_head)) == 0, "probe not an ARP request");
    FUZZ_CHECK(be32(p + 28) == 0, "probe with a sender address");
    for (unsigned i = 32; i < 38u; i++) {
        FUZZ_CHECK(p[i] == 0, "probe with a target hardware address");
    }
    FUZZ_CHECK(be32(p + 38) == e->ip, "probe for 0x%08x", be32(p + 38));
    for (unsigned i = 42; i < ADDR_WATCH_PROBE_LEN; i++) {
        FUZZ_CHECK(p[i] == 0, "probe padding byte %u not 0", i);
    }
    for (unsigned i = ADDR_WATCH_PROBE_LEN; i < sizeof(p); i++) {
        FUZZ_CHECK(p[i] == MARKER, "probe written past its %u bytes", ADDR_WATCH_PROBE_LEN);
    }
    uint8_t who[6];
    memset(who, MARKER, sizeof(who));
    FUZZ_CHECK(!addr_watch_is_claim(p, ADDR_WATCH_PROBE_LEN, our_mac, e->ip, who),
               "our own probe is a claim");
    for (unsigned i = 0; i < 6u; i++) {
        FUZZ_CHECK(who[i] == MARKER, "claimant byte %u written for our probe", i);
    }
}

/* The claims of the input's bytes 7..18, through addr_watch_claim(), against its policy. */
static void check_policy(struct fuzz_in *in, const struct env *e, const uint8_t claimant[6])
{
    static struct addr_watch w;
    memset(&w, 0, sizeof(w));
    uint64_t now = 0, defended = 0, logged = 0;
    bool has_defended = false, has_logged = false;
    uint8_t last_mac[6] = { 0 };
    uint32_t last_ip = 0, claims = 0, defences = 0;
    for (unsigned i = 0; i < 4u; i++) {
        uint8_t how = fuzz_u8(in);
        now += fuzz_u16(in);
        if (!(how & 1u)) {
            continue;
        }
        const uint8_t *mac = (how & 2u) ? second_claimant : claimant;
        uint32_t ip = (how & 4u) ? e->ip + 1u : e->ip;
        bool is_new = claims == 0 || memcmp(mac, last_mac, 6) != 0 || ip != last_ip;
        bool want_defend = !has_defended || now - defended >= ADDR_WATCH_DEFEND_MS;
        bool want_log = is_new || !has_logged || now - logged >= ADDR_WATCH_LOG_MS;
        unsigned todo = addr_watch_claim(&w, mac, ip, now);
        FUZZ_CHECK((todo & ~(ADDR_WATCH_DEFEND | ADDR_WATCH_LOG)) == 0, "flags 0x%x", todo);
        FUZZ_CHECK(!!(todo & ADDR_WATCH_DEFEND) == want_defend,
                   "claim %u at %llu ms: defend %u, last defence at %llu ms (%d)", i,
                   (unsigned long long)now, todo & ADDR_WATCH_DEFEND, (unsigned long long)defended,
                   has_defended);
        FUZZ_CHECK(!!(todo & ADDR_WATCH_LOG) == want_log,
                   "claim %u at %llu ms: log %u, new %d, last log at %llu ms (%d)", i,
                   (unsigned long long)now, todo & ADDR_WATCH_LOG, is_new,
                   (unsigned long long)logged, has_logged);
        claims++;
        if (want_defend) {
            has_defended = true;
            defended = now;
            defences++;
        }
        if (want_log) {
            has_logged = true;
            logged = now;
        }
        memcpy(last_mac, mac, 6);
        last_ip = ip;
        FUZZ_CHECK(w.claims == claims && w.defences == defences, "counted %u claims, %u defences",
                   (unsigned)w.claims, (unsigned)w.defences);
        FUZZ_CHECK(memcmp(w.mac, mac, 6) == 0 && w.ip == ip && w.seen_ms == now,
                   "claim %u recorded wrong", i);
    }
}

/* The datagram fastpath_parse() took: what it says is what the headers say. */
static void check_taken(const uint8_t *f, const struct fastpath_udp *u)
{
    const uint8_t *ip = f + 14, *udp = ip + 20;
    FUZZ_CHECK(u->payload == f + 42, "payload at frame + %td", u->payload - f);
    FUZZ_CHECK(u->len == be16(udp + 4) - 8u, "payload of %u bytes, UDP length %u", u->len,
               be16(udp + 4));
    FUZZ_CHECK(u->src_ip == be32(ip + 12), "source 0x%08x", (unsigned)u->src_ip);
    FUZZ_CHECK(u->src_port == be16(udp), "source port %u", u->src_port);
}

/* The reply fastpath_reply() made of the request req (a copy of it) in f. */
static void check_reply(const uint8_t *f, size_t len, const uint8_t *req, size_t payload_len,
                        uint16_t ip_id, const struct fastpath_reply *r, const struct env *e)
{
    const uint8_t *ip = f + 14, *udp = ip + 20, *pay = udp + 8;
    const uint8_t *rq_ip = req + 14, *rq_udp = rq_ip + 20;
    size_t flen = 42u + payload_len;
    FUZZ_CHECK(r->len == flen, "reply of %zu bytes for a payload of %zu", r->len, payload_len);
    FUZZ_CHECK(memcmp(f, req + 6, 6) == 0, "reply not to the requester's MAC");
    FUZZ_CHECK(memcmp(f + 6, our_mac, 6) == 0, "reply not from our MAC");
    FUZZ_CHECK(be16(f + 12) == 0x0800u, "reply ethertype 0x%04x", be16(f + 12));
    FUZZ_CHECK(ip[0] == 0x45u, "reply IP byte 0 is 0x%02x", ip[0]);
    FUZZ_CHECK(be16(ip + 2) == 28u + payload_len, "reply IP total length %u", be16(ip + 2));
    FUZZ_CHECK(be16(ip + 4) == ip_id, "reply IP identification %u, not %u", be16(ip + 4), ip_id);
    FUZZ_CHECK((be16(ip + 6) & 0x3FFFu) == 0, "reply a fragment: 0x%04x", be16(ip + 6));
    FUZZ_CHECK(ip[8] == FASTPATH_TTL, "reply TTL %u", ip[8]);
    FUZZ_CHECK(ip[9] == 17u, "reply protocol %u", ip[9]);
    FUZZ_CHECK(sum16(ip, 20, 0) == 0xFFFFu, "reply IP checksum does not verify: 0x%04x",
               (unsigned)sum16(ip, 20, 0));
    FUZZ_CHECK(be32(ip + 12) == e->ip, "reply from 0x%08x", be32(ip + 12));
    FUZZ_CHECK(memcmp(ip + 16, rq_ip + 12, 4) == 0, "reply not to the requester's address");
    FUZZ_CHECK(be16(udp) == be16(rq_udp + 2) && be16(udp + 2) == be16(rq_udp),
               "reply ports %u -> %u", be16(udp), be16(udp + 2));
    FUZZ_CHECK(be16(udp + 4) == 8u + payload_len, "reply UDP length %u", be16(udp + 4));
    FUZZ_CHECK(be16(udp + 6) != 0, "reply without a UDP checksum");
    uint32_t s = udp_sum(ip, (uint16_t)(8u + payload_len));
    FUZZ_CHECK(s == 0xFFFFu, "reply UDP checksum does not verify: 0x%04x", (unsigned)s);
    for (size_t i = 0; i < payload_len; i++) {
        FUZZ_CHECK(pay[i] == (uint8_t)(0x80u + ip_id + i * 7u), "reply payload byte %zu changed",
                   i);
    }
    FUZZ_CHECK(memcmp(f + flen, req + flen, len - flen) == 0, "written past the reply");
    /* csum_base: the sum without the stamp (the payload's last 8 bytes) and the field. */
    uint8_t copy[42u + FASTPATH_REPLY_PAYLOAD_MAX];
    memcpy(copy, f, flen);
    memset(copy + flen - 8u, 0, 8);
    copy[40] = copy[41] = 0;
    uint32_t base = udp_sum(copy + 14, (uint16_t)(8u + payload_len));
    FUZZ_CHECK(r->csum_base == base, "csum_base 0x%04x, not 0x%04x", r->csum_base, (unsigned)base);
    /* and eth.h's completion of it with those 8 bytes gives the field written. */
    uint16_t field = (uint16_t)~sum16(f + flen - 8u, 8, r->csum_base);
    if (field == 0) {
        field = 0xFFFFu;
    }
    FUZZ_CHECK(be16(udp + 6) == field, "UDP checksum 0x%04x, completed from csum_base 0x%04x",
               be16(udp + 6), field);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct env e;
    e.ip = OUR_NET | fuzz_u8(&in);
    unsigned prefix = fuzz_u8(&in) % 33u;
    uint32_t mask = prefix == 0 ? 0 : 0xFFFFFFFFu << (32u - prefix);
    e.bcast = e.ip | ~mask;
    e.port = fuzz_u16(&in);
    uint8_t reply_how = fuzz_u8(&in);
    uint16_t ip_id = fuzz_u16(&in);
    struct fuzz_in claims = in; /* read after the frame's verdicts */
    const uint8_t *bytes;
    (void)fuzz_bytes(&in, 12, &bytes);
    size_t len = fuzz_bytes(&in, FRAME_MAX, &bytes);

    /* (frame + 2) word-aligned; nothing readable past the frame's end. */
    uint32_t *mem = malloc(2u + len);
    FUZZ_CHECK(mem != NULL, "out of memory");
    uint8_t *f = (uint8_t *)mem + 2;
    memcpy(f, bytes, len);
    fix_checksums(f, len, reply_how);
    uint8_t orig[FRAME_MAX];
    memcpy(orig, f, len);

    struct fastpath_self self;
    uint8_t ip_b[4], mask_b[4];
    put_be32(ip_b, e.ip);
    put_be32(mask_b, mask);
    fastpath_self_set(&self, our_mac, ip_b, mask_b);

    check_rx_check(f, len, orig);
    uint8_t claimant[6];
    memcpy(claimant, first_claimant, 6);
    bool is_claimed;
    check_claim(f, len, &e, orig, claimant, &is_claimed);
    check_probe(&e);
    check_policy(&claims, &e, claimant);

    struct fastpath_udp u;
    int rc = fastpath_parse(f, len, &self, e.port, &u);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL, "fastpath_parse gave %d", rc);
    FUZZ_CHECK(memcmp(f, orig, len) == 0, "fastpath_parse wrote into the frame");
    const char *why = why_not_taken(f, len, &e);
    FUZZ_CHECK(rc != 0 || why == NULL, "fastpath_parse took a frame %s", why);
    FUZZ_CHECK(rc == 0 || why != NULL, "fastpath_parse refused a datagram to port %u", e.port);
    if (rc != 0) {
        free(mem);
        return 0;
    }
    check_taken(f, &u);
    FUZZ_CHECK(rx_check_frame(f, len) == 0, "a datagram the fast path takes fails rx_check");
    FUZZ_CHECK(!is_claimed, "a datagram the fast path takes is a claim");

    size_t payload_len = FASTPATH_REPLY_PAYLOAD + 4u * ((reply_how & 7u) % 7u);
    if ((reply_how & 0x80u) && payload_len <= u.len) {
        for (size_t i = 0; i < payload_len; i++) {
            u.payload[i] = (uint8_t)(0x80u + ip_id + i * 7u);
        }
        memcpy(orig, f, len); /* the request as the engine left it */
        struct fastpath_reply r;
        fastpath_reply(f, &u, &self, ip_id, payload_len, &r);
        check_reply(f, len, orig, payload_len, ip_id, &r, &e);
    }
    free(mem);
    return 0;
}
