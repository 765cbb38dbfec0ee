TEST_SRCS_test_console := firmware/console/console.c firmware/console/commands.c firmware/config/config.c lib/crc32.c lib/calendar.c tests/unit/fakes/console_app_fake.c
