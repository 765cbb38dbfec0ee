/*
 * Tests for acl.c: longest-prefix matching, the two policies for
 * unmatched addresses, replacement, removal and capacity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "ntp/acl.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static void test_empty_open_serves_everyone(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_true(acl_is_allowed(&a, IP(192, 168, 1, 20)));
    assert_true(acl_is_allowed(&a, 0));
    assert_true(acl_is_allowed(&a, 0xFFFFFFFF));
    assert_int_equal(acl_count(&a), 0);
}

static void test_empty_closed_refuses_everyone(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_CLOSED);
    assert_false(acl_is_allowed(&a, IP(192, 168, 1, 20)));
    assert_int_equal(acl_add(&a, IP(192, 168, 1, 0), 24, ACL_ALLOW), 0);
    assert_true(acl_is_allowed(&a, IP(192, 168, 1, 20)));
    assert_false(acl_is_allowed(&a, IP(192, 168, 2, 20)));
    /* A deny-only closed list still refuses the unmatched. */
    acl_clear(&a);
    assert_int_equal(acl_add(&a, IP(10, 0, 0, 0), 8, ACL_DENY), 0);
    assert_false(acl_is_allowed(&a, IP(192, 168, 1, 20)));
}

static void test_deny_only_list_serves_the_rest(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_int_equal(acl_add(&a, IP(203, 0, 113, 0), 24, ACL_DENY), 0);
    assert_false(acl_is_allowed(&a, IP(203, 0, 113, 77)));
    assert_true(acl_is_allowed(&a, IP(203, 0, 114, 77)));
    assert_true(acl_is_allowed(&a, IP(10, 1, 2, 3)));
}

static void test_allow_entry_makes_a_whitelist(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_int_equal(acl_add(&a, IP(192, 168, 1, 0), 24, ACL_ALLOW), 0);
    assert_true(acl_is_allowed(&a, IP(192, 168, 1, 1)));
    assert_false(acl_is_allowed(&a, IP(192, 168, 2, 1)));
    assert_int_equal(acl_remove(&a, IP(192, 168, 1, 0), 24), 0);
    assert_true(acl_is_allowed(&a, IP(192, 168, 2, 1)));
}

static void test_longest_prefix_wins(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    /* Added shortest first: order of addition must not matter. */
    assert_int_equal(acl_add(&a, IP(10, 0, 0, 0), 8, ACL_DENY), 0);
    assert_int_equal(acl_add(&a, IP(10, 1, 0, 0), 16, ACL_ALLOW), 0);
    assert_int_equal(acl_add(&a, IP(10, 1, 2, 0), 24, ACL_DENY), 0);
    assert_int_equal(acl_add(&a, IP(10, 1, 2, 3), 32, ACL_ALLOW), 0);
    assert_false(acl_is_allowed(&a, IP(10, 9, 9, 9)));
    assert_true(acl_is_allowed(&a, IP(10, 1, 9, 9)));
    assert_false(acl_is_allowed(&a, IP(10, 1, 2, 4)));
    assert_true(acl_is_allowed(&a, IP(10, 1, 2, 3)));
    /* An allow entry exists, so outside 10/8 is refused. */
    assert_false(acl_is_allowed(&a, IP(11, 0, 0, 1)));

    struct acl_entry e;
    assert_int_equal(acl_get(&a, 0, &e), 0);
    assert_int_equal(e.prefix_len, 32);
    assert_int_equal(acl_get(&a, 3, &e), 0);
    assert_int_equal(e.prefix_len, 8);
    assert_int_equal(e.net, IP(10, 0, 0, 0));
    assert_int_equal(e.action, ACL_DENY);
    assert_int_equal(acl_get(&a, 4, &e), -ENOENT);
}

static void test_slash_zero_and_host_bits(void **state)
{
    (void)state;
    struct acl a;
    struct acl_entry e;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_int_equal(acl_add(&a, 0, 0, ACL_DENY), 0);
    assert_int_equal(acl_add(&a, IP(192, 168, 1, 77), 24, ACL_ALLOW), 0); /* host bits cleared */
    assert_int_equal(acl_get(&a, 0, &e), 0);
    assert_int_equal(e.net, IP(192, 168, 1, 0));
    assert_true(acl_is_allowed(&a, IP(192, 168, 1, 200)));
    assert_false(acl_is_allowed(&a, IP(8, 8, 8, 8)));
    /* Removal ignores host bits too. */
    assert_int_equal(acl_remove(&a, IP(192, 168, 1, 5), 24), 0);
    assert_false(acl_is_allowed(&a, IP(192, 168, 1, 200)));
}

static void test_replace_action(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_int_equal(acl_add(&a, IP(172, 16, 0, 0), 12, ACL_ALLOW), 0);
    assert_false(acl_is_allowed(&a, IP(8, 8, 8, 8)));
    assert_int_equal(acl_add(&a, IP(172, 16, 0, 0), 12, ACL_DENY), 0);
    assert_int_equal(acl_count(&a), 1);
    /* No allow entry left: back to serving the unmatched. */
    assert_true(acl_is_allowed(&a, IP(8, 8, 8, 8)));
    assert_false(acl_is_allowed(&a, IP(172, 20, 1, 1)));
}

static void test_errors_and_capacity(void **state)
{
    (void)state;
    struct acl a;

    acl_init(&a, ACL_POLICY_OPEN);
    assert_int_equal(acl_add(&a, 0, 33, ACL_ALLOW), -EINVAL);
    assert_int_equal(acl_add(&a, 0, 8, (enum acl_action)7), -EINVAL);
    assert_int_equal(acl_remove(&a, 0, 33), -EINVAL);
    assert_int_equal(acl_remove(&a, IP(1, 2, 3, 0), 24), -ENOENT);
    for (int i = 0; i < ACL_MAX_ENTRIES; i++)
        assert_int_equal(acl_add(&a, IP(10, i, 0, 0), 16, ACL_DENY), 0);
    assert_int_equal(acl_add(&a, IP(11, 0, 0, 0), 16, ACL_DENY), -ENOSPC);
    /* Replacing an existing entry needs no room. */
    assert_int_equal(acl_add(&a, IP(10, 3, 0, 0), 16, ACL_ALLOW), 0);
    assert_int_equal(acl_count(&a), ACL_MAX_ENTRIES);
    assert_true(acl_is_allowed(&a, IP(10, 3, 1, 1)));
    assert_false(acl_is_allowed(&a, IP(10, 4, 1, 1)));
    acl_clear(&a);
    assert_int_equal(acl_count(&a), 0);
    assert_true(acl_is_allowed(&a, IP(10, 4, 1, 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_open_serves_everyone),
        cmocka_unit_test(test_empty_closed_refuses_everyone),
        cmocka_unit_test(test_deny_only_list_serves_the_rest),
        cmocka_unit_test(test_allow_entry_makes_a_whitelist),
        cmocka_unit_test(test_longest_prefix_wins),
        cmocka_unit_test(test_slash_zero_and_host_bits),
        cmocka_unit_test(test_replace_action),
        cmocka_unit_test(test_errors_and_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
