TEST_SRCS_test_ds13xx := hal/ds13xx/ds13xx.c lib/calendar.c tests/unit/fakes/i2c_fake.c tests/unit/fakes/ds1338_model.c
