/*
 * CRC-32 (IEEE 802.3, as zlib), bitwise: the settings record is 120 bytes
 * per save or load, which does not justify a 1 KiB table in flash.
 */
#include "lib/crc32.h"

uint32_t crc32_ieee(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}
