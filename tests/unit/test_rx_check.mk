TEST_SRCS_test_rx_check := firmware/net/rx_check.c
