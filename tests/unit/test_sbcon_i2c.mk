# The MPS2 board's bit-banged I2C master (hal/sbcon) on a bit-level model of
# the bus (SBCON_MODEL: the driver's line accesses land in the test).
TEST_CFLAGS_test_sbcon_i2c := -DSBCON_MODEL
TEST_SRCS_test_sbcon_i2c := hal/sbcon/i2c.c hal/at24/at24.c tests/unit/fakes/i2c_wire_model.c \
    tests/unit/fakes/ds1338_model.c tests/unit/fakes/at24_model.c
