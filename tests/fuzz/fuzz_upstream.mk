FUZZ_SRCS_fuzz_upstream := firmware/ntp/upstream.c firmware/ntp/ntp_time.c firmware/ntp/ntp_auth.c \
                           $(MBEDTLS_FUZZ_LIB)
