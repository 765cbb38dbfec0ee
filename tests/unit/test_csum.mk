TEST_SRCS_test_csum := firmware/net/csum.c
