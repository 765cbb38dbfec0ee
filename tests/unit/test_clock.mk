TEST_SRCS_test_clock := firmware/clock/clock.c lib/calendar.c lib/wide.c tests/unit/fakes/clock_sim.c
