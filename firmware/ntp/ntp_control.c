/*
 * Mode 6 (NTP control messages, RFC 9327), read-only and for association 0,
 * so that `ntpq -c rv <appliance>` shows the server's state and counters.
 *
 * Answered only to the management subnets and only within the rate limit
 * (shared with time requests, counted apart, never a KoD). Replies can be
 * larger than requests, which is why strangers get nothing (BCP 223,
 * RFC 8633). Supported:
 *   READSTAT (1), association 0: the system status word and an empty
 *       association list (the appliance has no peers), so ntpq's
 *       `associations` and `peers` say so instead of timing out.
 *   READVAR (2), association 0: every system variable, or only those named
 *       in the request ("rv 0 stratum,refid"); an unknown name is error 5.
 * Everything else gets an error response (12 bytes, never larger than the
 * request): write opcodes (WRITEVAR, WRITECLOCK, CONFIGURE, SAVECONFIG)
 * error 7 "administratively prohibited", other opcodes error 3, a nonzero
 * association error 4, a count beyond the datagram error 2.
 *
 * The variable text is rendered once per request into the server's buffer
 * and sent in fragments of at most NTP_CONTROL_DATA_MAX bytes, cut between
 * variables as ntpd does, each with its offset and the M bit on all but the
 * last; ntpq reassembles them by offset.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ntp/ntp.h"
#include "ntp/ntp_internal.h"
#include "ntp/ntp_time.h"

/* Second header byte: Response, Error, More bits and the opcode (RFC 9327 sec. 2). */
#define CTL_R       0x80
#define CTL_E       0x40
#define CTL_M       0x20
#define CTL_OP_MASK 0x1F

/* Header offsets after the first byte. */
#define CTL_OFF_OP       1
#define CTL_OFF_SEQUENCE 2
#define CTL_OFF_STATUS   4
#define CTL_OFF_ASSOC    6
#define CTL_OFF_OFFSET   8
#define CTL_OFF_COUNT    10

/* Opcodes (RFC 9327). */
#define CTL_OP_READSTAT   1
#define CTL_OP_READVAR    2
#define CTL_OP_WRITEVAR   3
#define CTL_OP_WRITECLOCK 5
#define CTL_OP_CONFIGURE  8
#define CTL_OP_SAVECONFIG 9

/* Error codes, in the high byte of the status word of an E response (RFC 9327). */
#define CERR_BADFMT     2
#define CERR_BADOP      3
#define CERR_BADASSOC   4
#define CERR_UNKNOWNVAR 5
#define CERR_PERMISSION 7

/*
 * System status word: LI (2 bits), clock source (6), event counter (4),
 * event code (4) (RFC 9327; clock source codes from RFC 1305 app. B).
 * "Local" (5) fits a battery clock whose refid is LOCL; while the time is
 * not trusted the source is unspecified (0).
 */
#define CTL_SST_SOURCE_UNSPEC 0
#define CTL_SST_SOURCE_LOCAL  5

/* ntpd breaks variable lines near this width; ntpq's raw mode prints them as sent. */
#define CTL_LINE_MAX 72

/* Longest variable name a request may ask for. */
#define CTL_NAME_MAX 32

enum var_kind {
    VK_VERSION,
    VK_LEAP,
    VK_STRATUM,
    VK_PRECISION,
    VK_ROOTDELAY,
    VK_ROOTDISP,
    VK_REFID,
    VK_REFTIME,
    VK_CLOCK,
    VK_UPTIME,
    VK_COUNTER, /* uint32_t at offset in struct ntp_counters */
    VK_RL_CLIENTS,
    VK_RL_EVICTIONS,
};

struct var_def {
    const char *name;
    uint8_t kind;
    uint8_t offset;
};

#define COUNTER(name, field)                                                                       \
    {                                                                                              \
        name, VK_COUNTER, (uint8_t)offsetof(struct ntp_counters, field)                            \
    }

