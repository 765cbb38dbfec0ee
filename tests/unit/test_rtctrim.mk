TEST_SRCS_test_rtctrim := firmware/rtctrim.c
