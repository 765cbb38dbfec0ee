TEST_SRCS_test_config := firmware/config/config.c lib/crc32.c tests/unit/fakes/eeprom_fake.c