/* The standard names first (the ones ntpq formats), then the appliance's counters. */
static const struct var_def vars[] = {
    { "version", VK_VERSION, 0 },
    { "leap", VK_LEAP, 0 },
    { "stratum", VK_STRATUM, 0 },
    { "precision", VK_PRECISION, 0 },
    { "rootdelay", VK_ROOTDELAY, 0 },
    { "rootdisp", VK_ROOTDISP, 0 },
    { "refid", VK_REFID, 0 },
    { "reftime", VK_REFTIME, 0 },
    { "clock", VK_CLOCK, 0 },
    { "uptime", VK_UPTIME, 0 },
    COUNTER("received", received),
    COUNTER("replied_mode2", replied_mode2),
    COUNTER("replied_mode4", replied_mode4),
    COUNTER("replied_v1", replied_version[0]),
    COUNTER("replied_v2", replied_version[1]),
    COUNTER("replied_v3", replied_version[2]),
    COUNTER("replied_v4", replied_version[3]),
    COUNTER("replied_xleave", replied_interleaved),
    COUNTER("replied_auth", replied_auth),
    COUNTER("kod_sent", kod_sent),
    COUNTER("drop_short", drop_short),
    COUNTER("drop_mode", drop_bad_mode),
    COUNTER("drop_version", drop_bad_version),
    COUNTER("drop_mssntp", drop_mssntp),
    COUNTER("drop_auth", drop_auth),
    COUNTER("drop_bad_mac", drop_bad_mac),
    COUNTER("drop_unauth", drop_unauth),
    COUNTER("drop_format", drop_bad_format),
    COUNTER("drop_acl", drop_acl),
    COUNTER("drop_ratelimit", drop_ratelimit),
    COUNTER("ctl_answered", ctl_answered),
    COUNTER("ctl_errors", ctl_errors),
    COUNTER("ctl_refused", ctl_refused),
    COUNTER("ctl_ratelimited", ctl_ratelimited),
    { "rl_clients", VK_RL_CLIENTS, 0 },
    { "rl_evictions", VK_RL_EVICTIONS, 0 },
};

#define VAR_COUNT (sizeof(vars) / sizeof(vars[0]))

_Static_assert(VAR_COUNT <= NTP_CONTROL_MAX_ITEMS, "raise NTP_CONTROL_MAX_ITEMS");
_Static_assert(sizeof(struct ntp_counters) <= 255, "counter offsets are uint8_t");
_Static_assert(NTP_CONTROL_DATA_MAX % 4 == 0, "fragments are padded to 32-bit words");

static uint16_t system_status(const struct ntp_clock_info *ci)
{
    uint16_t source = ci->synced ? CTL_SST_SOURCE_LOCAL : CTL_SST_SOURCE_UNSPEC;

    return (uint16_t)((ntp_effective_leap(ci) << 14) | (source << 8));
}

static int format_ts(char *buf, size_t cap, const char *name, uint64_t ts)
{
    /* ntpd's l_fp text form: ntpq recognises the 0x prefix and prints the date. */
    return snprintf(buf, cap, "%s=0x%08" PRIx32 ".%08" PRIx32, name, (uint32_t)(ts >> 32),
                    (uint32_t)ts);
}

/* Writes "name=value" for v into buf. Returns its length (>= cap: truncated). */
static int render_var(const struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, const struct var_def *v, char *buf,
                      size_t cap)
{
    uint32_t rem;

    switch (v->kind) {
    case VK_VERSION: return snprintf(buf, cap, "version=\"%s\"", NTP_SERVER_VERSION_STRING);
    case VK_LEAP: return snprintf(buf, cap, "leap=%u", (unsigned)ntp_effective_leap(ci));
    case VK_STRATUM:
        return snprintf(buf, cap, "stratum=%u", (unsigned)ntp_effective_stratum(s, ci));
    case VK_PRECISION: return snprintf(buf, cap, "precision=%d", (int)ci->precision_log2);
    case VK_ROOTDELAY:
        /* Milliseconds, as ntpd reports it; the appliance is its own reference. */
        return snprintf(buf, cap, "rootdelay=0.000");
    case VK_ROOTDISP:
        return snprintf(buf, cap, "rootdisp=%" PRIu32 ".%03" PRIu32, ci->root_disp_us / 1000,
                        ci->root_disp_us % 1000);
    case VK_REFID: {
        char refid[5];
        ntp_server_get_refid(s, refid);
        return snprintf(buf, cap, "refid=%s", refid);
    }
    case VK_REFTIME:
        return format_ts(buf, cap, "reftime",
                         ci->ref_ns != 0 ? ntp_time_ts_from_unix_ns(ci->ref_ns) : 0);
    case VK_CLOCK: return format_ts(buf, cap, "clock", rq->rx_ts);
    case VK_UPTIME: {
        /* mono_ms * 10^6 is ns; the helper divides without a 64-bit divide. */
        int64_t up_s = ntp_time_split_ns((int64_t)(rq->mono_ms * 1000000u), &rem);
        return snprintf(buf, cap, "uptime=%" PRIu32, (uint32_t)up_s);
    }
    case VK_COUNTER: {
        uint32_t value;
        memcpy(&value, (const uint8_t *)&s->counters + v->offset, sizeof(value));
        return snprintf(buf, cap, "%s=%" PRIu32, v->name, value);
    }
    case VK_RL_CLIENTS:
        return snprintf(buf, cap, "rl_clients=%" PRIu32, (uint32_t)ratelimit_count(&s->rl));
    case VK_RL_EVICTIONS:
        return snprintf(buf, cap, "rl_evictions=%" PRIu32, ratelimit_evictions(&s->rl));
    default: return 0;
    }
}

