TEST_SRCS_test_crc32 := lib/crc32.c
