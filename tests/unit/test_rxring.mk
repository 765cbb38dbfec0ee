TEST_SRCS_test_rxring := hal/rxring/rxring.c
