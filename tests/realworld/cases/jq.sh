# jq CVE-2026-33947: jv_getpath, jv_setpath and jv_delpaths recursed once per element of the path
# with no limit, so a deep enough path overflowed the stack; the fix rejects paths deeper than
# 10,000 ("Path too deep"). The library is the stripped libjq.so.1 apt-get installed (1.6-2.1+deb12u1),
# patched in place from the source package (autotools and libtool through dh) in a running jq, the
# command-line program that apt-get installed with it.

JQ_CVE=CVE-2026-33947
JQ_SOURCE=1.6-2.1+deb12u2          # the security update; its patches are reversed to get ...
JQ_SHIPPED=1.6-2.1+deb12u1         # ... the version Debian shipped before it (the installed one)
JQ_FIX=CVE-2026-33947.patch
JQ_LATER=(CVE-2026-54679-3.patch CVE-2026-54679-2.patch CVE-2026-54679-1.patch
    GHSA-ggc9-rpv2-xgpm_and_GHSA-gvwx-xj9r-3frq.patch CVE-2026-49839.patch CVE-2026-47770.patch
    CVE-2026-43894.patch CVE-2026-44777.patch CVE-2026-43895.patch CVE-2026-43896.patch
    CVE-2026-41257.patch CVE-2026-41256.patch CVE-2026-40164.patch CVE-2026-39979.patch
    CVE-2026-39956.patch CVE-2026-33948.patch CVE-2026-33947.patch CVE-2026-32316.patch)
JQ_DEPS=(debhelper bison flex libonig-dev libtool rake ruby-ronn valgrind jq)
JQ_DEPTH=10001

case_jq() {
    local work=$1
    install_deps "${JQ_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree jq "$JQ_SOURCE" "$JQ_SHIPPED" 1 "${JQ_LATER[@]}") || return 1
    fix_of jq "$JQ_SOURCE" "$JQ_FIX" "$work/fix.diff" || return 1

    # The package's own build without its test suite (which runs every test under valgrind, tens of
    # minutes on a loaded machine), as suture's work trees build it (DEB_BUILD_OPTIONS=nocheck).
    local built; built=$(own_build "$tree" "jq-$JQ_SHIPPED" 'DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -b -uc -us') || return 1
    local own=${built##* } builddir=${built% *}
    log "jq: the package's own build took $own s"

    local target installed libdir=
    installed=$(dpkg-query -W -f '${Version}' libjq1 2>/dev/null)
    target=$(readlink -f /usr/lib/x86_64-linux-gnu/libjq.so.1)
    if [ "$installed" != "$JQ_SHIPPED" ]; then
        log "jq: the installed libjq1 is $installed, not $JQ_SHIPPED: patching the package's own stripped build instead"
        libdir=$work/deployed
        mkdir -p "$libdir" && cp -a "$builddir/debian/libjq1/usr/lib/x86_64-linux-gnu"/libjq.so.1* "$libdir/" || return 1
        target=$(readlink -f "$libdir/libjq.so.1")
    fi

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build 'dpkg-buildpackage -b -uc -us' \
        --target "$target" --cve "$JQ_CVE" --id jq-cve-2026-33947 -o "$work/jq.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/jq.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "jq: suture build took $build_time s"

    # The installed jq reads one depth per line, every 50 ms, and looks up a path that deep.
    local filter='tonumber as $n | try (null | getpath([range($n) | 0]) | "getpath depth \($n): ok") catch "getpath depth \($n): \(.)"'
    LD_LIBRARY_PATH=$libdir /usr/bin/jq --unbuffered -rR "$filter" \
        < <(while echo "$JQ_DEPTH"; do sleep 0.05; done 2>/dev/null) > "$work/jq.out" 2>&1 & local p=$!
    STARTED+=("$p")
    wait_for "$work/jq.out" "^getpath depth $JQ_DEPTH: ok\$" || return 1
    grep -q "$target" "/proc/$p/maps" || { fail "jq ($p) did not load $target"; return 1; }
    log "jq: vulnerable before: jq ($p) prints 'getpath depth $JQ_DEPTH: ok'"

    started=$(now)
    "$SUTURE" apply -p "$p" "$work/jq.patch" > "$work/apply.log" 2>&1 || { fail "suture apply failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    wait_for "$work/jq.out" "^getpath depth $JQ_DEPTH: Path too deep\$" || return 1
    kill -0 "$p" 2>/dev/null || { fail "process $p died"; return 1; }
    log "jq: fixed after apply, same pid $p"

    local functions; functions=$(patch_functions "$work/jq.patch")
    result jq "$JQ_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/jq.patch")" "$apply_ms"
}
