/*
 * hal/stellaris/wdt.c compiled for the host, unchanged but for its one
 * Cortex-M instruction sequence.
 *
 * Its early-warning entry, stellaris_wdt_isr(), is a naked function of
 * ARM assembly (it hands LR and both stack pointers to
 * stellaris_wdt_warning()); the host assembler cannot take it. Here the
 * file is included after every header it uses, with `__asm__ volatile(...)`
 * turned into nothing (`volatile` as a function-like macro, so the
 * `static volatile bool` in the file is left alone) and naked into
 * noinline: the entry becomes an empty function, and a test calls
 * stellaris_wdt_warning() itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cortexm/cortexm.h"
#include "cortexm/resetmark.h"
#include "hal/wdt.h"
#include "stellaris/drivers.h"
#include "stellaris/stellaris.h"

#define __asm__
#define volatile(...)
#define naked noinline
#include "stellaris/wdt.c"
