TEST_SRCS_test_calendar := firmware/clock/calendar.c
