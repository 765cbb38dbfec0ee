#!/usr/bin/env bash
# Writes the firmware to a real board.
#   tools/flash.sh <board> <firmware.elf> [mount-point]
#
# lm3s6965evb: the EK-LM3S6965's on-board debugger (an FTDI FT2232, the
#   "Luminary ICDI") through OpenOCD and its board/ek-lm3s6965.cfg:
#   program, verify, reset. OpenOCD comes from Debian, installed if missing.
#   With no board attached OpenOCD says so ("unable to open ftdi device")
#   and this exits non-zero.
# mps2-an386: the MPS2+ board's configuration controller loads the image
#   from its USB mass storage (the MicroSD card): the image is copied to
#   SOFTWARE/ and the AN386 images.txt is pointed at it. Give the mount
#   point (MPS2_MOUNT=... with make), then reset the board.
set -euo pipefail
board=$1 elf=$2 mount=${3:-}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

case "$board" in
    lm3s6965evb)
        if ! command -v openocd >/dev/null 2>&1; then
            echo "flash: installing openocd"
            as_root apt-get install -y -q --no-install-recommends openocd
        fi
        echo "flash: writing $elf to the EK-LM3S6965 (OpenOCD, on-board FTDI debugger)"
        exec openocd -f board/ek-lm3s6965.cfg -c "program $elf verify reset exit"
        ;;
    mps2-an386)
        if [ -z "$mount" ] || [ ! -d "$mount" ]; then
            echo "flash: give the MPS2+ USB drive's mount point: make flash BOARD=mps2-an386 MPS2_MOUNT=/media/..." >&2
            exit 2
        fi
        # MB/HBI0263<rev>/AN386/images.txt names what the board loads at 0x00000000.
        images=$(ls -d "$mount"/MB/HBI0263*/AN386 2>/dev/null | head -n 1 || true)
        if [ -z "$images" ]; then
            echo "flash: no MB/HBI0263*/AN386 folder on $mount: is the AN386 image installed on the card?" >&2
            exit 2
        fi
        mkdir -p "$mount/SOFTWARE"
        bin=${elf%.elf}.bin
        cp "$bin" "$mount/SOFTWARE/NTPAPPL.BIN"
        [ -f "$images/images.txt" ] && cp "$images/images.txt" "$images/images.bak"
        printf '%s\r\n' "TITLE: Versatile Express Images Configuration File" "[IMAGES]" \
            "TOTALIMAGES: 1" "IMAGE0ADDRESS: 0x00000000" \
            'IMAGE0FILE: \SOFTWARE\NTPAPPL.BIN' > "$images/images.txt"
        sync
        echo "flash: SOFTWARE/NTPAPPL.BIN and $images/images.txt written (old one kept as images.bak); reset the board"
        ;;
    *)
        echo "flash: no flashing method known for board '$board'" >&2
        exit 2
        ;;
esac
