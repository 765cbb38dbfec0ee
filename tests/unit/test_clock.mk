TEST_SRCS_test_clock := firmware/clock/clock.c firmware/clock/served.c firmware/clock/fit.c firmware/clock/rtc_sched.c firmware/clock/status.c lib/calendar.c lib/wide.c tests/unit/fakes/clock_sim.c
