TEST_SRCS_test_fastpath := firmware/net/fastpath.c firmware/net/csum.c
