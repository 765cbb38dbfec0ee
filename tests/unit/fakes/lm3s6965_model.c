/*
 * LM3S6965 model: the bus (mmio_read32/mmio_write32 for -DMMIO_MODEL
 * builds), the model clock, the record of rule violations.
 *
 * An access first lets one system clock pass (every peripheral runs for
 * it), then finds the register block the address falls in (the memory map,
 * datasheet's memory map), checks the block's clock gate, and hands the access
 * to the block. Pending interrupts are taken after the access, when
 * PRIMASK allows, as the core would between two instructions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cortexm/cortexm.h"
#include "lm3s6965_model_priv.h"

#define FS_PER_S 1000000000000000ull
/* model_advance_clocks runs peripherals and takes interrupts in slices this long. */
#define ADVANCE_SLICE 256u

struct block {
    uintptr_t base;
    uint32_t size;
    enum model_gate gate;
    unsigned unit;
    const char *name;
    bool (*read)(unsigned unit, uint32_t off, uint32_t *val, bool peek);
    bool (*write)(unsigned unit, uint32_t off, uint32_t val);
};

/* The blocks the model knows (the datasheet's memory map; the ARMv7-M system control space). */
static const struct block blocks[] = {
    { 0x40000000u, 0x1000u, GATE_WDT0, 0, "WDT0", wdt_read, wdt_write_reg },
    { 0x40004000u, 0x1000u, GATE_GPIOA, 0, "GPIO port A", gpio_read, gpio_write },
    { 0x40005000u, 0x1000u, GATE_GPIOB, 1, "GPIO port B", gpio_read, gpio_write },
    { 0x40006000u, 0x1000u, GATE_GPIOC, 2, "GPIO port C", gpio_read, gpio_write },
    { 0x40007000u, 0x1000u, GATE_GPIOD, 3, "GPIO port D", gpio_read, gpio_write },
    { 0x4000C000u, 0x1000u, GATE_UART0, 0, "UART0", uart_read, uart_write_reg },
    { 0x40020000u, 0x0800u, GATE_I2C0, 0, "I2C0 master", i2c_read, i2c_write_reg },
    { 0x40024000u, 0x1000u, GATE_GPIOE, 4, "GPIO port E", gpio_read, gpio_write },
    { 0x40025000u, 0x1000u, GATE_GPIOF, 5, "GPIO port F", gpio_read, gpio_write },
    { 0x40026000u, 0x1000u, GATE_GPIOG, 6, "GPIO port G", gpio_read, gpio_write },
    { 0x40030000u, 0x1000u, GATE_TIMER0, 0, "GPTM0", gptm_read, gptm_write_reg },
    { 0x40048000u, 0x1000u, GATE_EMAC0, 0, "Ethernet MAC", eth_read, eth_write_reg },
    { 0x400FE000u, 0x1000u, GATE_NONE, 0, "system control", sysctl_read, sysctl_write },
    { 0xE000E000u, 0x1000u, GATE_NONE, 0, "system control space", scs_read, scs_write },
};

static struct {
    uint64_t clock; /* clocks elapsed; the access in progress happens in this one */
    uint64_t fs;    /* femtoseconds elapsed */
    uint64_t fs_per_clock;
    unsigned n_violations;
    char kept[MODEL_VIOLATIONS_KEPT][MODEL_VIOLATION_LEN];
    unsigned n_resets;
    unsigned n_wdt_resets;
    jmp_buf *reset_jump;
} core;

void model_reset(void)
{
    memset(&core, 0, sizeof(core));
    sysctl_reset(); /* first: it sets the clock (mdl_clock_changed) */
    scs_reset();
    gpio_reset();
    uart_model_reset();
    i2c_model_reset();
    eth_model_reset();
    timers_reset();
}

/* ---- violations ---- */

void mdl_violation(const char *fmt, ...)
{
    if (core.n_violations < MODEL_VIOLATIONS_KEPT) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(core.kept[core.n_violations], MODEL_VIOLATION_LEN, fmt, ap);
        va_end(ap);
    }
    core.n_violations++;
}

unsigned model_violations(void)
{
    return core.n_violations;
}

const char *model_violation(unsigned i)
{
    return i < core.n_violations && i < MODEL_VIOLATIONS_KEPT ? core.kept[i] : "";
}

const char *model_last_violation(void)
{
    if (core.n_violations == 0) {
        return "";
    }
    unsigned last = core.n_violations - 1u;
    return model_violation(last < MODEL_VIOLATIONS_KEPT ? last : MODEL_VIOLATIONS_KEPT - 1u);
}

void model_clear_violations(void)
{
    core.n_violations = 0;
    memset(core.kept, 0, sizeof(core.kept));
}

