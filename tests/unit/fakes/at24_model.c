/*
 * AT24C32-style EEPROM model answering I2C transactions (see at24_model.h).
 */
#include "at24_model.h"

#include <string.h>

#define ERASED_BYTE 0xFFu
#define ADDR_BYTES  2u

void at24_model_init(struct at24_model *m, uint32_t size, uint32_t page_size,
                     uint32_t write_cycle_us)
{
    memset(m, 0, sizeof(*m));
    m->size = size <= AT24_MODEL_SIZE_MAX ? size : AT24_MODEL_SIZE_MAX;
    m->page_size = page_size <= AT24_MODEL_PAGE_MAX ? page_size : AT24_MODEL_PAGE_MAX;
    m->write_cycle_us = write_cycle_us;
    m->tear_after_bytes = -1;
    memset(m->mem, ERASED_BYTE, sizeof(m->mem));
}

void at24_model_tear_next_write(struct at24_model *m, int n_bytes)
{
    m->tear_after_bytes = n_bytes;
}

void at24_model_power_on(struct at24_model *m)
{
    m->is_dead = false;
    m->busy_left_us = 0;
    m->is_writing = false;
}

void at24_model_set_stuck_busy(struct at24_model *m, bool is_stuck)
{
    m->is_stuck_busy = is_stuck;
}

bool at24_model_is_busy(const struct at24_model *m)
{
    return m->busy_left_us > 0 || m->is_stuck_busy;
}

void at24_model_advance_us(struct at24_model *m, uint64_t us)
{
    m->busy_left_us = us >= m->busy_left_us ? 0 : m->busy_left_us - us;
}

static bool op_start(void *ctx, bool is_read)
{
    struct at24_model *m = ctx;
    if (m->is_dead || at24_model_is_busy(m)) {
        m->n_nacks++;
        return false;
    }
    if (is_read) {
        /* A repeated START after the address bytes: a random read, no write. */
        m->is_writing = false;
        return true;
    }
    m->is_writing = true;
    m->n_addr_bytes = 0;
    m->n_data_bytes = 0;
    memset(m->is_page_byte_loaded, 0, sizeof(m->is_page_byte_loaded));
    return true;
}

static bool op_send(void *ctx, uint8_t byte)
{
    struct at24_model *m = ctx;
    if (m->n_addr_bytes < ADDR_BYTES) {
        m->addr = ((m->addr << 8) | byte) & 0xFFFFu;
        if (++m->n_addr_bytes == ADDR_BYTES) {
            m->addr &= m->size - 1u; /* high address bits are don't-care */
            m->page_base = m->addr & ~(m->page_size - 1u);
        }
        return true;
    }
    uint32_t offset = m->addr & (m->page_size - 1u);
    if (m->n_data_bytes > 0 && offset == 0) {
        m->n_page_wraps++; /* rolled over inside the page */
    }
    m->page_buf[offset] = byte;
    m->is_page_byte_loaded[offset] = true;
    m->n_data_bytes++;
    m->addr = m->page_base | ((offset + 1u) & (m->page_size - 1u));
    return true;
}

static uint8_t op_recv(void *ctx)
{
    struct at24_model *m = ctx;
    uint8_t v = m->mem[m->addr];
    m->addr = (m->addr + 1u) & (m->size - 1u);
    return v;
}

static void op_stop(void *ctx)
{
    struct at24_model *m = ctx;
    if (!m->is_writing || m->n_data_bytes == 0) {
        m->is_writing = false;
        return;
    }
    m->is_writing = false;
    m->n_write_cycles++;
    int n_programmed = 0;
    for (uint32_t i = 0; i < m->page_size; i++) {
        if (!m->is_page_byte_loaded[i]) {
            continue;
        }
        if (m->tear_after_bytes >= 0 && n_programmed >= m->tear_after_bytes) {
            break;
        }
        m->mem[m->page_base + i] = m->page_buf[i];
        n_programmed++;
    }
    if (m->tear_after_bytes >= 0) {
        m->tear_after_bytes = -1;
        m->is_dead = true;
        return;
    }
    m->busy_left_us = m->write_cycle_us;
}

static void op_advance_us(void *ctx, uint64_t us)
{
    at24_model_advance_us(ctx, us);
}

const struct i2c_fake_target_ops at24_model_ops = {
    .start = op_start,
    .send = op_send,
    .recv = op_recv,
    .stop = op_stop,
    .advance_us = op_advance_us,
};
