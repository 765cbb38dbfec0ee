#!/usr/bin/env bash
# Boots the appliance image in QEMU with the board's stock devices:
#   DS1338 battery RTC at 0x68 and an AT24C32 settings EEPROM at 0x50 on the
#   I2C bus, user networking with the NTP port forwarded to 127.0.0.1:PORT
#   (or, with --tap IFNAME, the board's NIC on an existing TAP device, as a
#   host on a real LAN), console on stdio.
# --eeprom-addr puts the EEPROM elsewhere (0x57: the ZS-042 DS3231 module;
# the image finds it at boot), --no-eeprom leaves it out (DS1338 breakouts).
# The script execs QEMU, so its PID is QEMU's (tests stop it by PID). For a
# TAP in a network namespace, run the script under `ip netns exec NS`,
# which execs too.
#
#   tools/qemu-run.sh [--board B] [--elf F] [--port N | --tap IFNAME] [--rtc BASE]
#                     [--rtc-device QEMU_DEVICE] [--eeprom FILE] [--eeprom-addr 0x50..0x57]
#                     [--no-eeprom] [--serial-socket PATH] [--monitor-socket PATH]
set -euo pipefail
cd "$(dirname "$0")/.."

board=lm3s6965evb port=12300 tap="" rtc=utc rtc_device=ds1338 elf="" eeprom="" eeprom_addr=0x50
use_eeprom=1 serial=stdio monitor=none
while [ $# -gt 0 ]; do
    case "$1" in
        --board) board=$2; shift 2 ;;
        --elf) elf=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --tap) tap=$2; shift 2 ;;
        --rtc) rtc=$2; shift 2 ;;
        --rtc-device) rtc_device=$2; shift 2 ;;
        --eeprom) eeprom=$2; shift 2 ;;
        --eeprom-addr) eeprom_addr=$2; shift 2 ;;
        --no-eeprom) use_eeprom=0; shift ;;
        --serial-socket) serial="unix:$2,server=on,wait=off"; shift 2 ;;
        --monitor-socket) monitor="unix:$2,server=on,wait=off"; shift 2 ;;
        *) echo "qemu-run: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$elf" ] || elf=build/$board/firmware.elf
[ -n "$eeprom" ] || eeprom=build/$board/eeprom.bin
case "$eeprom_addr" in
    0x5[0-7]) ;;
    *) echo "qemu-run: --eeprom-addr $eeprom_addr: an AT24C32 answers at 0x50..0x57" >&2; exit 2 ;;
esac

machine=$(sed -nE 's/^BOARD_QEMU[[:space:]]*:=[[:space:]]*//p' "board/$board/board.mk")
if [ "$serial" = stdio ] && [ -t 0 ]; then
    # Interactive: the QEMU monitor shares the terminal (Ctrl-A X quits).
    console=(-serial mon:stdio)
    where="udp 127.0.0.1:$port"
    [ -z "$tap" ] || where="the LAN of TAP $tap"
    echo "qemu-run: $board, NTP on $where, console below (Ctrl-A X quits)" >&2
else
    console=(-monitor "$monitor" -serial "$serial")
fi
args=($machine -nographic "${console[@]}"
      -kernel "$elf" -rtc "base=$rtc"
      -device "$rtc_device,address=0x68")
if [ -n "$tap" ]; then
    # The TAP exists already (made by whoever owns the LAN); QEMU only opens it.
    args+=(-nic "tap,ifname=$tap,script=no,downscript=no")
else
    args+=(-nic "user,hostfwd=udp:127.0.0.1:$port-:123")
fi
if [ "$use_eeprom" = 1 ]; then
    # A new EEPROM is blank (0xFF), as a chip fresh from the factory.
    if [ ! -f "$eeprom" ]; then
        mkdir -p "$(dirname "$eeprom")"
        head -c 4096 /dev/zero | tr '\0' '\377' > "$eeprom"
    fi
    args+=(-drive "if=none,id=ee,file=$eeprom,format=raw"
           -device "at24c-eeprom,address=$eeprom_addr,rom-size=4096,drive=ee")
fi
exec qemu-system-arm "${args[@]}"
