/*
 * Stellaris system control (datasheet chapter 6): the clock tree, the
 * peripheral clock gates, brown-out and reset cause, and the GPIO pad
 * set-up that hands a pin to its peripheral (chapter 8).
 *
 * The clock tree follows the datasheet's 6.3 "Initialization and
 * Configuration" in the order TI's DriverLib SysCtlClockSet uses: bypass
 * the PLL, start the main oscillator and let it settle, select the
 * crystal, power the PLL, wait for lock with a timeout, then divide and
 * switch over. A PLL that never locks leaves the chip on the crystal, and
 * stellaris_clock_setup() says so. The waits here run before the
 * timestamp counter exists, so they count SysTick cycles of whatever clock
 * the core is on at that moment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "cortexm/cortexm.h"
#include "drivers.h"
#include "stellaris.h"

/*
 * DriverLib waits SysCtlDelay(524288), 3 cycles an iteration, for the main
 * oscillator: 1.57 M cycles of the internal oscillator (12 MHz +-30%), at
 * least 100 ms.
 */
#define MOSC_SETTLE_CYCLES 1572864u
/* PLL lock: TREADY is 0.5 ms at most (datasheet table 24-7); give it 10 ms of the 8 MHz crystal. */
#define PLL_LOCK_TIMEOUT_CYCLES 80000u

/* Counts down cycles of the core clock with SysTick (24 bits, so in slices). */
static void delay_cycles(uint32_t cycles)
{
    while (cycles > 0) {
        uint32_t slice = cycles > 0x00FFFFFFu ? 0x00FFFFFFu : cycles;
        mmio_write32(SYST_CSR, 0);
        mmio_write32(SYST_RVR, slice);
        mmio_write32(SYST_CVR, 0);
        mmio_write32(SYST_CSR, SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE);
        /* COUNTFLAG (bit 16) sets when the counter reaches 0. */
        while ((mmio_read32(SYST_CSR) & (1u << 16)) == 0) {
        }
        cycles -= slice;
    }
    mmio_write32(SYST_CSR, 0);
}

/* Polls PLLLRIS for up to timeout cycles (SysTick). Returns true once locked. */
static bool wait_pll_lock(uint32_t timeout)
{
    mmio_write32(SYST_CSR, 0);
    mmio_write32(SYST_RVR, timeout);
    mmio_write32(SYST_CVR, 0);
    mmio_write32(SYST_CSR, SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE);
    bool locked = false;
    for (;;) {
        if (mmio_read32(SYSCTL_RIS) & SYSCTL_RIS_PLLLRIS) {
            locked = true;
            break;
        }
        if (mmio_read32(SYST_CSR) & (1u << 16)) {
            break;
        }
    }
    mmio_write32(SYST_CSR, 0);
    return locked;
}

