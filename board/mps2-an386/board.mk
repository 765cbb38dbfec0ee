# MPS2 + AN386: Cortex-M4 at 25 MHz, CMSDK UART/timer/watchdog, SBCon I2C,
# LAN9220 Ethernet (LAN9118 compatible).
# Soft-float: the startup code does not enable the FPU, and nothing needs it.
BOARD_CPU      := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
BOARD_DEFINE   := MPS2_AN386
BOARD_LDSCRIPT := linker/mps2-an386.ld
BOARD_SRCS     := $(wildcard board/mps2-an386/*.c) $(wildcard hal/cortexm/*.c) \
                  $(wildcard hal/cmsdk/*.c) $(wildcard hal/sbcon/*.c) \
                  $(wildcard hal/lan9118/*.c) $(wildcard hal/ds13xx/*.c) \
                  $(wildcard hal/at24/*.c) $(wildcard hal/rxring/*.c) $(wildcard hal/rtcmodule/*.c) \
                  $(wildcard hal/uartring/*.c)
# QEMU machine and devices for `make run` and the integration tests.
# QEMU 7.2 creates four SBCon I2C buses on this machine (0x40022000,
# 0x40023000, 0x40029000, 0x4002A000); a plain `-device ds1338` or
# `-device at24c-eeprom` without bus= attaches to the last one created,
# 0x4002A000 (Shield 1), which is the bus this board uses: the stock
# command line needs no bus option.
BOARD_QEMU     := -M mps2-an386
