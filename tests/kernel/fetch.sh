#!/usr/bin/env bash
# Fetches what the kernel live-patch test needs, once, into a cache (default /var/cache/suture-kernel,
# override with SUTURE_KERNEL_CACHE). Nothing on the system changes except apt-installing qemu-system-x86,
# flex, bison, dpkg-dev, libelf-dev (objtool), libssl-dev, openssl (the test's module-signing key),
# python3 and libc6-dev (the static sleeper) where they are missing:
#   src/linux-6.1.176/            Debian's kernel source (apt-get source through a private deb-src config;
#                                 /etc/apt/sources.list* is never edited), prepared with Debian's config
#   image/                        linux-image-6.1.0-50-amd64 unpacked with dpkg -x (vmlinuz, config, System.map)
#   headers/                      linux-headers-6.1.0-50-{amd64,common} + linux-kbuild-6.1, dpkg -x
#   busybox/bin/busybox           busybox-static, dpkg -x
# Safe to run again: each step is skipped when its result is there (a ".done" marker per step).
set -euo pipefail

CACHE=${SUTURE_KERNEL_CACHE:-/var/cache/suture-kernel}
KVER=${SUTURE_KERNEL_SOURCE_VERSION:-6.1.176-1}
ABI=${SUTURE_KERNEL_ABI:-6.1.0-50}
FLAVOUR=amd64
mkdir -p "$CACHE"
cd "$CACHE"

log() { echo "fetch.sh: $*" >&2; }
apt_install() {
    local missing=()
    for pair in "$@"; do
        what=${pair%%:*}
        if [[ $what == /* ]]; then [ -e "$what" ] || missing+=("${pair#*:}")
        else command -v "$what" >/dev/null 2>&1 || missing+=("${pair#*:}"); fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "please install ${missing[*]} (apt-get install ${missing[*]})"
        exit 1
    fi
    log "installing ${missing[*]}"
    [ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock | grep -v partial)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null; }
}

apt_install qemu-system-x86_64:qemu-system-x86 flex:flex bison:bison dpkg-source:dpkg-dev \
    bc:bc cpio:cpio gcc:gcc make:make /usr/include/gelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev \
    openssl:openssl python3:python3 strings:binutils /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev

# A private apt configuration: its own sources list (deb-src only), its own lists and cache dirs.
mkdir -p apt/lists/partial apt/cache/archives/partial apt/sources.list.d
cat > apt/sources.list <<SRC
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
SRC
cat > apt/apt.conf <<CONF
Dir::Etc::sourcelist "$CACHE/apt/sources.list";
Dir::Etc::sourceparts "$CACHE/apt/sources.list.d";
Dir::State::lists "$CACHE/apt/lists";
Dir::Cache "$CACHE/apt/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Get::Only-Source "true";
CONF

if [ ! -e src/.done ]; then
    log "fetching the source of linux=$KVER"
    APT_CONFIG="$CACHE/apt/apt.conf" apt-get update -qq
    rm -rf src && mkdir src
    (cd src && APT_CONFIG="$CACHE/apt/apt.conf" apt-get source -qq "linux=$KVER" >/dev/null)
    touch src/.done
fi
TREE=$(find "$CACHE/src" -mindepth 1 -maxdepth 1 -type d -name 'linux-*' | head -n 1)

# Binary packages through the system's own (binary) apt sources; unpacked, never installed.
download_unpack() { # dir package...
    local dir=$1; shift
    [ -e "$dir/.done" ] && return 0
    rm -rf "$dir" "$dir.debs" && mkdir -p "$dir" "$dir.debs"
    (cd "$dir.debs" && apt-get download -qq "$@" >/dev/null) || {
        apt-get update -qq
        (cd "$dir.debs" && apt-get download -qq "$@" >/dev/null)
    }
    for deb in "$dir.debs"/*.deb; do dpkg -x "$deb" "$dir"; done
    rm -rf "$dir.debs"
    touch "$dir/.done"
}
log "fetching linux-image-$ABI-$FLAVOUR, its headers and busybox-static"
download_unpack image "linux-image-$ABI-$FLAVOUR"
download_unpack headers "linux-headers-$ABI-$FLAVOUR" "linux-headers-$ABI-common" linux-kbuild-6.1
download_unpack busybox busybox-static

# The headers' links into /usr/src and /usr/lib point at the installed layout: make them point into the cache.
if [ ! -e headers/.relinked ]; then
    find headers -type l | while read -r link; do
        target=$(readlink "$link")
        case "$target" in
            /usr/*) ln -sfn "$CACHE/headers$target" "$link" ;;
        esac
    done
    touch headers/.relinked
fi
# Its Makefile includes the common headers' Makefile by absolute path: point it into the cache too.
sed -i "s|^include /usr/src/|include $CACHE/headers/usr/src/|" "headers/usr/src/linux-headers-$ABI-$FLAVOUR/Makefile"

# The source tree configured like the shipped kernel, ready to build single objects.
if [ ! -e "$TREE/.suture-prepared" ]; then
    log "preparing $TREE with the config of $ABI-$FLAVOUR"
    cp "image/boot/config-$ABI-$FLAVOUR" "$TREE/.config"
    make -C "$TREE" -s olddefconfig >/dev/null
    make -C "$TREE" -s -j"$(nproc)" prepare >/dev/null
    touch "$TREE/.suture-prepared"
fi
log "ready: source $TREE, image $CACHE/image/boot/vmlinuz-$ABI-$FLAVOUR, headers $CACHE/headers/usr/src/linux-headers-$ABI-$FLAVOUR"
