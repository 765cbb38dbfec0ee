TEST_SRCS_test_syslog := firmware/net/syslog.c lib/calendar.c
