TEST_SRCS_test_wide := lib/wide.c
