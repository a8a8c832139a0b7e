#!/usr/bin/env bash
# What signature verification costs every apply (docs/decisions.md, "Patch signatures"):
# builds the seed patch, signs it, then runs `suture verify` and `suture inspect` (same file read
# and parse, no cryptography) N times each. Prints the in-process figure `verify` reports (trust
# directory read, OpenSSL loaded, key imported, ECDSA P-256 verified) and the wall-time medians.
#   bench/verify-cost.sh [RUNS]    (default 50; SUTURE=path overrides artifacts/suture)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
suture=${SUTURE:-$PWD/artifacts/suture}
work=$(mktemp -d /tmp/suture-verify-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp examples/seed/foo.c "$work/" && (cd "$work" && gcc -o foo foo.c)
"$suture" build --source examples/seed --patch examples/seed/fix.diff --build 'gcc -o foo foo.c' \
    --target "$work/foo" -o "$work/foo.patch" >/dev/null 2>&1
"$suture" key generate -o "$work/k" --name bench >/dev/null
mkdir -m 755 "$work/trust" && cp "$work/k.pub" "$work/trust/"
"$suture" sign "$work/foo.patch" --key "$work/k.key" >/dev/null
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall() { # COMMAND...: wall ms of one run
    local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'
}
inproc=$(for _ in $(seq "$runs"); do "$suture" verify "$work/foo.patch" --trust-dir "$work/trust" | sed -E 's/.* verified in ([0-9.]+) ms$/\1/'; done | median)
verify=$(for _ in $(seq "$runs"); do wall "$suture" verify "$work/foo.patch" --trust-dir "$work/trust"; done | median)
inspect=$(for _ in $(seq "$runs"); do wall "$suture" inspect "$work/foo.patch"; done | median)
echo "runs: $runs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "verify, in process (trust dir + OpenSSL load + verify): median $inproc ms"
echo "wall: suture verify median $verify ms, suture inspect median $inspect ms, difference $(awk -v a="$verify" -v b="$inspect" 'BEGIN { printf "%.2f", a - b }') ms"
