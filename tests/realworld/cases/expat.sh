# expat CVE-2024-50602: a shared library patched with -p all in a C program and in perl (which
# dlopen()s it), while a process using another copy is left alone; the library is the stripped
# one apt-get installed, patched in place from the source package, built with dpkg-buildpackage.
# The fix adds an assert (and renumbers the __LINE__ of every later assert in the file).

EXPAT_CVE=CVE-2024-50602
EXPAT_SOURCE=2.5.0-1+deb12u2       # the security update; its newest patches are reversed to get ...
EXPAT_SHIPPED=2.5.0-1+deb12u1      # ... the version Debian shipped before it (the installed one)
EXPAT_FIX=expat-2.5.0-CVE-2024-50602.patch
EXPAT_LATER=(expat-2.5.0-CVE-2024-8176.patch expat-2.5.0-CVE-2024-50602.patch expat-2.5.0-CVE-2023-52425.patch)
EXPAT_DEPS=(debhelper docbook-to-man docbook2x libexpat1-dev libffi-platypus-perl)
EXPAT_HERE=$(dirname "${BASH_SOURCE[0]}")

expat_build_id() { readelf -n "$1" | awk '/Build ID/ { print $3 }'; }

case_expat() {
    local work=$1
    install_deps "${EXPAT_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree expat "$EXPAT_SOURCE" "$EXPAT_SHIPPED" 1 "${EXPAT_LATER[@]}") || return 1
    sed -i '/XML_SetReparseDeferralEnabled/d' "$tree/debian/libexpat1.symbols" # added by CVE-2023-52425
    fix_of expat "$EXPAT_SOURCE" "$EXPAT_FIX" "$work/fix.diff" || return 1

    # The package's own build: its time, and a second copy of the library (another Build ID).
    local built; built=$(own_build "$tree" "expat-$EXPAT_SHIPPED" 'dpkg-buildpackage -b -uc -us') || return 1
    local own=${built##* } builddir=${built% *}
    local copy=$builddir/debian/libexpat1/lib/x86_64-linux-gnu
    log "expat: the package's own build took $own s"

    local target installed
    installed=$(dpkg-query -W -f '${Version}' libexpat1 2>/dev/null)
    target=$(readlink -f /usr/lib/x86_64-linux-gnu/libexpat.so.1)
    if [ "$installed" != "$EXPAT_SHIPPED" ]; then
        log "expat: the installed libexpat1 is $installed, not $EXPAT_SHIPPED: patching the package's own stripped build instead"
        mkdir -p "$work/deployed" && cp -a "$copy"/libexpat.so.1* "$work/deployed/"
        target=$work/deployed/libexpat.so.1.8.10
        copy=$work/other && mkdir -p "$copy" && cp -a "$builddir/build/lib/.libs"/libexpat.so.1* "$copy/"
    fi
    if [ "$(expat_build_id "$copy/libexpat.so.1")" = "$(expat_build_id "$target")" ]; then
        # The package's own build reproduced the target bit for bit (same gcc as the buildd): the
        # copy to leave alone is the same objects linked again with another Build ID.
        log "expat: the package's own build has the target's Build ID; linking its objects again with another one for the process to leave alone"
        copy=$work/other-id && mkdir -p "$copy"
        gcc -shared -fPIC -Wl,--whole-archive "$work/own/build/lib/.libs/libexpatinternal.a" -Wl,--no-whole-archive -lm \
            -Wl,-soname,libexpat.so.1 -Wl,--build-id=0x5e7e5e7e5e7e5e7e5e7e5e7e5e7e5e7e5e7e5e7e -o "$copy/libexpat.so.1" || return 1
    fi

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build 'dpkg-buildpackage -b -uc -us' \
        --target "$target" --cve "$EXPAT_CVE" --id expat-cve-2024-50602 -o "$work/expat.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/expat.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "expat: suture build took $build_time s"

    gcc -O2 -o "$work/stopparser" "$EXPAT_HERE/expat-stopparser.c" -lexpat || return 1
    local lib_dir; lib_dir=$(dirname "$target")
    LD_LIBRARY_PATH=$lib_dir "$work/stopparser" > "$work/c.out" 2>&1 & local c=$!
    LD_LIBRARY_PATH=$lib_dir perl "$EXPAT_HERE/expat-stopparser.pl" > "$work/perl.out" 2>&1 & local pl=$!
    LD_LIBRARY_PATH=$copy "$work/stopparser" > "$work/other.out" 2>&1 & local other=$!
    STARTED+=("$c" "$pl" "$other")
    local ok=0
    wait_for "$work/c.out" '^stop=1 err=0$' && wait_for "$work/perl.out" '^stop=1 err=0$' && wait_for "$work/other.out" '^stop=1 err=0$' || ok=1
    grep -q "$target" "/proc/$pl/maps" || { fail "perl did not load $target"; ok=1; }
    [ $ok -eq 0 ] || return 1
    log "expat: vulnerable before: C ($c) and perl ($pl) print 'stop=1 err=0', other copy ($other) too"

    started=$(now)
    "$SUTURE" apply -p all "$work/expat.patch" > "$work/apply.log" 2>&1 || { fail "suture apply -p all failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    wait_for "$work/c.out" '^stop=0 err=44$' && wait_for "$work/perl.out" '^stop=0 err=44$' || return 1
    # The other copy keeps printing the vulnerable answer after the apply (two more lines).
    local lines; lines=$(wc -l < "$work/other.out")
    wait_lines "$work/other.out" $((lines + 1)) && wait_for "$work/other.out" '^stop=1 err=0$' || return 1
    for p in "$c" "$pl" "$other"; do kill -0 "$p" 2>/dev/null || { fail "process $p died"; return 1; }; done
    log "expat: fixed after apply, same pids $c (C) and $pl (perl); the other copy ($other) still vulnerable"

    local functions; functions=$(patch_functions "$work/expat.patch")
    result expat "$EXPAT_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/expat.patch")" "$apply_ms"
}
