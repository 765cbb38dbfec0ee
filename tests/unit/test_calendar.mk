TEST_SRCS_test_calendar := lib/calendar.c
