TEST_SRCS_test_format := lib/format.c
