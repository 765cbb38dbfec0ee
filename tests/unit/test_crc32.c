/*
 * CRC-32 (lib/crc32.c) against the standard check value and against a
 * table-driven reference computed here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/crc32.h"

static void test_check_value(void **unused)
{
    (void)unused;
    assert_int_equal(crc32_ieee("123456789", 9), 0xCBF43926u);
    assert_int_equal(crc32_ieee("", 0), 0u);
}

/* The usual byte-at-a-time table over the same reflected polynomial. */
static uint32_t table_crc32(const uint8_t *p, size_t len)
{
    static uint32_t table[256];
    uint32_t crc = 0xFFFFFFFFu;

    if (table[1] == 0u) {
        for (uint32_t n = 0; n < 256u; n++) {
            uint32_t c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
    }
    for (size_t i = 0; i < len; i++) {
        crc = table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    }
    return ~crc;
}

static void test_matches_table_driven(void **unused)
{
    (void)unused;
    uint8_t buf[300];
    uint32_t x = 12345u;

    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t len = 0; len <= sizeof(buf); len += 7) {
        assert_int_equal(crc32_ieee(buf, len), table_crc32(buf, len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_matches_table_driven),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
