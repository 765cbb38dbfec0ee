TEST_SRCS_test_config := firmware/config/config.c tests/unit/fakes/eeprom_fake.c
