/*
 * LM3S6965 model: GPIO ports A-G (datasheet chapter 8, register map table
 * 8-5), enough to decide whether a pin carries its peripheral.
 *
 * A pin carries its alternate function only with GPIOAFSEL and GPIODEN set
 * ("Initialization and Configuration", the pad configuration table): the UART, I2C and
 * Ethernet models ask gpio_is_muxed() before a signal goes out. The pad
 * registers behave as the datasheet says: setting a pin in one of
 * GPIODR2R/DR4R/DR8R clears it in the other two (one drive strength per
 * pin; writing 0 where the pin has no other strength is ignored); setting a
 * pin in GPIOPUR clears it in GPIOPDR and the other way round.
 *
 * Reset (the register descriptions): every pin an input with DEN, AFSEL, ODR, PUR, PDR clear and
 * 2 mA drive (DR2R 0xFF), except the JTAG/SWD pins PB7 and PC0-PC3, which
 * reset with AFSEL, DEN and PUR set and are protected: GPIOCR has 0 for
 * them, so their AFSEL/PUR/PDR/DEN bits change only after GPIOLOCK is
 * opened (0x1ACCE551) and GPIOCR written. A write that tries to change a
 * protected bit is ignored and recorded.
 */
#include <inttypes.h>
#include <string.h>

#include "lm3s6965_model_priv.h"

#define PORTS    7u
#define LOCK_KEY 0x1ACCE551u

enum {
    DR2R,
    DR4R,
    DR8R
};

struct port {
    uint32_t data, dir, is, ibe, iev, im, ris, afsel, dr[3], odr, pur, pdr, slr, den, cr;
    bool locked;
};

static struct port ports[PORTS];

/* JTAG/SWD pins, per port: PB7 (TRST), PC0-PC3 (TCK/SWCLK, TMS/SWDIO, TDI, TDO/SWO). */
static const uint8_t jtag_pins[PORTS] = { 0x00, 0x80, 0x0F, 0x00, 0x00, 0x00, 0x00 };

void gpio_reset(void)
{
    memset(ports, 0, sizeof(ports));
    for (unsigned p = 0; p < PORTS; p++) {
        struct port *g = &ports[p];
        g->dr[DR2R] = 0xFFu;
        g->afsel = g->den = g->pur = jtag_pins[p];
        g->cr = 0xFFu & ~(uint32_t)jtag_pins[p];
        g->locked = true;
    }
}

bool gpio_is_muxed(unsigned port, unsigned pin)
{
    const struct port *g = &ports[port];
    return ((g->afsel & g->den) >> pin) & 1u;
}

bool gpio_is_open_drain(unsigned port, unsigned pin)
{
    return (ports[port].odr >> pin) & 1u;
}

/* A write to a committed register: bits GPIOCR protects keep their value. */
static uint32_t committed(unsigned port, const char *reg, uint32_t old, uint32_t val)
{
    const struct port *g = &ports[port];
    uint32_t protect = ~g->cr & 0xFFu;
    if ((old ^ val) & protect) {
        mdl_violation("GPIO port %c: %s write 0x%02" PRIx32 " changes JTAG/SWD pin(s) 0x%02" PRIx32
                      " protected by GPIOCR: ignored (unlock GPIOLOCK and set GPIOCR first)",
                      'A' + port, reg, val & 0xFFu, (old ^ val) & protect);
    }
    return ((val & ~protect) | (old & protect)) & 0xFFu;
}

static void drive_write(struct port *g, unsigned which, uint32_t val)
{
    val &= 0xFFu;
    for (unsigned i = 0; i < 3u; i++) {
        if (i == which) {
            /* A pin keeps one strength: clearing its only one is ignored. */
            uint32_t others = g->dr[(i + 1u) % 3u] | g->dr[(i + 2u) % 3u];
            g->dr[i] = val | (g->dr[i] & ~val & ~others);
        } else {
            g->dr[i] &= ~val;
        }
    }
}

bool gpio_read(unsigned port, uint32_t off, uint32_t *val, bool peek)
{
    (void)peek;
    const struct port *g = &ports[port];
    if (off < 0x400u) {
        /* GPIODATA: address bits 9:2 mask the pins read ("Data Register Operation"). */
        *val = g->data & ((off >> 2) & 0xFFu);
        return true;
    }
    switch (off) {
    case 0x400: *val = g->dir; break;
    case 0x404: *val = g->is; break;
    case 0x408: *val = g->ibe; break;
    case 0x40C: *val = g->iev; break;
    case 0x410: *val = g->im; break;
    case 0x414: *val = g->ris; break;
    case 0x418: *val = g->ris & g->im; break;
    case 0x420: *val = g->afsel; break;
    case 0x500: *val = g->dr[DR2R]; break;
    case 0x504: *val = g->dr[DR4R]; break;
    case 0x508: *val = g->dr[DR8R]; break;
    case 0x50C: *val = g->odr; break;
    case 0x510: *val = g->pur; break;
    case 0x514: *val = g->pdr; break;
    case 0x518: *val = g->slr; break;
    case 0x51C: *val = g->den; break;
    case 0x520: *val = g->locked ? 1u : 0u; break;
    case 0x524: *val = g->cr; break;
    default: return false;
    }
    return true;
}

bool gpio_write(unsigned port, uint32_t off, uint32_t val)
{
    struct port *g = &ports[port];
    if (off < 0x400u) {
        uint32_t mask = (off >> 2) & 0xFFu & g->dir;
        g->data = (g->data & ~mask) | (val & mask);
        return true;
    }
    switch (off) {
    case 0x400: g->dir = val & 0xFFu; break;
    case 0x404: g->is = val & 0xFFu; break;
    case 0x408: g->ibe = val & 0xFFu; break;
    case 0x40C: g->iev = val & 0xFFu; break;
    case 0x410: g->im = val & 0xFFu; break;
    case 0x41C: g->ris &= ~val; break;
    case 0x420: g->afsel = committed(port, "GPIOAFSEL", g->afsel, val); break;
    case 0x500: drive_write(g, DR2R, val); break;
    case 0x504: drive_write(g, DR4R, val); break;
    case 0x508: drive_write(g, DR8R, val); break;
    case 0x50C: g->odr = val & 0xFFu; break;
    case 0x510:
        g->pur = committed(port, "GPIOPUR", g->pur, val);
        g->pdr &= ~g->pur;
        break;
    case 0x514:
        g->pdr = committed(port, "GPIOPDR", g->pdr, val);
        g->pur &= ~g->pdr;
        break;
    case 0x518: g->slr = val & 0xFFu; break;
    case 0x51C: g->den = committed(port, "GPIODEN", g->den, val); break;
    case 0x520: g->locked = val != LOCK_KEY; break;
    case 0x524:
        if (g->locked) {
            mdl_violation("GPIO port %c: GPIOCR written while GPIOLOCK is locked: ignored",
                          'A' + port);
        } else {
            g->cr = val & 0xFFu;
        }
        break;
    default: return false;
    }
    return true;
}
