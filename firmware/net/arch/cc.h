/*
 * lwIP compiler/platform glue for newlib on Cortex-M.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#define LWIP_TIMEVAL_PRIVATE 0
#include <sys/time.h>

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_assert(const char *msg, const char *file, int line) __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)   do { net_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) net_assert((x), __FILE__, __LINE__)

#endif /* LWIP_ARCH_CC_H */
