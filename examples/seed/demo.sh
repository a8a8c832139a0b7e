#!/usr/bin/env bash
# The seed example, live: start foo, patch it, look at its own output, revert, look again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suture=${SUTURE:-$here/../../artifacts/suture}
work=$(mktemp -d /tmp/suture-demo-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

cp "$here/foo.c" "$work/"
(cd "$work" && gcc -o foo foo.c)
sha_before=$(sha256sum "$work/foo" | cut -d' ' -f1)
"$work/foo" > "$work/output.txt" &
pid=$!
show() { sleep "$1"; echo "--- foo (pid $pid) printed:"; tail -n 2 "$work/output.txt" | sed 's/^/    /'; }

show 2
echo "--- suture build"
"$suture" build --source "$here" --patch "$here/fix.diff" --build 'gcc -o foo foo.c' \
    --target "$work/foo" --id seed-fix --cve CVE-2026-0001 --description "say tralala" -o "$work/foo.patch"
echo "--- suture key generate, sign, verify (a demo key; hosts trust the keys in /etc/suture/trusted-keys/)"
"$suture" key generate -o "$work/demo" --name "suture demo"
mkdir -m 755 "$work/trusted-keys" && cp "$work/demo.pub" "$work/trusted-keys/"
export SUTURE_TRUST_DIR="$work/trusted-keys"
"$suture" sign "$work/foo.patch" --key "$work/demo.key"
"$suture" verify "$work/foo.patch"
echo "--- suture inspect"
"$suture" inspect "$work/foo.patch"
echo "--- suture apply"
"$suture" apply -p "$pid" "$work/foo.patch"
show 2.2
echo "--- suture status"
"$suture" status -p "$pid"
echo "--- suture revert"
"$suture" revert -p "$pid"
show 2.2
sha_after=$(sha256sum "$work/foo" | cut -d' ' -f1)
[ "$sha_before" = "$sha_after" ] && echo "--- foo on disk is unchanged ($sha_after)"
