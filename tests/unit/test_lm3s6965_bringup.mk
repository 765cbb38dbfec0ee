# The real bring-up and Stellaris drivers, every register access routed to the
# chip model (MMIO_MODEL). hal/stellaris/wdt.c comes in through
# fakes/stellaris_wdt_host.c (its interrupt entry is Cortex-M assembly);
# hal/cortexm/startup.c is left out for the same reason.
TEST_CFLAGS_test_lm3s6965_bringup := -DMMIO_MODEL -Iboard/lm3s6965evb -DETH_TX_DONE_SLOTS=4u
TEST_SRCS_test_lm3s6965_bringup := board/lm3s6965evb/board.c \
    hal/stellaris/sysctl.c hal/stellaris/uart.c hal/stellaris/i2c.c \
    hal/stellaris/eth.c hal/stellaris/gptm.c hal/stellaris/capture.c tests/unit/fakes/stellaris_wdt_host.c \
    hal/cortexm/systick.c hal/cortexm/nvic.c hal/cortexm/resetmark.c \
    hal/rtcmodule/rtcmodule.c hal/ds13xx/ds13xx.c hal/at24/at24.c lib/calendar.c \
    hal/rxring/rxring.c hal/rxring/eth_ring.c hal/uartring/byte_ring.c hal/uartring/uart_rings.c \
    tests/unit/fakes/ds1338_model.c tests/unit/fakes/at24_model.c \
    tests/unit/fakes/lm3s6965_model.c tests/unit/fakes/lm3s6965_model_sysctl.c \
    tests/unit/fakes/lm3s6965_model_cortexm.c tests/unit/fakes/lm3s6965_model_gpio.c \
    tests/unit/fakes/lm3s6965_model_uart.c tests/unit/fakes/lm3s6965_model_i2c.c \
    tests/unit/fakes/lm3s6965_model_eth.c tests/unit/fakes/lm3s6965_model_timers.c
