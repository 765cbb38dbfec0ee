/*
 * Cortex-M reset and fault handling common to the boards.
 *
 * Two stacks: the main loop runs on the process stack (PSP), every
 * exception and interrupt on the main stack (MSP), each with an MPU guard
 * region below it (ARMv7-M B3.5). An overflow of the main loop's stack
 * faults on its guard instead of running into .bss, and the fault is
 * handled on the intact handler stack. The linker script places both,
 * each guard aligned to its 32-byte size.
 *
 * A fault is recorded in .noinit (it survives the reset), written to the
 * console with polled output that works at any moment, before the UART
 * driver is set up too (board_console_write_polled), and ends in a system
 * reset: the appliance comes back serving from the battery clock instead
 * of hanging.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cortexm.h"
#include "hal/board.h"
#include "hal/cpu.h"
#include "resetmark.h"
#include "startup.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
extern uint32_t _handler_stack_guard, _handler_stack_bottom, _handler_stack_top;
extern uint32_t _main_stack_guard, _main_stack_bottom, _main_stack_top;

#define STACK_PAINT     0x57ACC0DEu
#define GUARD_SIZE_LOG2 5u /* 32 bytes, the smallest MPU region */
#define CONTROL_SPSEL   2u /* thread mode uses PSP */

struct panic_record panic_record __attribute__((section(".noinit")));
static bool mpu_guarding;

static void paint(uint32_t *from, const uint32_t *to)
{
    while (from < to) {
        *from++ = STACK_PAINT;
    }
}

/* One no-access region of 32 bytes at base (aligned to 32 by the linker script). */
static void mpu_guard(unsigned region, const uint32_t *base)
{
    mmio_write32(MPU_RNR, region);
    mmio_write32(MPU_RBAR, (uint32_t)(uintptr_t)base);
    mmio_write32(MPU_RASR, MPU_RASR_XN | MPU_RASR_SIZE(GUARD_SIZE_LOG2) | MPU_RASR_ENABLE);
}

/*
 * The guards, with the default memory map for everything else
 * (PRIVDEFENA). HFNMIENA stays 0: the HardFault handler runs with the MPU
 * off. MemManage, BusFault and UsageFault get their own vectors' handling
 * (the same report) instead of escalating.
 */
static void mpu_setup(void)
{
    if (((mmio_read32(MPU_TYPE) >> 8) & 0xFFu) < 2u) {
        return; /* no MPU, or too few regions: no guards */
    }
    mmio_write32(MPU_CTRL, 0);
    mpu_guard(0, &_main_stack_guard);
    mpu_guard(1, &_handler_stack_guard);
    mmio_write32(MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    mmio_set32(SCB_SHCSR, SCB_SHCSR_MEMFAULTENA | SCB_SHCSR_BUSFAULTENA | SCB_SHCSR_USGFAULTENA);
    __asm__ volatile("dsb\n isb" ::: "memory");
    mpu_guarding = true;
}

/* Runs on the process stack (see Reset_Handler). */
void reset_continue(void);
__attribute__((used, noreturn)) void reset_continue(void)
{
    const uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* Paint both stacks (this one below this frame), for cpu_stack_high_water(). */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    paint(&_main_stack_bottom, sp - 16);
    paint(&_handler_stack_bottom, &_handler_stack_top);
    mpu_setup();
    (void)main();
    cortexm_system_reset();
}

/*
 * The vector table's initial SP is the top of the handler stack. The main
 * loop gets the process stack: set PSP, switch thread mode to it, go on in C.
 */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm__ volatile("movw r0, #:lower16:_main_stack_top\n"
                     "movt r0, #:upper16:_main_stack_top\n"
                     "msr psp, r0\n"
                     "movs r0, #2\n"
                     "msr control, r0\n"
                     "isb\n"
                     "b reset_continue\n");
}

static size_t put_hex(char *buf, const char *label, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    while (*label != '\0') {
        buf[n++] = *label++;
    }
    buf[n++] = '0';
    buf[n++] = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) {
        buf[n++] = hex[(v >> shift) & 0xFu];
    }
    buf[n++] = ' ';
    return n;
}

static bool is_in_guard(uint32_t addr)
{
    uintptr_t a = addr;
    return (a >= (uintptr_t)&_main_stack_guard && a < (uintptr_t)&_main_stack_bottom) ||
           (a >= (uintptr_t)&_handler_stack_guard && a < (uintptr_t)&_handler_stack_bottom);
}

