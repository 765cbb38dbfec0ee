/*
 * Cortex-M reset and fault handling common to the boards.
 *
 * Reset_Handler copies .data, zeroes .bss and calls main(). A fault is
 * recorded in .noinit (it survives the reset), reported on the console
 * with polled output, and ends in a system reset: the appliance comes
 * back serving from the battery clock instead of hanging.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cortexm.h"
#include "hal/cpu.h"
#include "hal/uart.h"
#include "hal/wdt.h"
#include "startup.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;

#define STACK_PAINT 0x57ACC0DEu
int main(void);

struct panic_record panic_record __attribute__((section(".noinit")));

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* Paint the stack below this frame, for cpu_stack_high_water(). */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = &_sstack; p < sp - 16; p++) {
        *p = STACK_PAINT;
    }
    main();
    wdt_system_reset();
}

static void put_hex(const char *label, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char buf[24];
    size_t n = 0;
    while (*label != '\0' && n < 12) {
        buf[n++] = *label++;
    }
    buf[n++] = '0';
    buf[n++] = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) {
        buf[n++] = hex[(v >> shift) & 0xFu];
    }
    buf[n++] = ' ';
    uart_write(buf, n);
}

/* Called from the fault vectors with the exception stack frame. */
void fault_report(uint32_t *frame, uint32_t exc_return);
__attribute__((used)) void fault_report(uint32_t *frame, uint32_t exc_return)
{
    panic_record.magic = PANIC_MAGIC;
    panic_record.pc = frame[6];
    panic_record.lr = frame[5];
    panic_record.cfsr = SCB_CFSR;
    panic_record.hfsr = SCB_HFSR;
    (void)exc_return;
    static const char msg[] = "\r\n*** fault: ";
    uart_write(msg, sizeof(msg) - 1);
    put_hex("pc=", panic_record.pc);
    put_hex("lr=", panic_record.lr);
    put_hex("cfsr=", panic_record.cfsr);
    put_hex("hfsr=", panic_record.hfsr);
    uart_write("- resetting\r\n", 13);
    uart_flush();
    wdt_system_reset();
}

/* Passes the active stack's exception frame to fault_report(). */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm__ volatile(
        "tst lr, #4\n"
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

void nvic_enable(unsigned irq, uint8_t prio)
{
    NVIC_IPR8(irq) = prio;
    NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
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

uint32_t cpu_stack_high_water(uint32_t *size)
{
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == STACK_PAINT) {
        p++;
    }
    *size = (uint32_t)((uintptr_t)&_estack - (uintptr_t)&_sstack);
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

bool cpu_take_fault_record(uint32_t *pc, uint32_t *status)
{
    if (panic_record.magic != PANIC_MAGIC) {
        return false;
    }
    *pc = panic_record.pc;
    *status = panic_record.cfsr;
    panic_record.magic = 0;
    return true;
}
