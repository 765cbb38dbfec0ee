TEST_SRCS_test_upstream := firmware/ntp/upstream.c firmware/ntp/ntp_time.c
