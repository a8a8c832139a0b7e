#!/usr/bin/env bash
# Suture benchmarks, one command: bench/run.sh [--runs N] [--only frozen,overhead,fleet,build,unwind]
#
# Builds what it needs (the suture NativeAOT binary into artifacts/ if missing or stale, the C
# targets, the C# harness), measures, prints a table and writes bench/results/latest.json.
# Needs root (apply/revert attach with ptrace). Every process the benchmark starts is killed at
# the end, also on failure or Ctrl-C. SUTURE=/path/to/suture measures another binary.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work="$root/bench/.work"
pids="$work/pids"
mkdir -p "$work" bench/results

harness=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$harness" ] && kill -0 "$harness" 2>/dev/null; then
        # The harness kills what it started on SIGTERM; give it a moment, then make sure.
        kill -TERM "$harness" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$harness" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$harness" 2>/dev/null || true
    fi
    if [ -s "$pids" ]; then
        # SIGTERM first (a herd then kills and reaps its 1,000 members; suture resumes its target),
        # then SIGKILL whatever is left, process groups included (written as negative ids).
        while read -r id; do
            [ "$id" -gt 0 ] 2>/dev/null && kill -TERM "$id" 2>/dev/null || true
        done <"$pids"
        sleep 0.3
        while read -r id; do
            kill -KILL -- "$id" 2>/dev/null || true
        done <"$pids"
        : >"$pids"
    fi
    rm -f /dev/shm/suture-bench-* 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -ne 0 ]; then
    echo "bench: run as root (suture apply/revert attach with ptrace)" >&2
    exit 1
fi
for tool in gcc make patch diff dotnet; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        scripts/install-deps.sh
        break
    fi
done

suture=${SUTURE:-}
if [ -z "$suture" ]; then
    suture="$root/artifacts/suture"
    # Publish when the binary is missing or older than any source, so figures match the code.
    if [ ! -x "$suture" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props -newer "$suture" -type f -print -quit)" ]; then
        echo "bench: publishing suture to artifacts/" >&2
        scripts/install-deps.sh
        dotnet publish src/Suture.Cli -r linux-x64 -c Release -o artifacts -nologo -v q -p:DebugType=None >&2
        rm -f artifacts/*.pdb artifacts/*.dbg
    fi
fi

echo "bench: building the harness" >&2
if ! dotnet build bench/Suture.Bench -c Release -o "$work/harness" -p:ArtifactsPath="$work/build" -nologo -v q \
    >"$work/harness-build.log" 2>&1; then
    cat "$work/harness-build.log" >&2
    exit 1
fi

echo "bench: building the unwind benchmark" >&2
if ! dotnet build bench/Suture.Bench.Unwind -c Release -o "$work/unwind" -p:ArtifactsPath="$work/build" -nologo -v q \
    >"$work/unwind-build.log" 2>&1; then
    cat "$work/unwind-build.log" >&2
    exit 1
fi

# In the background with `wait`, so that a signal to this script runs the trap at once.
dotnet "$work/harness/Suture.Bench.dll" --repo "$root" --suture "$suture" \
    --out "$root/bench/results/latest.json" --work "$work/run" --pids "$pids" --unwind "$work/unwind/Suture.Bench.Unwind.dll" "$@" &
harness=$!
wait "$harness"
