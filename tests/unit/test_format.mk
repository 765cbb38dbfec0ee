TEST_SRCS_test_format := hal/libc/format.c
