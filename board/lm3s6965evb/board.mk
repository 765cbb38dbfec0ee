# EK-LM3S6965: Cortex-M3 at 50 MHz, on-chip Ethernet MAC+PHY, I2C0, UART0.
BOARD_CPU      := -mcpu=cortex-m3 -mthumb
BOARD_DEFINE   := LM3S6965EVB
BOARD_LDSCRIPT := linker/lm3s6965.ld
BOARD_SRCS     := $(wildcard board/lm3s6965evb/*.c) $(wildcard hal/cortexm/*.c) \
                  $(wildcard hal/stellaris/*.c) $(wildcard hal/ds13xx/*.c) \
                  $(wildcard hal/at24/*.c) $(wildcard hal/rxring/*.c) $(wildcard hal/rtcmodule/*.c) \
                  $(wildcard hal/uartring/*.c)
# QEMU machine and devices for `make run` and the integration tests.
BOARD_QEMU     := -M lm3s6965evb
