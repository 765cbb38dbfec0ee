TEST_SRCS_test_syslog := firmware/net/syslog.c firmware/clock/calendar.c
