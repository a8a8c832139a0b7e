# cJSON CVE-2023-26819: parse_number, a static function of libcjson.so.1, rejected valid numbers
# longer than its 64-byte buffer; the fix allocates the buffer. Built with CMake through dh
# (dpkg-buildpackage); the target is the package's own stripped build of the version shipped
# before the fix (1.7.15-1+deb12u2; Debian 12 installs the fixed 1.7.15-1+deb12u4 today).


CJSON_CVE=CVE-2023-26819
CJSON_SOURCE=1.7.15-1+deb12u4
CJSON_SHIPPED=1.7.15-1+deb12u2
CJSON_FIX=0001-allocate-memory-for-the-temporary-buffer.patch
CJSON_LATER=(CVE-2025-57052.patch 0002-Fix-heap-buffer-overflow.patch "$CJSON_FIX")
CJSON_DEPS=(cmake debhelper)
CJSON_HERE=$(dirname "${BASH_SOURCE[0]}")

case_cjson() {
    local work=$1
    install_deps "${CJSON_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree cjson "$CJSON_SOURCE" "$CJSON_SHIPPED" 2 "${CJSON_LATER[@]}") || return 1
    fix_of cjson "$CJSON_SOURCE" "$CJSON_FIX" "$work/fix.diff" || return 1

    local built; built=$(own_build "$tree" "cjson-$CJSON_SHIPPED" 'dpkg-buildpackage -b -uc -us') || return 1
    local own=${built##* } builddir=${built% *}
    log "cjson: the package's own build took $own s"
    local deployed=$work/deployed
    mkdir -p "$deployed" && cp -a "$builddir/debian/libcjson1/usr/lib/x86_64-linux-gnu"/libcjson* "$deployed/" || return 1
    local target; target=$(readlink -f "$deployed/libcjson.so.1")

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build 'dpkg-buildpackage -b -uc -us' \
        --target "$target" --cve "$CJSON_CVE" --id cjson-cve-2023-26819 -o "$work/cjson.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/cjson.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "cjson: suture build took $build_time s"

    mkdir -p "$work/include/cjson" && cp "$tree/cJSON.h" "$work/include/cjson/"
    gcc -O2 -I"$work/include" -o "$work/number" "$CJSON_HERE/cjson-number.c" -L"$deployed" -l:libcjson.so.1 || return 1
    LD_LIBRARY_PATH=$deployed "$work/number" > "$work/number.out" 2>&1 & local p=$!
    STARTED+=("$p")
    wait_for "$work/number.out" '^parsed=no$' || return 1
    log "cjson: vulnerable before: process $p prints 'parsed=no'"

    started=$(now)
    "$SUTURE" apply -p "$p" "$work/cjson.patch" > "$work/apply.log" 2>&1 || { fail "suture apply failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    wait_for "$work/number.out" '^parsed=yes$' || return 1
    kill -0 "$p" 2>/dev/null || { fail "process $p died"; return 1; }
    log "cjson: fixed after apply, same pid $p"

    local functions; functions=$(patch_functions "$work/cjson.patch")
    result cjson "$CJSON_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/cjson.patch")" "$apply_ms"
}