/* Appends one variable with its separator. Returns 0, or -ENOSPC when the text is full. */
static int append_var(struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, const struct var_def *v, size_t *line_len)
{
    struct ntp_control_pending *c = &s->ctl;
    char item[96];
    int n = render_var(s, rq, ci, v, item, sizeof(item));

    if (n <= 0 || (size_t)n >= sizeof(item))
        return -ENOSPC;
    const char *sep = "";
    if (c->item_count > 0) {
        if (*line_len + 2 + (size_t)n > CTL_LINE_MAX) {
            sep = ",\r\n";
            *line_len = 0;
        } else {
            sep = ", ";
        }
    }
    size_t sep_len = strlen(sep);
    if (c->item_count >= NTP_CONTROL_MAX_ITEMS ||
        c->text_len + sep_len + (size_t)n > sizeof(c->text))
        return -ENOSPC;
    memcpy(c->text + c->text_len, sep, sep_len);
    memcpy(c->text + c->text_len + sep_len, item, (size_t)n);
    c->text_len = (uint16_t)(c->text_len + sep_len + (size_t)n);
    c->item_end[c->item_count++] = c->text_len;
    *line_len += (sep_len == 2 ? 2 : 0) + (size_t)n;
    return 0;
}

static const struct var_def *find_var(const char *name, size_t len)
{
    for (size_t i = 0; i < VAR_COUNT; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return &vars[i];
    return NULL;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\0';
}

/*
 * Renders the variables named in the comma-separated list q[0..qlen-1]
 * ("name" or "name=value"; the value is ignored), or every variable when
 * the list names none. Returns 0, or -ENOENT for a name we do not have.
 */
static int render_vars(struct ntp_server *s, const struct ntp_request *rq,
                       const struct ntp_clock_info *ci, const char *q, size_t qlen)
{
    size_t line_len = 0;
    bool named = false;
    size_t i = 0;

    while (i < qlen) {
        size_t start = i;
        while (i < qlen && q[i] != ',')
            i++;
        size_t end = i++;
        size_t eq = start;
        while (eq < end && q[eq] != '=')
            eq++;
        end = eq;
        while (start < end && is_blank(q[start]))
            start++;
        while (end > start && is_blank(q[end - 1]))
            end--;
        if (end == start)
            continue;
        const struct var_def *v =
            end - start <= CTL_NAME_MAX ? find_var(q + start, end - start) : NULL;
        if (v == NULL)
            return -ENOENT;
        named = true;
        (void)append_var(s, rq, ci, v, &line_len);
    }
    if (!named)
        for (size_t k = 0; k < VAR_COUNT; k++)
            if (append_var(s, rq, ci, &vars[k], &line_len) != 0)
                break;
    return 0;
}

static int send_error(struct ntp_server *s, const struct ntp_request *rq,
                      const struct ntp_clock_info *ci, uint8_t code, uint8_t *out,
                      struct ntp_reply *rep)
{
    const uint8_t *d = rq->data;

    memset(out, 0, NTP_CONTROL_HEADER_LEN);
    out[0] = ntp_li_vn_mode(ntp_effective_leap(ci), (d[0] >> 3) & 7, NTP_MODE_CONTROL);
    out[CTL_OFF_OP] = (uint8_t)(CTL_R | CTL_E | (d[CTL_OFF_OP] & CTL_OP_MASK));
    memcpy(out + CTL_OFF_SEQUENCE, d + CTL_OFF_SEQUENCE, 2);
    ntp_put_be16(out + CTL_OFF_STATUS, (uint16_t)(code << 8));
    memcpy(out + CTL_OFF_ASSOC, d + CTL_OFF_ASSOC, 2);
    s->ctl.active = false;
    s->counters.ctl_errors++;
    rep->len = NTP_CONTROL_HEADER_LEN;
    return 0;
}

/* Writes the fragment starting at the pending offset. */
static void emit_fragment(struct ntp_server *s, uint8_t *out, size_t out_cap, struct ntp_reply *rep)
{
    struct ntp_control_pending *c = &s->ctl;
    size_t room = (out_cap - NTP_CONTROL_HEADER_LEN) & ~(size_t)3;
    size_t left = (size_t)(c->text_len - c->offset);
    size_t n = left;

    if (room > NTP_CONTROL_DATA_MAX)
        room = NTP_CONTROL_DATA_MAX;
    if (left > room) {
        /* Cut after the last whole variable that fits; a giant one is split. */
        n = room;
        for (int k = c->item_count - 1; k >= 0; k--) {
            if (c->item_end[k] > c->offset && c->item_end[k] <= c->offset + room) {
                n = (size_t)(c->item_end[k] - c->offset);
                break;
            }
        }
    }
    bool more = c->offset + n < c->text_len;

    out[0] = ntp_li_vn_mode(c->leap, c->version, NTP_MODE_CONTROL);
    out[CTL_OFF_OP] = (uint8_t)(CTL_R | (more ? CTL_M : 0) | c->opcode);
    ntp_put_be16(out + CTL_OFF_SEQUENCE, c->sequence);
    ntp_put_be16(out + CTL_OFF_STATUS, c->status);
    ntp_put_be16(out + CTL_OFF_ASSOC, 0);
    ntp_put_be16(out + CTL_OFF_OFFSET, c->offset);
    ntp_put_be16(out + CTL_OFF_COUNT, (uint16_t)n);
    memcpy(out + NTP_CONTROL_HEADER_LEN, c->text + c->offset, n);
    size_t padded = (n + 3) & ~(size_t)3;
    memset(out + NTP_CONTROL_HEADER_LEN + n, 0, padded - n);

    c->offset = (uint16_t)(c->offset + n);
    c->active = more;
    rep->len = NTP_CONTROL_HEADER_LEN + padded;
    rep->stamp_tx = false;
    rep->more_fragments = more;
}

int ntp_control_handle(struct ntp_server *s, const struct ntp_request *rq,
                       const struct ntp_clock_info *ci, uint8_t *out, size_t out_cap,
                       struct ntp_reply *rep)
{
    const uint8_t *d = rq->data;

    if (rq->len < NTP_CONTROL_HEADER_LEN) {
        s->counters.drop_short++;
        return -EMSGSIZE;
    }
    uint8_t vn = (d[0] >> 3) & 7;
    if (vn < 1 || vn > 4) {
        s->counters.drop_bad_version++;
        return -EPROTONOSUPPORT;
    }
    /* A response (R set) is never answered: two servers must not play ping-pong. */
    if (d[CTL_OFF_OP] & CTL_R) {
        s->counters.drop_bad_format++;
        return -EBADMSG;
    }
    if (!acl_is_allowed(&s->mgmt, rq->src_ip)) {
        s->counters.ctl_refused++;
        return -EACCES;
    }
    if (ratelimit_check(&s->rl, rq->src_ip, rq->mono_ms, ntp_server_random(s)) != RATELIMIT_PASS) {
        s->counters.ctl_ratelimited++;
        return -EAGAIN;
    }

    uint8_t opcode = d[CTL_OFF_OP] & CTL_OP_MASK;
    uint16_t assoc = ntp_get_be16(d + CTL_OFF_ASSOC);
    uint16_t count = ntp_get_be16(d + CTL_OFF_COUNT);

    if (count > rq->len - NTP_CONTROL_HEADER_LEN)
        return send_error(s, rq, ci, CERR_BADFMT, out, rep);
    switch (opcode) {
    case CTL_OP_READSTAT:
    case CTL_OP_READVAR: break;
    case CTL_OP_WRITEVAR:
    case CTL_OP_WRITECLOCK:
    case CTL_OP_CONFIGURE:
    case CTL_OP_SAVECONFIG: return send_error(s, rq, ci, CERR_PERMISSION, out, rep);
    default: return send_error(s, rq, ci, CERR_BADOP, out, rep);
    }
    if (assoc != 0)
        return send_error(s, rq, ci, CERR_BADASSOC, out, rep);

    struct ntp_control_pending *c = &s->ctl;
    c->active = false;
    c->version = vn;
    c->opcode = opcode;
    c->leap = ntp_effective_leap(ci);
    c->sequence = ntp_get_be16(d + CTL_OFF_SEQUENCE);
    c->status = system_status(ci);
    c->text_len = 0;
    c->offset = 0;
    c->item_count = 0;
    if (opcode == CTL_OP_READVAR &&
        render_vars(s, rq, ci, (const char *)d + NTP_CONTROL_HEADER_LEN, count) != 0)
        return send_error(s, rq, ci, CERR_UNKNOWNVAR, out, rep);
    /* READSTAT: no associations, so the data (association id/status pairs) is empty. */
    s->counters.ctl_answered++;
    emit_fragment(s, out, out_cap, rep);
    return 0;
}

int ntp_control_next_fragment(struct ntp_server *s, uint8_t *out, size_t out_cap,
                              struct ntp_reply *rep)
{
    rep->len = 0;
    rep->stamp_tx = false;
    rep->more_fragments = false;
    if (!s->ctl.active)
        return -ENODATA;
    emit_fragment(s, out, out_cap, rep);
    return 0;
}
