TEST_SRCS_test_byte_ring := hal/uartring/byte_ring.c
