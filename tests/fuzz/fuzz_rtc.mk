FUZZ_SRCS_fuzz_rtc := hal/ds13xx/ds13xx.c lib/calendar.c
