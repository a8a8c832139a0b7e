# giflib CVE-2026-26740: EGifGCBToSavedExtension wrote a graphics control block's 4 bytes into a
# saved image's existing graphics control extension block without checking its size (a heap
# overflow); the fix refuses a block of fewer than 4 bytes. A C library built by a plain Makefile
# through dh; the target is the stripped libgif.so.7 apt-get installed (5.2.1-2.5) where the
# rebuild reproduces it, else the package's own stripped build (see below).

GIFLIB_CVE=CVE-2026-26740
GIFLIB_SOURCE=5.2.1-2.5+deb12u1    # the security update; its patches are reversed to get ...
GIFLIB_SHIPPED=5.2.1-2.5           # ... the version Debian shipped before it
GIFLIB_FIX=CVE-2026-26740.patch
GIFLIB_LATER=(CVE-2026-26740.patch CVE-2026-23868.patch)
GIFLIB_DEPS=(debhelper xmlto)
GIFLIB_HERE=$(dirname "${BASH_SOURCE[0]}")

case_giflib() {
    local work=$1
    install_deps "${GIFLIB_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree giflib "$GIFLIB_SOURCE" "$GIFLIB_SHIPPED" 1 "${GIFLIB_LATER[@]}") || return 1
    fix_of giflib "$GIFLIB_SOURCE" "$GIFLIB_FIX" "$work/fix.diff" || return 1

    local built; built=$(own_build "$tree" "giflib-$GIFLIB_SHIPPED" 'dpkg-buildpackage -b -uc -us') || return 1
    local own=${built##* } builddir=${built% *}
    log "giflib: the package's own build took $own s"

    local deployed=$work/deployed
    mkdir -p "$deployed" && cp -a "$builddir/debian/libgif7/usr/lib/x86_64-linux-gnu"/libgif.so.7* "$deployed/" || return 1
    local target; target=$(readlink -f "$deployed/libgif.so.7")

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build 'dpkg-buildpackage -b -uc -us' \
        --target "$target" --cve "$GIFLIB_CVE" --id giflib-cve-2026-26740 -o "$work/giflib.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/giflib.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "giflib: suture build took $build_time s"

    gcc -O2 -I"$tree" -o "$work/gcb" "$GIFLIB_HERE/giflib-gcb.c" -L"$deployed" -l:libgif.so.7 || return 1
    LD_LIBRARY_PATH=$deployed "$work/gcb" > "$work/gcb.out" 2>&1 & local p=$!
    STARTED+=("$p")
    wait_for "$work/gcb.out" '^gcb=written block=1 bytes$' || return 1
    log "giflib: vulnerable before: process $p prints 'gcb=written block=1 bytes'"

    started=$(now)
    "$SUTURE" apply -p "$p" "$work/giflib.patch" > "$work/apply.log" 2>&1 || { fail "suture apply failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    wait_for "$work/gcb.out" '^gcb=refused block=1 bytes$' || return 1
    kill -0 "$p" 2>/dev/null || { fail "process $p died"; return 1; }
    log "giflib: fixed after apply, same pid $p"

    local functions; functions=$(patch_functions "$work/giflib.patch")
    result giflib "$GIFLIB_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/giflib.patch")" "$apply_ms"
}
