TEST_SRCS_test_ntp_server := firmware/ntp/ntp_server.c firmware/ntp/ntp_auth.c firmware/ntp/ntp_control.c firmware/ntp/ntp_time.c firmware/ntp/ratelimit.c firmware/ntp/acl.c $(MBEDTLS_HOST_LIB)
