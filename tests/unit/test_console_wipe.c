/*
 * The console keeps no copy of a line once it has run or been discarded:
 * the module is compiled into this test (chrony's way of reaching a
 * module's statics) so that its line buffers can be looked at after an
 * `ntp key add` was typed, run, cut short or refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "console/console.c"

#include "fakes/console_app_fake.h"

#define SECRET "Jx7qLw0md5secret"

static size_t sink(const char *buf, size_t len)
{
    (void)buf;
    return len;
}

static int setup(void **unused)
{
    (void)unused;
    app_fake_reset();
    console_init(sink, NULL);
    return 0;
}

static void type(const char *s)
{
    for (; *s != '\0'; s++) {
        console_input_char(*s);
    }
}

static bool is_zero(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\0') {
            return false;
        }
    }
    return true;
}

static void assert_wiped(void)
{
    assert_true(is_zero(line, sizeof(line)));
    assert_true(is_zero(words_buf, sizeof(words_buf)));
    assert_int_equal(line_len, 0);
}

static void test_line_wiped_after_it_ran(void **unused)
{
    (void)unused;
    type("ntp key add 7 md5 ASCII:" SECRET "\r");
    assert_non_null(keys_find(&app_fake.keys, 7));
    assert_wiped();
    /* refused, and run without the editor */
    type("ntp key add 8 aes128 ASCII:" SECRET "x\r");
    assert_null(keys_find(&app_fake.keys, 8));
    assert_wiped();
    assert_int_equal(console_execute("ntp key add 9 sha1 ASCII:" SECRET), 0);
    assert_wiped();
}

static void test_line_wiped_when_discarded(void **unused)
{
    (void)unused;
    type("ntp key add 7 md5 ASCII:" SECRET);
    assert_false(is_zero(line, sizeof(line))); /* being typed */
    assert_true(is_zero(words_buf, sizeof(words_buf)));
    type("\x03");
    assert_wiped();
    type("ntp key add 7 md5 ASCII:" SECRET "\x15");
    assert_wiped();
    for (int i = 0; i < 10; i++) {
        type("ntp key add 7 md5 ASCII:" SECRET);
    }
    type("\r"); /* too long */
    assert_wiped();
    assert_null(keys_find(&app_fake.keys, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_wiped_after_it_ran, setup),
        cmocka_unit_test_setup(test_line_wiped_when_discarded, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
