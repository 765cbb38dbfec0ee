/*
 * The Ethernet address choice: precedence of the operator's, the factory's
 * and a stored generated address, and the form of a generated one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "mac.h"

static const uint8_t factory[6] = { 0x00, 0x1a, 0xb6, 0x01, 0x02, 0x03 };
static const uint8_t mine[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static void test_precedence(void **unused)
{
    (void)unused;
    struct settings s;
    uint8_t out[6];
    config_defaults(&s);
    assert_int_equal(mac_choose(&s, factory, out), MAC_FROM_FACTORY);
    assert_memory_equal(out, factory, 6);
    assert_int_equal(mac_choose(&s, NULL, out), MAC_FROM_NONE);

    memcpy(s.mac, mine, 6);
    s.mac_source = CONFIG_MAC_GENERATED;
    assert_int_equal(mac_choose(&s, factory, out), MAC_FROM_FACTORY); /* factory wins */
    assert_int_equal(mac_choose(&s, NULL, out), MAC_FROM_GENERATED);
    assert_memory_equal(out, mine, 6);

    s.mac_source = CONFIG_MAC_OPERATOR;
    assert_int_equal(mac_choose(&s, factory, out), MAC_FROM_OPERATOR); /* the operator wins */
    assert_memory_equal(out, mine, 6);
}

static void test_generated_is_local_unicast_and_valid(void **unused)
{
    (void)unused;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint8_t a[6], b[6];
    for (int i = 0; i < 1000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        mac_generate(x, a);
        assert_int_equal(a[0] & 0x03u, 0x02u);
        struct settings s;
        config_defaults(&s);
        memcpy(s.mac, a, 6);
        s.mac_source = CONFIG_MAC_GENERATED;
        assert_int_equal(config_validate(&s, NULL), 0);
    }
    /* Different entropy, different address (40 of its bits are taken). */
    mac_generate(1, a);
    mac_generate(2, b);
    assert_memory_not_equal(a, b, 6);
    mac_generate(1ull << 39, b);
    assert_memory_not_equal(a, b, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_generated_is_local_unicast_and_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
