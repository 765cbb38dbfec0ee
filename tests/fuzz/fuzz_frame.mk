FUZZ_SRCS_fuzz_frame := firmware/net/fastpath.c firmware/net/csum.c firmware/net/rx_check.c firmware/net/addr_watch.c
