/*
 * CRC-32 as IEEE 802.3 and zlib compute it (reflected polynomial
 * 0xEDB88320, initial value and final XOR 0xFFFFFFFF). Hardware-free (lib/):
 * the settings record in the EEPROM (firmware/config) carries one.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Returns the CRC-32 of the len bytes at buf ("123456789" gives 0xCBF43926). */
uint32_t crc32_ieee(const void *buf, size_t len);

#endif /* LIB_CRC32_H */
