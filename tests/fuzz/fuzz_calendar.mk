FUZZ_SRCS_fuzz_calendar := lib/calendar.c