int stellaris_clock_setup(const struct stellaris_clock_config *cfg, uint32_t *cpu_hz)
{
    /*
     * 1. Run from the raw oscillator while the PLL is set up, then power
     * the PLL down: a boot loader may have left it locked, and only a
     * power-up (or a new XTAL) makes it lock, and flag PLLLRIS, again.
     */
    uint32_t rcc = mmio_read32(SYSCTL_RCC);
    rcc |= SYSCTL_RCC_BYPASS;
    rcc &= ~SYSCTL_RCC_USESYSDIV;
    mmio_write32(SYSCTL_RCC, rcc);
    rcc |= SYSCTL_RCC_PWRDN;
    mmio_write32(SYSCTL_RCC, rcc);
    uint32_t rcc2 = mmio_read32(SYSCTL_RCC2);
    if (rcc2 & SYSCTL_RCC2_USERCC2) {
        /* Left on by a boot loader or debugger: back to RCC alone, bypassed. */
        mmio_write32(SYSCTL_RCC2, rcc2 | SYSCTL_RCC2_BYPASS2);
        mmio_write32(SYSCTL_RCC2, (rcc2 | SYSCTL_RCC2_BYPASS2) & ~SYSCTL_RCC2_USERCC2);
    }

    /* 2. Main oscillator on; let it settle before anything runs from it. */
    if (rcc & SYSCTL_RCC_MOSCDIS) {
        rcc &= ~SYSCTL_RCC_MOSCDIS;
        mmio_write32(SYSCTL_RCC, rcc);
        delay_cycles(MOSC_SETTLE_CYCLES);
    }
    rcc &= ~(SYSCTL_RCC_XTAL_M | SYSCTL_RCC_OSCSRC_M);
    rcc |= cfg->rcc_xtal | SYSCTL_RCC_OSCSRC_MAIN;
    mmio_write32(SYSCTL_RCC, rcc);

    /* 3. PLL powered and its output enabled, its lock flag cleared first. */
    rcc &= ~(SYSCTL_RCC_PWRDN | SYSCTL_RCC_OEN);
    mmio_write32(SYSCTL_MISC, SYSCTL_MISC_PLLLMIS);
    mmio_write32(SYSCTL_RCC, rcc);

    /* 4. Wait for lock: on the crystal now, so the timeout is in its cycles. */
    if (!wait_pll_lock(PLL_LOCK_TIMEOUT_CYCLES)) {
        *cpu_hz = cfg->xtal_hz;
        return -ETIMEDOUT; /* still bypassed: the core runs on the crystal */
    }

    /* 5. Divide, then switch the core over to the PLL. */
    rcc = (rcc & ~SYSCTL_RCC_SYSDIV_M) | SYSCTL_RCC_SYSDIV(cfg->sysdiv) | SYSCTL_RCC_USESYSDIV;
    mmio_write32(SYSCTL_RCC, rcc);
    rcc &= ~SYSCTL_RCC_BYPASS;
    mmio_write32(SYSCTL_RCC, rcc);
    *cpu_hz = cfg->pll_hz / 2u / (cfg->sysdiv + 1u);
    return 0;
}

void stellaris_clock_gate_enable(uintptr_t rcgc, uint32_t bits)
{
    mmio_set32(rcgc, bits);
    /*
     * The datasheet asks for 3 system clocks before the peripheral's
     * registers are touched: the read-back of the gate register is that
     * wait, and its value is not needed.
     */
    (void)mmio_read32(rcgc);
}

void stellaris_pins_for_peripheral(uintptr_t port, uint8_t pins, enum stellaris_pad pad)
{
    mmio_set32(GPIO_AFSEL(port), pins);
    mmio_set32(GPIO_DR2R(port), pins); /* 2 mA; setting DR2R clears DR4R/DR8R */
    if (pad == STELLARIS_PAD_OPEN_DRAIN_PULLUP) {
        mmio_set32(GPIO_ODR(port), pins);
        mmio_clear32(GPIO_PDR(port), pins);
        mmio_set32(GPIO_PUR(port), pins);
    } else {
        mmio_clear32(GPIO_ODR(port), pins);
    }
    mmio_set32(GPIO_DEN(port), pins);
}

void stellaris_brownout_reset_enable(void)
{
    mmio_set32(SYSCTL_PBORCTL, SYSCTL_PBORCTL_BORIOR);
}

enum reset_cause stellaris_reset_cause_take(uint32_t *resc)
{
    uint32_t r = mmio_read32(SYSCTL_RESC);
    *resc = r;
    mmio_write32(SYSCTL_RESC, 0); /* sticky: cleared so the next reset reports its own */
    /* Several bits can be set; the most specific wins. */
    if (r & SYSCTL_RESC_WDT) {
        return RESET_CAUSE_WATCHDOG;
    }
    if (r & SYSCTL_RESC_SW) {
        return RESET_CAUSE_SOFTWARE;
    }
    if (r & SYSCTL_RESC_BOR) {
        return RESET_CAUSE_BROWN_OUT;
    }
    if (r & SYSCTL_RESC_LDO) {
        return RESET_CAUSE_LDO;
    }
    if (r & SYSCTL_RESC_POR) {
        return RESET_CAUSE_POWER_ON;
    }
    if (r & SYSCTL_RESC_EXT) {
        return RESET_CAUSE_PIN;
    }
    return RESET_CAUSE_UNKNOWN;
}
