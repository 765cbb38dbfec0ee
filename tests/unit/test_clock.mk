TEST_SRCS_test_clock := firmware/clock/clock.c firmware/clock/calendar.c tests/unit/fakes/clock_sim.c
