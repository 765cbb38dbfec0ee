/*
 * struct clock, the clock's state, owned by the caller so that it can be
 * allocated statically (the appliance holds it by value). Its fields are
 * private to firmware/clock/: use the functions in clock.h. Included by
 * clock.h only.
 */
#ifndef CLOCK_CLOCK_STRUCT_H
#define CLOCK_CLOCK_STRUCT_H

#ifndef CLOCK_CLOCK_H
#error "include clock/clock.h, not clock/clock_struct.h"
#endif

struct clock_segment { /* served = start_ns + (ticks - start_ticks) * mult / 2^32 */
    uint64_t start_ticks;
    int64_t start_ns;
    uint64_t mult_q32; /* ns per tick, 32 fraction bits */
    /* The same line in NTP format (served.c keeps them with the fields above). */
    uint64_t start_ntp;    /* NTP timestamp of start_ns (era dropped) */
    uint64_t mult_ntp_q32; /* NTP units (2^-32 s) per tick, 32 fraction bits */
};

struct clock_edge { /* RTC second s began within [before, after] */
    int64_t s;
    uint64_t mid2_ticks;  /* before + after */
    uint32_t width_ticks; /* after - before */
};

#define CLOCK_SEGMENTS 6

struct clock {
    struct clock_config cfg;
    int8_t precision_log2;

    /* Served time: piecewise linear in ticks, planned ahead (slew end, leap). */
    struct clock_segment seg[CLOCK_SEGMENTS];
    uint8_t n_seg;

    /* Fit of RTC edges: counter ticks per RTC second and the RTC's phase. */
    struct clock_edge edge[CLOCK_FIT_POINTS];
    uint8_t edge_first, edge_count;
    bool is_rate_known;      /* the rate came from a fit of enough edges */
    uint8_t rate_points;     /* edges the rate in hand was fitted from */
    bool has_fit;            /* fit_* below hold a phase */
    uint64_t rate_q16;       /* counter ticks per RTC second, 16 fraction bits */
    uint64_t ideal_mult_q32; /* served ns per tick on the fitted line */
    int64_t fit_s;           /* an RTC second on the line ... */
    uint64_t fit_tick;       /* ... began at fit_tick + fit_frac_q8 / 256 */
    uint32_t fit_frac_q8;
    uint32_t residual_ns, last_edge_unc_ns, min_half_width_ns;
    uint8_t outliers;
    uint8_t absorb_edges;               /* see CLOCK_REPHASE_ABSORB_EDGES */
    bool has_write_point;               /* the only point is an RTC write: phase not measured */
    uint8_t write_misses;               /* writes in a row over CLOCK_WRITE_MISS_MAX_NS */
    int32_t cusum_pos_q8, cusum_neg_q8; /* rate-change detector, see fit.c */
    int64_t cusum_pos_s, cusum_neg_s;   /* where each sum last started */
    uint32_t rate_changes;

    /* Target: served time of RTC second S = S*1e9 + target_offset_ns + (S - trim_anchor_s) * trim. */
    int64_t target_offset_ns;
    int64_t trim_anchor_s;
    int64_t written_offset_ns; /* the part of target_offset_ns the last write left (no re-phase) */

    /* Reading the RTC. */
    bool has_prev;  /* prev_* is a valid reading to bracket the next edge */
    bool is_coarse; /* served time is the first RTC reading, edge not yet seen */
    int64_t prev_s;
    uint64_t prev_before;
    bool is_window_mode; /* else read continuously */
    uint64_t window_open, window_close;
    bool is_last_read_error;
    uint64_t retry_at;
    uint64_t last_good_ticks;
    bool has_good;
    int last_err;
    uint32_t edges, writes;

    /* Edges captured by a timer (the RTC's square wave). */
    bool is_capture;       /* a timer captures the square wave (clock_set_edge_capture) */
    bool has_capture;      /* capture_tick is the last captured edge taken */
    bool has_capture_s;    /* capture_s numbers it (cleared when the RTC is written) */
    uint64_t capture_tick; /* the last captured edge taken */
    int64_t capture_s;     /* the RTC second it began */
    uint32_t capture_edges, capture_rejected;

    /* RTC write: aligned on the served time (set) or the target time (re-phase). */
    uint8_t write_kind;
    int64_t write_armed_s; /* due once the aligned time passes a later second */

    /* Leap second. */
    enum clock_leap leap;
    int64_t leap_at_s;
    bool is_leap_armed; /* segments hold it: starts at leap_tick, done at leap_end */
    uint64_t leap_tick, leap_end;

    /* Status. */
    uint64_t update_ticks;     /* last discipline update (edge or write) */
    uint64_t next_check_ticks; /* next strict / re-phase check in clock_poll() */
    enum clock_state state;
    bool has_time; /* the served time came from an RTC edge or a set */
    int64_t ref_ns;
    int64_t last_set_unix_s;
    enum clock_source last_set_source;
    bool is_error_reported;

    struct clock_event events[CLOCK_EVENT_QUEUE_LEN];
    uint8_t ev_first, ev_count;
    uint32_t ev_dropped;
};

#endif /* CLOCK_CLOCK_STRUCT_H */
