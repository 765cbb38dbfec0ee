TEST_SRCS_test_ntp_acl := firmware/ntp/acl.c
