#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing:
#  - Debian packages (cross toolchain, QEMU, NTP clients, test runners,
#    iproute2 and dnsmasq for the virtual LAN of tests/integration/test_lan.py;
#    clang with its libFuzzer and sanitizer runtimes for tests/fuzz);
#  - ntpq, taken out of Debian's ntpsec package without installing it
#    (ntpsec conflicts with chrony, and both are test clients);
#  - lwIP 2.1.3 and mbedTLS 2.28.3 (the MAC algorithms of NTP's symmetric
#    keys) from Debian's source packages, fetched with a private apt source
#    list and state directory so the system's apt setup is untouched,
#    checked against tools/lwip.sha256 and tools/mbedtls.sha256 and unpacked
#    under build/lwip/ and build/mbedtls/. Only the upstream (orig) tarball
#    is used: Debian's patches are its packaging, not the library.
# Idempotent: a second run does nothing and prints nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build

PACKAGES=(make gcc libc6-dev gcc-arm-none-eabi libnewlib-arm-none-eabi
    binutils-arm-none-eabi qemu-system-arm libcmocka-dev python3 python3-pytest
    python3-ntplib python3-ntp python3-cryptography ntpsec-ntpdig chrony iproute2 dnsmasq-base valgrind xz-utils
    openocd clang-format clang libclang-rt-dev)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# chrony's package starts a system daemon; tests run their own chronyd.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q chrony 2>/dev/null; then
    as_root systemctl stop chrony || true
fi

# ntpq (mode 6 client) from the ntpsec package, unpacked, not installed.
NTPQ=$BUILD/ntpsec/usr/bin/ntpq
if [ ! -x "$NTPQ" ]; then
    mkdir -p "$BUILD/ntpsec-deb"
    (cd "$BUILD/ntpsec-deb" && rm -f ntpsec_*.deb && apt-get download -q ntpsec >/dev/null)
    dpkg-deb -x "$BUILD"/ntpsec-deb/ntpsec_*.deb "$BUILD/ntpsec"
    echo "deps: ntpq unpacked at ${NTPQ#$ROOT/}"
fi

# Debian source packages, through a private apt setup made on first use.
APT=$BUILD/apt
APTOPT=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache"
        -o APT::Sandbox::User=root -q)
apt_src_ready=
apt_src_update() {
    [ -z "$apt_src_ready" ] || return 0
    mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/src"
    # The deb-src list names the same mirror the system uses for binaries.
    . /etc/os-release
    local uris
    uris=$( { grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' || true;
              grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
                  sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}' || true; } |
            grep -v security | head -n 1 || true)
    [ -n "$uris" ] || { echo "deps: no Debian mirror found in the apt sources" >&2; exit 1; }
    echo "deb-src $uris $VERSION_CODENAME main" > "$APT/sources.list"
    apt-get "${APTOPT[@]}" update >/dev/null
    apt_src_ready=1
}

# fetch_source PACKAGE TARBALL NAME TOP: downloads Debian's source package
# PACKAGE (apt keeps a copy it already has), checks it against
# tools/NAME.sha256 and unpacks TARBALL into a fresh build/NAME/TOP/, whatever
# its own top directory is called (mbedTLS's is a git commit's name).
fetch_source() {
    local pkg=$1 tarball=$2 name=$3 top=$4
    apt_src_update
    (cd "$APT/src" && apt-get "${APTOPT[@]}" source --download-only "$pkg" >/dev/null)
    (cd "$APT/src" && sha256sum -c "$ROOT/tools/$name.sha256") ||
        { echo "deps: $pkg source checksum mismatch" >&2; exit 1; }
    rm -rf "${BUILD:?}/$name" && mkdir -p "$BUILD/$name/$top"
    tar -xf "$APT/src/$tarball" -C "$BUILD/$name/$top" --strip-components=1
}

# lwIP from Debian's source package.
if [ ! -f "$BUILD/lwip/lwip-2.1.3/src/core/udp.c" ]; then
    fetch_source lwip "lwip_2.1.3+dfsg1.orig.tar.xz" lwip lwip-2.1.3
    echo "deps: lwIP 2.1.3 unpacked at build/lwip/lwip-2.1.3"
fi

# mbedTLS from Debian's source package (the Makefile's MBEDTLS_DIR).
if [ ! -f "$BUILD/mbedtls/mbedtls-2.28.3/library/cmac.c" ]; then
    fetch_source mbedtls "mbedtls_2.28.3.orig.tar.gz" mbedtls mbedtls-2.28.3
    echo "deps: mbedTLS 2.28.3 unpacked at build/mbedtls/mbedtls-2.28.3"
fi
