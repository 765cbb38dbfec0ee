/*
 * libFuzzer harness: the upstream client (upstream.c), above all its reply
 * parser, driven through rounds of polls, replies and results.
 *
 * Input: operations, each one byte and its arguments: poll (time passes,
 * maybe a request goes out), a reply datagram (its bytes from the input,
 * its originate optionally our outstanding transmit timestamp so that the
 * parser gets past the origin check, from the server or not), a better
 * transmit time, or taking the round's result.
 *
 * Invariants:
 *  - a request is a 48-byte NTPv4 mode 3 header, zero but its transmit
 *    timestamp, which is the random value given (never zero); at most one
 *    is outstanding;
 *  - a reply is taken (0) only from the server's address and port, in
 *    mode 4, version 1..4, stratum 1..15, LI not 3, with our transmit as
 *    its originate; every other is -EINVAL (ignored) or -EPROTO (refused),
 *    with the reason recorded;
 *  - a round's result: SET/STEP/SLEW/REFUSE only with status 0, from at
 *    least UPSTREAM_MIN_AGREEING agreeing samples of at most
 *    UPSTREAM_SAMPLES sent, delay within 0..UPSTREAM_MAX_DELAY_NS, root
 *    distance within the limit, the action the one the offset calls for.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "ntp/ntp_time.h"
#include "ntp/upstream.h"

#define SERVER   0x0A000202u
#define NS_PER_S 1000000000LL

static struct upstream u;
static struct upstream_config cfg;

static uint64_t get_ts(const uint8_t *p)
{
    return ntp_time_get_ts(p);
}

static void check_request(const uint8_t *pkt, uint64_t random)
{
    FUZZ_CHECK(pkt[0] == 0x23, "request byte 0 is 0x%02x", pkt[0]);
    for (unsigned i = 1; i < 40; i++) {
        FUZZ_CHECK(pkt[i] == 0, "request byte %u is not zero", i);
    }
    FUZZ_CHECK(get_ts(pkt + 40) == (random != 0 ? random : 1u), "transmit is not the random value");
}

static int64_t abs_ns(int64_t v)
{
    return v < 0 ? (v == INT64_MIN ? INT64_MAX : -v) : v;
}

static void check_result(const struct upstream_result *r, bool is_clock_set)
{
    FUZZ_CHECK(r->n_sent <= UPSTREAM_SAMPLES && r->n_valid <= r->n_sent &&
                   r->n_agreeing <= r->n_valid,
               "sent %u valid %u agreeing %u", r->n_sent, r->n_valid, r->n_agreeing);
    if (r->status != 0) {
        FUZZ_CHECK(r->action == UPSTREAM_ACTION_NONE, "action %d with status %d", r->action,
                   r->status);
        FUZZ_CHECK(r->status == -ENODATA || r->status == -ERANGE || r->status == -EBUSY ||
                       r->status == -ECONNREFUSED,
                   "status %d", r->status);
        return;
    }
    FUZZ_CHECK(r->n_agreeing >= UPSTREAM_MIN_AGREEING, "a result from %u agreeing samples",
               r->n_agreeing);
    FUZZ_CHECK(r->delay_ns >= 0 && r->delay_ns <= UPSTREAM_MAX_DELAY_NS, "delay %lld",
               (long long)r->delay_ns);
    FUZZ_CHECK(r->root_distance_ns <= cfg.max_root_distance_ns, "root distance %lld",
               (long long)r->root_distance_ns);
    FUZZ_CHECK(r->stratum >= 1 && r->stratum <= 15, "stratum %u", r->stratum);
    int64_t size = abs_ns(r->offset_ns);
    enum upstream_action want = !is_clock_set                        ? UPSTREAM_ACTION_SET
                                : size > cfg.jump_limit_s * NS_PER_S ? UPSTREAM_ACTION_REFUSE
                                : size > cfg.step_threshold_ns       ? UPSTREAM_ACTION_STEP
                                                                     : UPSTREAM_ACTION_SLEW;
    FUZZ_CHECK(r->action == want, "action %d for offset %lld, want %d", r->action,
               (long long)r->offset_ns, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    upstream_default_config(&cfg);
    cfg.is_enabled = true;
    cfg.server_addr = SERVER;
    uint32_t now_ms = fuzz_u32(&in);
    int64_t now_ns = (int64_t)(fuzz_u64(&in) % (uint64_t)(4102444800LL * NS_PER_S));
    upstream_init(&u, &cfg, now_ms);
    bool is_waiting = false;
    uint64_t xmt = 0;

    while (in.left > 0) {
        uint8_t op = fuzz_u8(&in);
        switch (op % 4u) {
        case 0: { /* time passes; a request may go out */
            uint32_t step_ms = fuzz_u16(&in) * ((op & 0x80u) ? 1000u : 1u);
            now_ms += step_ms;
            now_ns += (int64_t)step_ms * 1000000LL + (int16_t)fuzz_u16(&in);
            uint64_t random = fuzz_u64(&in);
            uint8_t pkt[UPSTREAM_PACKET_LEN];
            int ret = upstream_poll(&u, now_ms, now_ns, random, pkt, sizeof(pkt));
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "poll returned %d", ret);
            if (ret == 0) {
                check_request(pkt, random);
                xmt = get_ts(pkt + 40);
                is_waiting = true;
            }
            break;
        }
        case 1: { /* a datagram on the client's port */
            uint8_t how = fuzz_u8(&in);
            uint8_t pkt[96];
            memset(pkt, 0, sizeof(pkt));
            const uint8_t *bytes;
            size_t len = fuzz_bytes(&in, fuzz_u8(&in) % sizeof(pkt), &bytes);
            memcpy(pkt, bytes, len);
            if ((how & 1u) && len >= 32) {
                ntp_time_put_ts(pkt + 24, xmt); /* answers our request */
            }
            if ((how & 2u) && len >= 1) {
                pkt[0] = (uint8_t)((pkt[0] & ~7u) | 4u); /* mode 4 */
            }
            uint32_t src = (how & 4u) ? SERVER + 1u : SERVER;
            uint16_t port = (how & 8u) ? 124 : UPSTREAM_NTP_PORT;
            int64_t rx_ns = now_ns + (int64_t)(how >> 4) * 50000000LL + (int16_t)fuzz_u16(&in);
            bool was_waiting = is_waiting;
            int ret = upstream_handle_reply(&u, pkt, len, src, port, rx_ns, now_ms);
            enum upstream_reject why = upstream_last_reject(&u);
            FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -EPROTO, "reply gave %d", ret);
            FUZZ_CHECK(upstream_reject_name(why)[0] != '?', "unnamed reject %d", why);
            if (ret == 0) {
                FUZZ_CHECK(was_waiting && len >= UPSTREAM_PACKET_LEN && src == SERVER &&
                               port == UPSTREAM_NTP_PORT && (pkt[0] & 7u) == 4u &&
                               get_ts(pkt + 24) == xmt,
                           "a reply taken that does not answer our request");
                unsigned li = pkt[0] >> 6, vn = (pkt[0] >> 3) & 7u;
                FUZZ_CHECK(li != 3 && vn >= 1 && vn <= 4 && pkt[1] >= 1 && pkt[1] <= 15,
                           "a reply taken with li %u vn %u stratum %u", li, vn, pkt[1]);
            }
            if (ret != -EINVAL) {
                is_waiting = false; /* answered, well or badly */
            }
            break;
        }
        case 2: { /* a better transmit time for the outstanding request */
            int ret = upstream_note_transmit_time(&u, now_ns + (int16_t)fuzz_u16(&in));
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "note_transmit_time gave %d", ret);
            break;
        }
        default: { /* the round's result, if there is one */
            struct upstream_result r;
            bool is_set = (op & 0x80u) != 0;
            int ret = upstream_take_result(&u, is_set, &r);
            FUZZ_CHECK(ret == 0 || ret == -EAGAIN, "take_result gave %d", ret);
            if (ret == 0) {
                check_result(&r, is_set);
                FUZZ_CHECK(upstream_action_name(r.action)[0] != '?', "unnamed action");
            }
            break;
        }
        }
    }
    return 0;
}
