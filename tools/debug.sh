#!/usr/bin/env bash
# Debugs the image on a real EK-LM3S6965: OpenOCD in the background (gdb
# port 3333), gdb-multiarch attached to it with the same ELF, OpenOCD
# stopped when gdb exits. Both come from Debian, installed if missing.
#   tools/debug.sh <board> <firmware.elf>
set -euo pipefail
board=$1 elf=$2
[ "$board" = lm3s6965evb ] || { echo "debug: only lm3s6965evb has an on-board debugger" >&2; exit 2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v openocd >/dev/null 2>&1 || missing+=(openocd)
command -v gdb-multiarch >/dev/null 2>&1 || missing+=(gdb-multiarch)
if [ ${#missing[@]} -gt 0 ]; then
    echo "debug: installing ${missing[*]}"
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
openocd -f board/ek-lm3s6965.cfg &
ocd=$!
trap 'kill $ocd 2>/dev/null; wait $ocd 2>/dev/null || true' EXIT
# Give OpenOCD a moment to reach the chip, and stop if it could not.
for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 $ocd 2>/dev/null || { echo "debug: OpenOCD could not reach the board (see above)" >&2; exit 1; }
    (exec 3<>/dev/tcp/127.0.0.1/3333) 2>/dev/null && break
    sleep 0.5
done
gdb-multiarch -q "$elf" -ex "target extended-remote :3333" -ex "monitor reset halt"
