TEST_SRCS_test_console := firmware/console/console.c firmware/console/commands.c firmware/console/text.c firmware/config/config.c firmware/clock/calendar.c tests/unit/fakes/console_app_fake.c
