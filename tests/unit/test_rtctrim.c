/*
 * The clock trim's split between a DS3231's aging offset and the served
 * time (firmware/rtctrim.c): which way the offset goes, its rounding and
 * range, and that chip and served time together carry the whole trim.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hal/rtc.h"
#include "rtctrim.h"

static void test_direction_and_rounding(void **unused)
{
    (void)unused;
    /* An RTC 2 ppm slow (trim +2000 ppb): the offset speeds it up, -20 steps. */
    assert_int_equal(rtctrim_aging_lsb(2000), -20);
    assert_int_equal(rtctrim_aging_lsb(-2000), 20);
    assert_int_equal(rtctrim_aging_lsb(0), 0);
    assert_int_equal(rtctrim_aging_lsb(49), 0);
    assert_int_equal(rtctrim_aging_lsb(50), -1);
    assert_int_equal(rtctrim_aging_lsb(-50), 1);
    assert_int_equal(rtctrim_aging_lsb(-149), 1);
    assert_int_equal(rtctrim_aging_lsb(-151), 2);
    /* The register holds -128..127: the rest stays in software. */
    assert_int_equal(rtctrim_aging_lsb(500000), -128);
    assert_int_equal(rtctrim_aging_lsb(-500000), 127);
}

static void test_chip_and_software_carry_the_whole_trim(void **unused)
{
    (void)unused;
    for (int32_t trim = -500000; trim <= 500000; trim += 37) {
        int8_t lsb = rtctrim_aging_lsb(trim);
        int32_t rest = rtctrim_rest_ppb(trim, lsb);
        /* The chip runs -lsb * 100 ppb faster; with the rest, the served time moves by trim. */
        assert_int_equal(-lsb * RTC_AGING_PPB_PER_LSB + rest, trim);
        if (trim > -12750 && trim < 12850) { /* what -128..127 steps reach */
            assert_true(rest >= -50 && rest <= 50);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direction_and_rounding),
        cmocka_unit_test(test_chip_and_software_carry_the_whole_trim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
