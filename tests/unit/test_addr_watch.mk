TEST_SRCS_test_addr_watch := firmware/net/addr_watch.c
