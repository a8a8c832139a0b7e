# libheif CVE-2024-41311: a C++ library. HeifPixelImage::overlay computed the copied area of an
# overlay image with signed arithmetic that overflowed for offsets near the int32 limits, and
# ImageOverlay::parse accepted an overlay canvas of 0x0. The fix (CVE-2024-41311.patch of
# 1.15.1-1+deb12u1) rewrites the intersection in unsigned arithmetic through a new function,
# negate_negative_int32(), which begins with an assert, and rejects the empty canvas. Built with
# CMake through dh (dpkg-buildpackage -B); the target is the package's own stripped
# libheif.so.1.15.1 of 1.15.1-1, the version Debian 12 released with (it installs the fixed
# 1.15.1-1+deb12u1 today).
#
# The trigger: a HEIF file whose primary image is an overlay of a 0x0 canvas holding one real
# HEVC image (encoded by the library itself, then rewritten by libheif-overlay.py), decoded every
# 50 ms: "decode=ok 0x0" while vulnerable, "decode=error 2/121 ... zero width or height" once fixed.

LIBHEIF_CVE=CVE-2024-41311
LIBHEIF_SOURCE=1.15.1-1+deb12u1
LIBHEIF_SHIPPED=1.15.1-1
LIBHEIF_FIX=CVE-2024-41311.patch
LIBHEIF_LATER=(CVE-2023-29659.patch CVE-2023-49462.patch "$LIBHEIF_FIX")
LIBHEIF_DEPS=(cmake debhelper libaom-dev libdav1d-dev libde265-dev libgdk-pixbuf2.0-dev libjpeg-dev libpng-dev libx265-dev pkg-config python3)
LIBHEIF_BUILD='dpkg-buildpackage -B -uc -us'
LIBHEIF_HERE=$(dirname "${BASH_SOURCE[0]}")

case_libheif() {
    local work=$1
    install_deps "${LIBHEIF_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree libheif "$LIBHEIF_SOURCE" "$LIBHEIF_SHIPPED" 1 "${LIBHEIF_LATER[@]}") || return 1
    fix_of libheif "$LIBHEIF_SOURCE" "$LIBHEIF_FIX" "$work/fix.diff" || return 1

    local built; built=$(own_build "$tree" "libheif-$LIBHEIF_SHIPPED" "$LIBHEIF_BUILD") || return 1
    local own=${built##* } builddir=${built% *}
    log "libheif: the package's own build took $own s"
    local deployed=$work/deployed
    mkdir -p "$deployed" && cp -a "$builddir/debian/libheif1/usr/lib/x86_64-linux-gnu"/libheif.so* "$deployed/" || return 1
    local target; target=$(readlink -f "$deployed/libheif.so.1")
    file -L "$target" | grep -q ', stripped' || { fail "$target is not stripped"; return 1; }

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build "$LIBHEIF_BUILD" \
        --target "$target" --cve "$LIBHEIF_CVE" --id libheif-cve-2024-41311 -o "$work/libheif.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/libheif.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "libheif: suture build took $build_time s"

    mkdir -p "$work/include/libheif" && cp "$tree/libheif/heif.h" "$builddir/obj-x86_64-linux-gnu/libheif/heif_version.h" "$work/include/libheif/" || return 1
    gcc -O2 -I"$work/include" -o "$work/overlay" "$LIBHEIF_HERE/libheif-overlay.c" -L"$deployed" -l:libheif.so.1 || return 1
    LD_LIBRARY_PATH=$deployed "$work/overlay" make "$work/base.heif" || { fail "encoding $work/base.heif failed"; return 1; }
    python3 "$LIBHEIF_HERE/libheif-overlay.py" "$work/base.heif" "$work/overlay.heif" || return 1
    LD_LIBRARY_PATH=$deployed "$work/overlay" "$work/overlay.heif" > "$work/overlay.out" 2>&1 & local p=$!
    STARTED+=("$p")
    wait_for "$work/overlay.out" '^decode=ok 0x0$' || return 1
    log "libheif: vulnerable before: process $p prints 'decode=ok 0x0'"

    started=$(now)
    "$SUTURE" apply -p "$p" "$work/libheif.patch" > "$work/apply.log" 2>&1 || { fail "suture apply failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    wait_for "$work/overlay.out" '^decode=error 2/121 .*zero width or height' || return 1
    kill -0 "$p" 2>/dev/null || { fail "process $p died"; return 1; }
    log "libheif: fixed after apply, same pid $p: $(tail -n 1 "$work/overlay.out")"

    local functions; functions=$(patch_functions "$work/libheif.patch")
    result libheif "$LIBHEIF_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/libheif.patch")" "$apply_ms"
}
