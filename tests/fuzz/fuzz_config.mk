FUZZ_SRCS_fuzz_config := firmware/config/config.c lib/crc32.c
