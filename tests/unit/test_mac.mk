TEST_SRCS_test_mac := firmware/mac.c firmware/config/config.c firmware/config/record.c lib/crc32.c lib/calendar.c
