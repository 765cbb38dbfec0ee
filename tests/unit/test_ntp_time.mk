TEST_SRCS_test_ntp_time := firmware/ntp/ntp_time.c
