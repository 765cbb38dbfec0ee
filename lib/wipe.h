/*
 * Overwriting memory that held a secret (a key, a line typed with one, a
 * record read from the EEPROM) in a way the compiler cannot drop as a dead
 * store. Hardware-free (lib/): the key store, its EEPROM record and the
 * upstream client use it.
 */
#ifndef LIB_WIPE_H
#define LIB_WIPE_H

#include <stddef.h>
#include <stdint.h>

/* Overwrites len bytes at p with zeros, through a volatile pointer. */
static inline void wipe_memory(void *p, size_t len)
{
    volatile uint8_t *v = p;
    while (len-- > 0u) {
        *v++ = 0u;
    }
}

#endif /* LIB_WIPE_H */