bool model_has_violation(const char *text)
{
    for (unsigned i = 0; i < core.n_violations && i < MODEL_VIOLATIONS_KEPT; i++) {
        if (strstr(core.kept[i], text) != NULL) {
            return true;
        }
    }
    return false;
}

/* ---- time ---- */

uint64_t mdl_now(void)
{
    return core.clock;
}

uint64_t mdl_now_fs(void)
{
    return core.fs;
}

void mdl_clock_changed(uint32_t hz)
{
    core.fs_per_clock = FS_PER_S / hz;
}

uint64_t model_clocks(void)
{
    return core.clock;
}

uint64_t model_time_ns(void)
{
    return core.fs / 1000000u;
}

uint32_t model_cpu_hz(void)
{
    return sysctl_cpu_hz();
}

/* n clocks pass: everything that runs on its own runs for them. */
static void run_clocks(uint64_t n)
{
    core.clock += n;
    core.fs += n * core.fs_per_clock;
    sysctl_advance(n);
    scs_advance(n);
    uart_advance(n);
    i2c_advance(n);
    eth_advance(n);
    timers_advance(n);
}

void model_advance_clocks(uint64_t n)
{
    while (n > 0) {
        uint64_t slice = n < ADVANCE_SLICE ? n : ADVANCE_SLICE;
        run_clocks(slice);
        scs_take_interrupts();
        n -= slice;
    }
}

void model_advance_us(uint64_t us)
{
    model_advance_clocks(us * sysctl_cpu_hz() / 1000000u);
}

/* ---- resets ---- */

void model_set_reset_jump(jmp_buf *jb)
{
    core.reset_jump = jb;
}

unsigned model_reset_requests(void)
{
    return core.n_resets;
}

unsigned model_wdt_resets(void)
{
    return core.n_wdt_resets;
}

void mdl_reset_requested(bool is_watchdog)
{
    if (is_watchdog) {
        core.n_wdt_resets++;
    } else {
        core.n_resets++;
    }
    sysctl_note_reset(is_watchdog);
    if (core.reset_jump != NULL) {
        jmp_buf *jb = core.reset_jump;
        core.reset_jump = NULL;
        longjmp(*jb, 1);
    }
}

/* ---- the bus ---- */

static bool is_in(const struct block *b, uintptr_t addr)
{
    return addr >= b->base && addr - b->base < b->size;
}

static const struct block *find_block(uintptr_t addr)
{
    /* Polling loops hit one block over and over: try the last one found first. */
    static const struct block *last = &blocks[0];
    if (is_in(last, addr)) {
        return last;
    }
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
        if (is_in(&blocks[i], addr)) {
            last = &blocks[i];
            return last;
        }
    }
    return NULL;
}

/* Returns the block to hand the access to, or NULL after recording why it faults. */
static const struct block *route(uintptr_t addr, const char *what)
{
    if (addr & 3u) {
        mdl_violation("bus fault: unaligned %s of 0x%08lx (registers are word-aligned)", what,
                      (unsigned long)addr);
        return NULL;
    }
    const struct block *b = find_block(addr);
    if (b == NULL) {
        mdl_violation("bus fault: %s of 0x%08lx, where the model knows no peripheral", what,
                      (unsigned long)addr);
        return NULL;
    }
    if (b->gate != GATE_NONE) {
        char why[160];
        if (sysctl_gate_check(b->gate, why, sizeof(why)) != 0) {
            mdl_violation("bus fault: %s of %s register 0x%08lx %s", what, b->name,
                          (unsigned long)addr, why);
            return NULL;
        }
    }
    return b;
}

uint32_t mmio_read32(uintptr_t addr)
{
    run_clocks(1);
    uint32_t val = 0;
    const struct block *b = route(addr, "read");
    if (b != NULL && !b->read(b->unit, (uint32_t)(addr - b->base), &val, false)) {
        mdl_violation("bus fault: read of 0x%08lx: %s has no register at offset 0x%03lx",
                      (unsigned long)addr, b->name, (unsigned long)(addr - b->base));
        val = 0;
    }
    scs_take_interrupts();
    return val;
}

void mmio_write32(uintptr_t addr, uint32_t val)
{
    run_clocks(1);
    const struct block *b = route(addr, "write");
    if (b != NULL && !b->write(b->unit, (uint32_t)(addr - b->base), val)) {
        mdl_violation("bus fault: write of 0x%08lx to 0x%08lx: %s has no writable register at "
                      "offset 0x%03lx",
                      (unsigned long)val, (unsigned long)addr, b->name,
                      (unsigned long)(addr - b->base));
    }
    scs_take_interrupts();
}

uint32_t model_peek32(uintptr_t addr)
{
    const struct block *b = find_block(addr);
    uint32_t val = 0;
    if (b == NULL || !b->read(b->unit, (uint32_t)(addr - b->base), &val, true)) {
        return 0;
    }
    return val;
}
