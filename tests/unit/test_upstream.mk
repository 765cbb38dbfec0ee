TEST_SRCS_test_upstream := firmware/ntp/upstream.c firmware/ntp/ntp_time.c firmware/ntp/ntp_auth.c \
                           $(MBEDTLS_HOST_LIB)
