# The stamp arithmetic is header-only (hal/ethstamp); the test provides the timer's raw helpers.
TEST_SRCS_test_ethstamp :=
