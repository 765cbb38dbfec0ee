TEST_SRCS_test_at24 := hal/at24/at24.c tests/unit/fakes/i2c_fake.c tests/unit/fakes/at24_model.c
