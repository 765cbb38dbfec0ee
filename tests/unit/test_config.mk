TEST_SRCS_test_config := firmware/config/config.c firmware/config/record.c lib/crc32.c tests/unit/fakes/eeprom_fake.c