/*
 * Called from the fault vectors, on a fresh handler stack, with the
 * faulting context's exception frame (which is not there when stacking
 * itself faulted: MSTKERR/STKERR).
 */
void fault_report(const uint32_t *frame, uint32_t exc_return);
__attribute__((used, noreturn)) void fault_report(const uint32_t *frame, uint32_t exc_return)
{
    struct panic_record *r = &panic_record;
    r->cfsr = mmio_read32(SCB_CFSR);
    r->hfsr = mmio_read32(SCB_HFSR);
    r->sp = (uint32_t)(uintptr_t)frame;
    r->fault_addr = (r->cfsr & SCB_CFSR_MMARVALID) ? mmio_read32(SCB_MMFAR) : 0;
    bool stacked = (r->cfsr & (SCB_CFSR_MSTKERR | SCB_CFSR_STKERR)) == 0;
    r->pc = stacked ? frame[6] : 0;
    r->lr = stacked ? frame[5] : exc_return;
    r->flags = 0;
    if (!stacked || (r->fault_addr != 0 && is_in_guard(r->fault_addr))) {
        r->flags |= PANIC_STACK_OVERFLOW;
    }
    r->magic = PANIC_MAGIC;
    resetmark_fault();

    char buf[112];
    size_t n = 0;
    static const char head[] = "\r\n*** fault: ";
    for (size_t i = 0; i < sizeof(head) - 1; i++) {
        buf[n++] = head[i];
    }
    n += put_hex(buf + n, "pc=", r->pc);
    n += put_hex(buf + n, "lr=", r->lr);
    n += put_hex(buf + n, "cfsr=", r->cfsr);
    n += put_hex(buf + n, "sp=", r->sp);
    board_console_write_polled(buf, n);
    if (r->flags & PANIC_STACK_OVERFLOW) {
        static const char so[] = "(stack overflow) ";
        board_console_write_polled(so, sizeof(so) - 1);
    }
    static const char tail[] = "- resetting\r\n";
    board_console_write_polled(tail, sizeof(tail) - 1);
    cortexm_system_reset();
}

/*
 * Every fault vector: the faulting context's frame (PSP or MSP, from
 * EXC_RETURN bit 2) to fault_report(). A fault in the main loop, stack
 * overflow included, is handled on the intact handler stack. A handler
 * that overflows its own stack cannot be reported (the core locks up, and
 * the watchdog, which keeps counting, resets the chip).
 */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "mov r1, lr\n"
                     "b fault_report\n");
}

void Default_Handler(void)
{
    HardFault_Handler();
}

void cpu_irq_enable(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

void cpu_sleep_unless(bool (*work_pending)(void))
{
    uint32_t primask = irq_save();
    if (!work_pending()) {
        /* A pending interrupt ends WFI even with PRIMASK set. */
        cpu_wait_for_interrupt();
    }
    irq_restore(primask);
}

static uint32_t high_water(const uint32_t *bottom, const uint32_t *top, uint32_t *size)
{
    const uint32_t *p = bottom;
    while (p < top && *p == STACK_PAINT) {
        p++;
    }
    *size = (uint32_t)((uintptr_t)top - (uintptr_t)bottom);
    return (uint32_t)((uintptr_t)top - (uintptr_t)p);
}

uint32_t cpu_stack_high_water(uint32_t *size)
{
    return high_water(&_main_stack_bottom, &_main_stack_top, size);
}

uint32_t cpu_handler_stack_high_water(uint32_t *size)
{
    return high_water(&_handler_stack_bottom, &_handler_stack_top, size);
}

bool cpu_has_stack_guard(void)
{
    return mpu_guarding;
}

bool cpu_take_fault_record(struct cpu_fault *f)
{
    if (panic_record.magic != PANIC_MAGIC) {
        return false;
    }
    f->pc = panic_record.pc;
    f->lr = panic_record.lr;
    f->status = panic_record.cfsr;
    f->fault_addr = panic_record.fault_addr;
    f->is_stack_overflow = (panic_record.flags & PANIC_STACK_OVERFLOW) != 0;
    panic_record.magic = 0;
    return true;
}

/* `selftest stack`: recurse until the guard stops it. */
static uint32_t __attribute__((noinline)) recurse(volatile uint32_t *depth)
{
    volatile uint32_t pad[16];
    pad[0] = ++*depth;
    if (pad[0] == 0) {
        return 0; /* 2^32 calls deep: never, the stack is far smaller */
    }
    return recurse(depth) + pad[0];
}

void cpu_overflow_stack(void)
{
    volatile uint32_t depth = 0;
    (void)recurse(&depth);
}
