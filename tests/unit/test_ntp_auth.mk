TEST_SRCS_test_ntp_auth := firmware/ntp/ntp_auth.c $(MBEDTLS_HOST_LIB)
