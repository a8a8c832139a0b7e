#!/usr/bin/env bash
# The real-world corpus: real CVE fixes of Debian 12 source packages, built with `suture build`
# and applied live to running processes. Usage: tests/realworld/run.sh [CASE...] (default: all).
# Needs root (apt-get, ptrace) and network to deb.debian.org on the first run; downloads are
# cached in $REALWORLD_CACHE (default /var/cache/suture-realworld). Ends with "N passed, N failed"
# and the table of docs/realworld.md in $REALWORLD_CACHE/results.tsv.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ALL=(cjson expat giflib haproxy jq libheif)
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=("${ALL[@]}")
[ -n "$SUTURE" ] || { log "no suture binary: run ./setup.sh or dotnet build first (or set SUTURE)"; exit 1; }

mkdir -p "$CACHE"
RESULTS=$CACHE/results.tsv
: > "$RESULTS"
STARTED=()
WORK=$(mktemp -d /tmp/suture-realworld.XXXXXX)
cleanup() { kill_started "${STARTED[@]}"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
for name in "${CASES[@]}"; do
    if [ ! -f "$HERE/cases/$name.sh" ]; then
        log "no case $name (cases: ${ALL[*]})"; failed=$((failed + 1)); continue
    fi
    . "$HERE/cases/$name.sh"
    mkdir -p "$WORK/$name"
    if "case_${name//-/_}" "$WORK/$name"; then
        log "PASS $name"; passed=$((passed + 1))
    else
        log "FAIL $name (work files in $WORK/$name; KEEP=1 keeps them)"; failed=$((failed + 1))
    fi
    kill_started "${STARTED[@]}"; STARTED=()
done

printf '\n| case | CVE | functions | package build (s) | suture build (s) | patch (bytes) | apply -p all (ms) |\n| --- | --- | --- | --- | --- | --- | --- |\n'
while IFS=$'\t' read -r c cve fn own build size apply; do
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$cve" "$fn" "$own" "$build" "$size" "$apply"
done < "$RESULTS"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
