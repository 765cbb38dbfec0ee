/*
 * lwIP compiler/platform glue for newlib on Cortex-M.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#define LWIP_TIMEVAL_PRIVATE 0
#include <sys/time.h>

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_assert(int line) __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        net_diag x;                                                                                \
    } while (0)
/*
 * lwIP's checks stay in; their message and file-name strings do not (about
 * 4 KiB of flash). The log names the line and the caller's address, which
 * the map file turns into the function.
 */
#define LWIP_PLATFORM_ASSERT(x) net_assert(__LINE__)

#endif /* LWIP_ARCH_CC_H */
