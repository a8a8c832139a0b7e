# haproxy CVE-2025-32464: sample_conv_regsub() checked the room left in its replacement buffer
# instead of the output buffer, so "regsub(match,replacement,g)" with replacements longer than the
# matches wrote past the end of the trash buffer. A multi-threaded daemon (nbthread 4) under load
# from ab, with the patched function hot while the patch is applied; the function is static and
# reached only through a function pointer (the "regsub" entry of the sample converter keyword
# table). Built with make through dh (dpkg-buildpackage -B); the target is the package's own
# stripped /usr/sbin/haproxy of 2.6.12-1+deb12u1, the version shipped before the fix.
#
# The trigger: header X of 2049 "a"s; each becomes "bbbbbbbb", 16392 bytes for a 16384-byte
# buffer. glibc's malloc(16384) has 8 bytes of slack, so the overflow is harmless here and the
# converter's own answer shows it: len=16392 while vulnerable, len=16384 (truncated) once fixed.

HAPROXY_CVE=CVE-2025-32464
HAPROXY_SOURCE=2.6.12-1+deb12u3
HAPROXY_SHIPPED=2.6.12-1+deb12u1
HAPROXY_FIX=0001-BUG-MEDIUM-sample-fix-risk-of-overflow-when-replacin.patch
HAPROXY_LATER=(0001-BUG-CRITICAL-mjson-fix-possible-DoS-when-parsing-num.patch "$HAPROXY_FIX")
HAPROXY_DEPS=(debhelper libpcre2-dev libssl-dev liblua5.3-dev libsystemd-dev python3-sphinx libopentracing-c-wrapper-dev pkg-config apache2-utils curl)
HAPROXY_BUILD='dpkg-buildpackage -B -uc -us'
HAPROXY_HERE=$(dirname "${BASH_SOURCE[0]}")

# cpu_ticks PID: user + system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# wait_cpu PID TICKS SECONDS: waits until PID has used TICKS more clock ticks.
wait_cpu() {
    local pid=$1 until=$(( $(cpu_ticks "$1") + $2 )) deadline=$(( $(date +%s) + $3 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        [ "$(cpu_ticks "$pid")" -ge "$until" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    fail "process $pid did not use $2 more clock ticks within $3 s"
}

case_haproxy() {
    local work=$1
    install_deps "${HAPROXY_DEPS[@]}" || return 1
    local tree
    tree=$(shipped_tree haproxy "$HAPROXY_SOURCE" "$HAPROXY_SHIPPED" 2 "${HAPROXY_LATER[@]}") || return 1
    fix_of haproxy "$HAPROXY_SOURCE" "$HAPROXY_FIX" "$work/fix.diff" || return 1

    local built; built=$(own_build "$tree" "haproxy-$HAPROXY_SHIPPED" "$HAPROXY_BUILD") || return 1
    local own=${built##* } builddir=${built% *}
    log "haproxy: the package's own build took $own s"
    local target=$builddir/debian/haproxy/usr/sbin/haproxy
    file -L "$target" | grep -q ', stripped' || { fail "$target is not stripped"; return 1; }

    local started=$(now)
    "$SUTURE" build --source "$tree" --patch "$work/fix.diff" --build "$HAPROXY_BUILD" \
        --target "$target" --cve "$HAPROXY_CVE" --id haproxy-cve-2025-32464 -o "$work/haproxy.patch" > "$work/suture-build.log" 2>&1 \
        || { fail "suture build failed: $(grep -m1 '^error' "$work/suture-build.log")"; return 1; }
    sign_patch "$work/haproxy.patch" || { fail "suture sign failed"; return 1; }
    local build_time; build_time=$(elapsed "$started")
    log "haproxy: suture build took $build_time s"

    local port
    for port in $(shuf -i 20000-60000 -n 20); do
        ss -Hltn "sport = :$port" | grep -q . || break
    done
    HAPROXY_PORT=$port "$target" -db -f "$HAPROXY_HERE/haproxy.cfg" > "$work/haproxy.out" 2>&1 & local h=$!
    STARTED+=("$h")
    local url=http://127.0.0.1:$port/ long short
    long=$(printf 'a%.0s' $(seq 2049))
    short=$(printf 'a%.0s' $(seq 100))
    local deadline=$(( $(date +%s) + 30 ))
    until curl -sf -H "X: $short" "$url" > /dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] && kill -0 "$h" 2>/dev/null || { fail "haproxy ($h) does not answer on port $port: $(cat "$work/haproxy.out")"; return 1; }
        sleep 0.1
    done
    [ "$(ls "/proc/$h/task" | wc -l)" -ge 4 ] || { fail "haproxy ($h) runs $(ls "/proc/$h/task" | wc -l) threads, not 4"; return 1; }
    local before; before=$(curl -sf -H "X: $long" "$url")
    [ "$before" = "len=16392" ] || { fail "haproxy ($h) answered '$before', not the vulnerable 'len=16392'"; return 1; }
    log "haproxy: vulnerable before: process $h answers '$before' for 2049 matches in a 16384-byte buffer"

    # ab keeps 8 connections busy until it is interrupted; sample_conv_regsub runs on every request.
    ab -k -c 8 -t 600 -n 50000000 -H "X: $short" "$url" > "$work/ab.out" 2>&1 & local load=$!
    STARTED+=("$load")
    wait_cpu "$h" 100 60 || return 1
    started=$(now)
    "$SUTURE" apply -p "$h" --timeout 60 "$work/haproxy.patch" > "$work/apply.log" 2>&1 || { fail "suture apply failed: $(cat "$work/apply.log")"; return 1; }
    local apply_ms; apply_ms=$(ms_since "$started")
    kill -0 "$load" 2>/dev/null || { fail "ab ended before the apply did: $(cat "$work/ab.out")"; return 1; }
    wait_cpu "$h" 100 60 || return 1
    kill -INT "$load"
    wait "$load" 2>/dev/null
    local complete failed
    complete=$(awk '/^Complete requests:/ { print $3 }' "$work/ab.out")
    failed=$(awk '/^Failed requests:/ { print $3 }' "$work/ab.out")
    [ -n "$complete" ] && [ "$complete" -gt 0 ] && [ "$failed" = 0 ] && ! grep -q '^Non-2xx' "$work/ab.out" \
        || { fail "ab: $complete complete, $failed failed: $(grep -E 'requests|Non-2xx' "$work/ab.out")"; return 1; }
    log "haproxy: ab under the apply: $complete requests, 0 failed"

    local after; after=$(curl -sf -H "X: $long" "$url")
    [ "$after" = "len=16384" ] || { fail "haproxy ($h) answered '$after' after the apply, not 'len=16384'"; return 1; }
    kill -0 "$h" 2>/dev/null || { fail "haproxy ($h) died"; return 1; }
    log "haproxy: fixed after apply, same pid $h: '$after'"

    local functions; functions=$(patch_functions "$work/haproxy.patch")
    result haproxy "$HAPROXY_CVE" "$functions" "$own" "$build_time" "$(stat -c %s "$work/haproxy.patch")" "$apply_ms ($complete requests, 0 failed)"
}
