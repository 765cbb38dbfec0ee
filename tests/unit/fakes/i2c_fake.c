/*
 * Fake I2C bus: hal/i2c.h for host tests, routing transactions byte by
 * byte to the chip models attached to it (see i2c_fake.h).
 */
#include "i2c_fake.h"

#include <errno.h>
#include <string.h>

void i2c_fake_init(struct i2c_bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

int i2c_fake_attach(struct i2c_bus *bus, uint8_t addr7, const struct i2c_fake_target_ops *ops,
                    void *ctx)
{
    for (size_t i = 0; i < bus->n_targets; i++) {
        if (bus->targets[i].addr7 == addr7) {
            return -EEXIST;
        }
    }
    if (bus->n_targets == I2C_FAKE_TARGETS_MAX) {
        return -ENOSPC;
    }
    bus->targets[bus->n_targets++] = (struct i2c_fake_target){
        .addr7 = addr7,
        .ops = ops,
        .ctx = ctx,
    };
    return 0;
}

int i2c_fake_detach(struct i2c_bus *bus, uint8_t addr7)
{
    for (size_t i = 0; i < bus->n_targets; i++) {
        if (bus->targets[i].addr7 == addr7) {
            bus->targets[i] = bus->targets[bus->n_targets - 1];
            bus->n_targets--;
            return 0;
        }
    }
    return -ENOENT;
}

void i2c_fake_fail_later(struct i2c_bus *bus, uint8_t addr7, unsigned skip, int err, unsigned count)
{
    bus->fail_addr7 = addr7;
    bus->fail_skip = skip;
    bus->fail_err = err;
    bus->fail_count = count;
}

void i2c_fake_fail_next(struct i2c_bus *bus, uint8_t addr7, int err, unsigned count)
{
    i2c_fake_fail_later(bus, addr7, 0, err, count);
}

void i2c_fake_nack_byte(struct i2c_bus *bus, uint8_t addr7, size_t byte_index)
{
    bus->nack_addr7 = addr7;
    bus->nack_byte_index = byte_index;
    bus->is_nack_armed = true;
}

void i2c_fake_advance_us(struct i2c_bus *bus, uint64_t us)
{
    bus->now_us += us;
    for (size_t i = 0; i < bus->n_targets; i++) {
        const struct i2c_fake_target *t = &bus->targets[i];
        if (t->ops->advance_us != NULL) {
            t->ops->advance_us(t->ctx, us);
        }
    }
}

uint64_t i2c_fake_now_us(const struct i2c_bus *bus)
{
    return bus->now_us;
}

unsigned i2c_fake_transactions(const struct i2c_bus *bus)
{
    return bus->n_transactions;
}

const struct i2c_fake_log_entry *i2c_fake_log(const struct i2c_bus *bus, size_t age)
{
    if (age >= bus->n_logged || age >= I2C_FAKE_LOG_LEN) {
        return NULL;
    }
    return &bus->log[(bus->n_logged - 1 - age) % I2C_FAKE_LOG_LEN];
}

static int finish(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen, size_t rlen,
                  int result)
{
    struct i2c_fake_log_entry *e = &bus->log[bus->n_logged % I2C_FAKE_LOG_LEN];
    memset(e, 0, sizeof(*e));
    e->addr7 = addr7;
    e->wlen = wlen;
    e->rlen = rlen;
    e->result = result;
    if (wbuf != NULL) {
        memcpy(e->wbuf, wbuf, wlen < I2C_FAKE_LOG_BYTES ? wlen : I2C_FAKE_LOG_BYTES);
    }
    bus->n_logged++;
    bus->n_transactions++;
    return result;
}

/* Injected failure or a missing target: returns the error, else 0 and *t. */
static int address(struct i2c_bus *bus, uint8_t addr7, const struct i2c_fake_target **t)
{
    if (bus->fail_count > 0 && bus->fail_addr7 == addr7) {
        if (bus->fail_skip > 0) {
            bus->fail_skip--;
        } else {
            bus->fail_count--;
            return bus->fail_err;
        }
    }
    for (size_t i = 0; i < bus->n_targets; i++) {
        if (bus->targets[i].addr7 == addr7) {
            *t = &bus->targets[i];
            return 0;
        }
    }
    return -EIO;
}

/* Sends wbuf to a target that has acknowledged its address. Returns 0 or -EIO. */
static int send_bytes(struct i2c_bus *bus, const struct i2c_fake_target *t, const uint8_t *wbuf,
                      size_t wlen)
{
    bool is_nack_here = bus->is_nack_armed && bus->nack_addr7 == t->addr7;
    if (is_nack_here) {
        bus->is_nack_armed = false;
    }
    for (size_t i = 0; i < wlen; i++) {
        if (is_nack_here && i == bus->nack_byte_index) {
            return -EIO;
        }
        if (!t->ops->send(t->ctx, wbuf[i])) {
            return -EIO;
        }
    }
    return 0;
}

int i2c_write(struct i2c_bus *bus, uint8_t addr7, const uint8_t *buf, size_t len)
{
    if (len == 0 || buf == NULL) {
        return finish(bus, addr7, NULL, 0, 0, -EINVAL);
    }
    const struct i2c_fake_target *t = NULL;
    int err = address(bus, addr7, &t);
    if (err != 0) {
        return finish(bus, addr7, buf, len, 0, err);
    }
    if (!t->ops->start(t->ctx, false)) {
        return finish(bus, addr7, buf, len, 0, -EIO);
    }
    err = send_bytes(bus, t, buf, len);
    t->ops->stop(t->ctx);
    return finish(bus, addr7, buf, len, 0, err);
}

int i2c_write_read(struct i2c_bus *bus, uint8_t addr7, const uint8_t *wbuf, size_t wlen,
                   uint8_t *rbuf, size_t rlen)
{
    if (rlen == 0 || rbuf == NULL || (wlen > 0 && wbuf == NULL)) {
        return finish(bus, addr7, NULL, 0, 0, -EINVAL);
    }
    const struct i2c_fake_target *t = NULL;
    int err = address(bus, addr7, &t);
    if (err != 0) {
        return finish(bus, addr7, wbuf, wlen, rlen, err);
    }
    if (wlen > 0) {
        if (!t->ops->start(t->ctx, false)) {
            return finish(bus, addr7, wbuf, wlen, rlen, -EIO);
        }
        err = send_bytes(bus, t, wbuf, wlen);
        if (err != 0) {
            t->ops->stop(t->ctx);
            return finish(bus, addr7, wbuf, wlen, rlen, err);
        }
    }
    /* Repeated START in the read direction. */
    if (!t->ops->start(t->ctx, true)) {
        if (wlen > 0) {
            t->ops->stop(t->ctx);
        }
        return finish(bus, addr7, wbuf, wlen, rlen, -EIO);
    }
    for (size_t i = 0; i < rlen; i++) {
        rbuf[i] = t->ops->recv(t->ctx);
    }
    t->ops->stop(t->ctx);
    return finish(bus, addr7, wbuf, wlen, rlen, 0);
}
