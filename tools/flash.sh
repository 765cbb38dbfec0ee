#!/usr/bin/env bash
# Writes the firmware to a real board.
#   tools/flash.sh <board> <firmware.bin>
# lm3s6965evb: the EK-LM3S6965's on-board ICDI debugger over USB, with
# lm4flash (Debian package lm4flash, installed here if missing).
set -euo pipefail
board=$1 bin=$2
case "$board" in
    lm3s6965evb)
        if ! command -v lm4flash >/dev/null 2>&1; then
            echo "flash: installing lm4flash"
            if [ "$(id -u)" = 0 ]; then apt-get install -y -q lm4flash; else sudo apt-get install -y -q lm4flash; fi
        fi
        echo "flash: writing $bin to the EK-LM3S6965 (USB ICDI)"
        exec lm4flash -v "$bin"
        ;;
    *)
        echo "flash: no flashing method known for board '$board'" >&2
        exit 2
        ;;
esac
