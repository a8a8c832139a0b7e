#!/usr/bin/env bash
# Exec-to-patched latency and footprint of `suture agent run` (docs/agent.md, "Watching new
# processes"): an offline agent with one signed patch for bench/targets/agent-target.c; RUNS
# times a fresh target is started and the probe (bench/targets/agent-probe.c) times, from just
# before execve and from main's start, until memfd:suture shows in its maps. Then the agent's
# RSS and CPU: idle for IDLE seconds, and while MANY targets started at once (each calling the
# vulnerable function every 10 ms) are patched: the time until all of them are, the agent's CPU
# and peak RSS over that time, and its idle figures again afterwards. Bounded and self-stopping:
# the bench stops the targets once all are patched or after DEADLINE seconds, and each target
# exits by itself after LIFETIME ms should the bench be killed before it can.
#   bench/agent-exec-latency.sh [RUNS] [MANY]   (defaults 50, 1000; SUTURE=path overrides
#   artifacts/suture; MECHANISM=rescan forces the /proc rescan; IDLE=10; DEADLINE=300;
#   LIFETIME=600000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
many=${2:-1000}
idle=${IDLE:-10}
deadline=${DEADLINE:-300}
lifetime=${LIFETIME:-600000}
suture=${SUTURE:-$PWD/artifacts/suture}
work=$(mktemp -d /tmp/suture-agent-bench.XXXXXX)
agent=
targets=()
cleanup() {
    if [ "${#targets[@]}" -gt 0 ]; then kill -TERM "${targets[@]}" 2>/dev/null || true; wait "${targets[@]}" 2>/dev/null || true; fi
    if [ -n "$agent" ] && kill -0 "$agent" 2>/dev/null; then kill -TERM "$agent"; wait "$agent" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/src" "$work/store" "$work/state" "$work/cache" "$work/hoststate"
cp bench/targets/agent-target.c "$work/src/"
(cd "$work/src" && gcc -g -o agent-target agent-target.c)
gcc -O2 -o "$work/probe" bench/targets/agent-probe.c
"$suture" build --source "$work/src" --patch bench/targets/agent-target.diff --build 'gcc -g -o agent-target agent-target.c' \
    --target "$work/src/agent-target" --id agent-bench -o "$work/store/agent-bench.patch" >/dev/null
"$suture" key generate -o "$work/k" --name bench >/dev/null
mkdir -m 755 "$work/trust" && cp "$work/k.pub" "$work/trust/"
"$suture" sign "$work/store/agent-bench.patch" --key "$work/k.key" >/dev/null
cat >"$work/agent.json" <<JSON
{ "mode": "offline", "storeDirectory": "$work/store", "stateDirectory": "$work/state",
  "cacheDirectory": "$work/cache", "trustDirectory": "$work/trust", "storeRescanSeconds": 3600 }
JSON
SUTURE_AGENT_CONFIG="$work/agent.json" SUTURE_STATE_DIR="$work/hoststate" SUTURE_AGENT_EVENTS=${MECHANISM:-auto} \
    "$suture" agent run 2>"$work/agent.log" &
agent=$!
for _ in $(seq 300); do grep -q 'watching new processes' "$work/agent.log" && break; sleep 0.1; done
grep -q 'watching new processes' "$work/agent.log" || { cat "$work/agent.log"; echo "the agent did not start watching" >&2; exit 1; }
for _ in $(seq 300); do grep -q ' directive(s); ' "$work/agent.log" && break; sleep 0.1; done # the first store read and reconcile

stats() { # COLUMN: "median X ms, p90 Y ms" of the probe's output
    awk -v c="$1" '$1 != "timeout" { print $c }' "$work/latency" | sort -n | awk '{ a[NR] = $1 }
        END { if (NR == 0) { print "no samples"; exit } p = int(NR * 0.9 + 0.999); if (p > NR) p = NR
              printf "median %.1f ms, p90 %.1f ms, max %.1f ms", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2, a[p], a[NR] }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$agent/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$agent/status"; }
hz=$(getconf CLK_TCK)

"$work/probe" "$work/src/agent-target" "$runs" >"$work/latency"
timeouts=$(grep -c timeout "$work/latency" || true)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(grep -o 'watching new processes through the [^:;]*' "$work/agent.log" | head -1 | sed 's/watching new processes through the //')"
echo "exec to patched ($runs runs, $timeouts not patched in 10 s): $(stats 1)"
echo "main to patched (the new process ran unpatched code this long): $(stats 2)"

t0=$(cpu_ticks); r0=$(rss_kb); sleep "$idle"; t1=$(cpu_ticks); r1=$(rss_kb)
echo "idle ${idle} s: CPU $(awk -v a="$t0" -v b="$t1" -v h="$hz" -v s="$idle" 'BEGIN { printf "%.2f", (b - a) / h / s * 100 }') %, RSS ${r0} -> ${r1} kB"

patched_count() { # how many of the targets map the patch now
    printf '/proc/%s/maps\n' "${targets[@]}" | xargs grep -l -s memfd:suture 2>/dev/null | wc -l
}
start=$(date +%s%N); t0=$(cpu_ticks)
for _ in $(seq "$many"); do "$work/src/agent-target" "$lifetime" 10000 3>/dev/null >/dev/null & targets+=($!); done
spawned=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
peak=0 done=0
while :; do
    r=$(rss_kb); [ "$r" -gt "$peak" ] && peak=$r
    done=$(patched_count)
    [ "$done" -ge "$many" ] && break
    [ $(( ($(date +%s%N) - start) / 1000000000 )) -ge "$deadline" ] && break
    sleep 0.5
done
t1=$(cpu_ticks); end=$(date +%s%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
echo "$many targets started at once (in ${spawned} s): $done patched after ${seconds} s (deadline ${deadline} s);" \
    "agent CPU $(awk -v a="$t0" -v b="$t1" -v h="$hz" 'BEGIN { printf "%.2f", (b - a) / h }') s over that time," \
    "peak RSS ${peak} kB (VmHWM $(awk '/^VmHWM/ { print $2 }' "/proc/$agent/status") kB); load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -c '^suture agent: apply succeeded' "$work/agent.log" | sed 's/^/agent log: applies succeeded: /'
grep -E '^suture agent: apply (failed|busy|exited)' "$work/agent.log" | sed -E 's/: process [0-9]+ .*//' | sort | uniq -c | sed 's/^/agent log: /' || true

t0=$(cpu_ticks); r0=$(rss_kb); sleep "$idle"; t1=$(cpu_ticks); r1=$(rss_kb)
echo "idle ${idle} s with the $many patched targets running: CPU $(awk -v a="$t0" -v b="$t1" -v h="$hz" -v s="$idle" 'BEGIN { printf "%.2f", (b - a) / h / s * 100 }') %, RSS ${r0} -> ${r1} kB"
kill -TERM "${targets[@]}" 2>/dev/null || true; wait "${targets[@]}" 2>/dev/null || true; targets=()
t0=$(cpu_ticks); sleep "$idle"; t1=$(cpu_ticks)
echo "idle ${idle} s after they ended: CPU $(awk -v a="$t0" -v b="$t1" -v h="$hz" -v s="$idle" 'BEGIN { printf "%.2f", (b - a) / h / s * 100 }') %, RSS $(rss_kb) kB"
kill -TERM "$agent"; wait "$agent" || { echo "the agent exited $? on SIGTERM" >&2; tail -5 "$work/agent.log" >&2; exit 1; }
agent=
echo "SIGTERM: the agent exited 0: $(tail -1 "$work/agent.log")"
