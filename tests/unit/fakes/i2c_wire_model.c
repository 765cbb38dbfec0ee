/*
 * Bit-level I2C bus model (see i2c_wire_model.h).
 */
#include "i2c_wire_model.h"

#include <string.h>

#define TARGETS_MAX 4

enum phase {
    PH_IDLE,    /* between a STOP (or a NACK) and the next START */
    PH_ADDR,    /* receiving the address byte */
    PH_WRITE,   /* receiving a data byte */
    PH_ACK_OUT, /* the target's acknowledge clock */
    PH_READ,    /* the target sending a byte */
    PH_MACK,    /* the master's acknowledge clock */
};

struct target {
    uint8_t addr7;
    const struct i2c_fake_target_ops *ops;
    void *ctx;
};

static struct {
    struct target targets[TARGETS_MAX];
    int n_targets;
    bool m_scl, m_sda; /* master released the line */
    bool t_sda_low;    /* the addressed target drives SDA low */
    unsigned hold_sda; /* pulses a stuck target still holds SDA for */
    bool hold_scl;
    bool scl, sda; /* the lines as last computed */
    enum phase ph;
    uint8_t shift, out;
    unsigned bits;
    bool is_read, is_acked, is_master_ack;
    int engaged;
    struct wire_counts counts;
    uint64_t now_ns, scl_edge_ns;
} w;

void wire_init(void)
{
    memset(&w, 0, sizeof(w));
    w.m_scl = w.m_sda = true;
    w.scl = w.sda = true;
    w.engaged = -1;
}

int wire_attach(uint8_t addr7, const struct i2c_fake_target_ops *ops, void *ctx)
{
    for (int i = 0; i < w.n_targets; i++) {
        if (w.targets[i].addr7 == addr7) {
            return -1;
        }
    }
    if (w.n_targets == TARGETS_MAX) {
        return -1;
    }
    w.targets[w.n_targets++] = (struct target){ addr7, ops, ctx };
    return 0;
}

static bool level_scl(void)
{
    return w.m_scl && !w.hold_scl;
}

static bool level_sda(void)
{
    return w.m_sda && !w.t_sda_low && w.hold_sda == 0;
}

static void disengage(void)
{
    if (w.engaged >= 0) {
        const struct target *t = &w.targets[w.engaged];
        t->ops->stop(t->ctx);
    }
    w.engaged = -1;
}

static void on_start(void)
{
    w.counts.starts++;
    w.ph = PH_ADDR;
    w.bits = 0;
    w.shift = 0;
    w.t_sda_low = false;
}

static void on_stop(void)
{
    w.counts.stops++;
    disengage();
    w.ph = PH_IDLE;
    w.t_sda_low = false;
}

static void on_scl_rise(void)
{
    if ((w.ph == PH_ADDR || w.ph == PH_WRITE) && w.bits < 8u) {
        w.shift = (uint8_t)((w.shift << 1) | (w.sda ? 1u : 0u));
        w.bits++;
    } else if (w.ph == PH_MACK) {
        w.is_master_ack = !w.sda;
    }
}

/* The byte just received (address or data): the target's answer, driven for the ACK clock. */
static void byte_received(void)
{
    if (w.ph == PH_ADDR) {
        uint8_t addr7 = (uint8_t)(w.shift >> 1);
        int found = -1;
        w.is_read = (w.shift & 1u) != 0;
        for (int i = 0; i < w.n_targets; i++) {
            if (w.targets[i].addr7 == addr7) {
                found = i;
            }
        }
        if (w.engaged >= 0 && w.engaged != found) {
            disengage();
        }
        w.is_acked = found >= 0 && w.targets[found].ops->start(w.targets[found].ctx, w.is_read);
        w.engaged = w.is_acked ? found : -1;
    } else {
        const struct target *t = &w.targets[w.engaged];
        w.is_acked = t->ops->send(t->ctx, w.shift);
    }
    if (w.is_acked) {
        w.counts.bytes++;
    }
    w.t_sda_low = w.is_acked;
    w.ph = PH_ACK_OUT;
}

static void next_read_byte(void)
{
    const struct target *t = &w.targets[w.engaged];
    w.out = t->ops->recv(t->ctx);
    w.counts.bytes++;
    w.bits = 0;
    w.ph = PH_READ;
    w.t_sda_low = (w.out & 0x80u) == 0;
}

static void on_scl_fall(void)
{
    w.counts.pulses++;
    if (w.hold_sda > 0) {
        w.hold_sda--;
    }
    switch (w.ph) {
    case PH_ADDR:
    case PH_WRITE:
        if (w.bits == 8u) {
            byte_received();
        }
        break;
    case PH_ACK_OUT:
        w.t_sda_low = false;
        if (!w.is_acked) {
            w.ph = PH_IDLE; /* NACKed: nothing more until START or STOP */
        } else if (w.is_read) {
            next_read_byte();
        } else {
            w.ph = PH_WRITE;
            w.bits = 0;
            w.shift = 0;
        }
        break;
    case PH_READ:
        w.bits++;
        if (w.bits < 8u) {
            w.t_sda_low = ((w.out << w.bits) & 0x80u) == 0;
        } else {
            w.t_sda_low = false; /* the master's acknowledge */
            w.ph = PH_MACK;
        }
        break;
    case PH_MACK:
        if (w.is_master_ack) {
            next_read_byte();
        } else {
            w.ph = PH_IDLE;
        }
        break;
    case PH_IDLE: break;
    }
}

static void note_phase(bool was_high)
{
    uint64_t len = w.now_ns - w.scl_edge_ns;
    uint64_t *min = was_high ? &w.counts.scl_high_min_ns : &w.counts.scl_low_min_ns;
    if (w.scl_edge_ns != 0 && (*min == 0 || len < *min)) {
        *min = len;
    }
    w.scl_edge_ns = w.now_ns;
}

/* The lines after a change: what each edge means, in the order the wire shows it. */
static void update(void)
{
    bool pscl = w.scl, psda = w.sda;
    w.scl = level_scl();
    w.sda = level_sda();
    if (pscl && w.scl && psda != w.sda) {
        if (w.sda) {
            on_stop();
        } else {
            on_start();
        }
    } else if (!pscl && w.scl) {
        note_phase(false);
        on_scl_rise();
    } else if (pscl && !w.scl) {
        note_phase(true);
        on_scl_fall();
    }
    /* A target moves SDA only while SCL is low: no condition hides in this. */
    w.sda = level_sda();
}

void wire_master(bool scl_released, bool sda_released)
{
    w.m_scl = scl_released;
    w.m_sda = sda_released;
    update();
}

bool wire_scl(void)
{
    return w.scl;
}

bool wire_sda(void)
{
    return w.sda;
}

void wire_hold_sda(unsigned pulses)
{
    w.hold_sda = pulses;
    w.sda = level_sda();
}

void wire_hold_scl(bool held)
{
    w.hold_scl = held;
    update();
}

bool wire_is_sda_held(void)
{
    return w.hold_sda > 0;
}

void wire_advance_us(uint64_t us)
{
    for (int i = 0; i < w.n_targets; i++) {
        if (w.targets[i].ops->advance_us != NULL) {
            w.targets[i].ops->advance_us(w.targets[i].ctx, us);
        }
    }
}

void wire_counts(struct wire_counts *c)
{
    *c = w.counts;
}

void wire_set_now_ns(uint64_t ns)
{
    w.now_ns = ns;
}
