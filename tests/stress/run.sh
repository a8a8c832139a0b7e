#!/usr/bin/env bash
# The stress suite (docs/stress.md): attacks apply, revert and level replace on a live
# multi-threaded target and checks after every run that the target is unharmed and that a fresh
# suture can still manage it. Prints runs and failures by kind; the last line is
# "N passed, N failed" (one run is one check).
#
#   tests/stress/run.sh            full mode: every strace kill point, 1,000 random kills, ...
#   tests/stress/run.sh --quick    seeded sample of every kind, a few minutes (CI runs this)
#   options: --seed N (default 1), --only KIND[,KIND...] (killpoint, randomkill, signal,
#            unstoppable, concurrent, fuzz, inspect, mutant)
#   SUTURE=path/to/suture overrides the binary (default: artifacts/suture, published if missing).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

MODE=full
SEED=1
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) MODE=quick ;;
        --seed) SEED=$2; shift ;;
        --only) ONLY=$2; shift ;;
        *) echo "usage: tests/stress/run.sh [--quick] [--seed N] [--only KIND,...]" >&2; exit 2 ;;
    esac
    shift
done
RANDOM=$SEED

if [ "$MODE" = quick ]; then
    KILLPOINTS_PER_OP=12; RANDOM_KILLS=30; SIGNAL_RUNS=10; UNSTOPPABLE_RUNS=1; CONCURRENT_RUNS=5
    FUZZ_INPUTS=50000; INSPECT_SAMPLE=200; MUTANT_APPLIES=100
else
    KILLPOINTS_PER_OP=0; RANDOM_KILLS=1000; SIGNAL_RUNS=100; UNSTOPPABLE_RUNS=3; CONCURRENT_RUNS=100
    FUZZ_INPUTS=1000000; INSPECT_SAMPLE=2000; MUTANT_APPLIES=10000
fi

command -v strace >/dev/null || { echo "stress: strace is required (scripts/install-deps.sh installs it)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "stress: python3 is required (scripts/install-deps.sh installs it)" >&2; exit 1; }
SUTURE=${SUTURE:-$ROOT/artifacts/suture}
if [ ! -x "$SUTURE" ]; then
    echo "stress: publishing $SUTURE" >&2
    dotnet publish src/Suture.Cli -r linux-x64 -c Release -o artifacts -v quiet -nologo -p:DebugType=None -p:StripSymbols=true >&2 || exit 1
fi

WORK=$(mktemp -d /tmp/suture-stress.XXXXXX)
TARGETS=()
cleanup() {
    for pgid in "${TARGETS[@]}"; do kill -9 -- "-$pgid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A RUNS FAILS
RUN_KIND=""
RUN_FAILED=0
note() { echo "stress: $*" >&2; }
FAILURES_LOG=${TMPDIR:-/tmp}/suture-stress-failures.log
failed() { # DETAIL: the current run failed (counted once per run, every detail logged)
    [ "$RUN_FAILED" -eq 0 ] && FAILS[$RUN_KIND]=$(( ${FAILS[$RUN_KIND]:-0} + 1 ))
    echo "FAIL $RUN_KIND: $*" | tee -a "$FAILURES_LOG" >&2
    RUN_FAILED=1
}
begin() { RUN_KIND=$1; RUNS[$1]=$(( ${RUNS[$1]:-0} + 1 )); RUN_FAILED=0; }
wanted() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
: > "$FAILURES_LOG"

# --- the target and its patches -------------------------------------------------------------
gcc -O2 -o "$WORK/runsig" tests/stress/runsig.c || exit 1
mkdir -p "$WORK/src"
cp tests/stress/target.c "$WORK/src/target.c"
BUILD='gcc -O1 -pthread -o target target.c'
(cd "$WORK/src" && eval "$BUILD") || exit 1
cp "$WORK/src/target" "$WORK/target"
make_diff() { # FROM TO NAME
    mkdir -p "$WORK/d/a" "$WORK/d/b"
    cp "$WORK/src/target.c" "$WORK/d/a/target.c"
    sed "s/return \"$1\";/return \"$2\";/" "$WORK/src/target.c" > "$WORK/d/b/target.c"
    (cd "$WORK/d" && diff -u a/target.c b/target.c > "$WORK/$3.diff")
}
make_diff old new level1
make_diff old two level2
for level in 1 2; do
    "$SUTURE" build --source "$WORK/src" --patch "$WORK/level$level.diff" --build "$BUILD" \
        --target "$WORK/target" --id stress --level $level -o "$WORK/l$level.patch" >/dev/null 2>"$WORK/build.log" \
        || { cat "$WORK/build.log" >&2; exit 1; }
done
L1=$WORK/l1.patch
L2=$WORK/l2.patch
# Signed, and trusted through SUTURE_TRUST_DIR, so every apply takes the default verified path.
"$SUTURE" key generate -o "$WORK/stress" --name "stress suite" >/dev/null || exit 1
mkdir -m 755 "$WORK/trusted-keys" && cp "$WORK/stress.pub" "$WORK/trusted-keys/"
export SUTURE_TRUST_DIR=$WORK/trusted-keys
for patch in "$L1" "$L2"; do "$SUTURE" sign "$patch" --key "$WORK/stress.key" >/dev/null || exit 1; done

PID=0
start_target() { # [vfork]
    setsid "$WORK/target" "$@" > "$WORK/out" 2>&1 &
    PID=$!
    disown "$PID" # its SIGKILL at the end of a run is no news
    TARGETS+=("$PID")
    for _ in $(seq 200); do [ -s "$WORK/out" ] && return 0; sleep 0.01; done
    echo "stress: the target does not start" >&2; exit 1
}
stop_target() {
    kill -9 -- "-$PID" 2>/dev/null
    for _ in $(seq 500); do [ -e "/proc/$PID" ] || break; sleep 0.01; done
    PID=0
}
restart_target() { stop_target; start_target "$@"; }

stopped_tasks() { # tasks of $PID in state t or T
    local t s
    for t in /proc/$PID/task/*; do
        s=$(sed -n 's/^State:\t\(.\).*/\1/p' "$t/status" 2>/dev/null)
        [[ "$s" == [tT] ]] && echo "${t##*/}"
    done
}
wait_until() { # SECONDS COMMAND...: poll COMMAND every 10 ms until it succeeds or SECONDS pass
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.01
    done
}
no_stopped_tasks() { [ -z "$(stopped_tasks)" ]; }

# The behaviour the target shows now (the last line it printed after at least one more line).
behaviour() {
    local n; n=$(wc -l < "$WORK/out")
    for _ in $(seq 300); do [ "$(wc -l < "$WORK/out")" -gt $((n + 1)) ] && break; sleep 0.01; done
    [ "$(wc -l < "$WORK/out")" -gt $((n + 1)) ] || { echo frozen; return; }
    tail -n 1 "$WORK/out"
}
expect_behaviour() { # WANT: wait up to 2 s for the target to show it
    local got
    for _ in $(seq 20); do got=$(behaviour); [ "$got" = "$1" ] && return 0; [ "$got" = frozen ] && break; sleep 0.1; done
    echo "$got"; return 1
}
active_level() { # from status: 0 none, else the active level; "error" if status fails
    local out
    out=$("$SUTURE" status -p "$PID" 2>&1) || { echo "error: $out" | head -1; return; }
    echo "$out" | sed -n 's/^  stress level \([0-9]*\) for .*(Build ID [0-9a-f]*)$/\1/p' | head -1 | grep . || echo 0
}
to_state() { # LEVEL: bring the target to level 0, 1 or 2 with suture
    local i
    for i in 1 2 3; do "$SUTURE" revert -p "$PID" >/dev/null 2>&1 || break; done
    [ "$1" -ge 1 ] && "$SUTURE" apply -p "$PID" "$L1" >/dev/null 2>&1
    [ "$1" -ge 2 ] && "$SUTURE" apply -p "$PID" "$L2" >/dev/null 2>&1
    [ "$(active_level)" = "$1" ]
}

# The invariants after every run (CONTEXT names the run in failure lines):
#  1. the target is alive and none of its threads stays stopped (t/T);
#  2. it shows the old or a new behaviour and what status says is what it runs;
#  3. a fresh revert (down to nothing), apply and revert work and leave it unpatched.
check() {
    local context=$1 s level want got
    if ! kill -0 "$PID" 2>/dev/null || [ "$(sed -n 's/^State:\t\(.\).*/\1/p' /proc/$PID/status 2>/dev/null)" = Z ]; then
        failed "dead: the target died ($context)"; restart_target; return
    fi
    for _ in $(seq 20); do s=$(stopped_tasks); [ -z "$s" ] && break; sleep 0.1; done
    [ -z "$s" ] || { failed "stopped: threads $(echo $s) of the target stay stopped ($context)"; restart_target; return; }
    got=$(behaviour)
    case "$got" in old|new|two) ;; *) failed "behaviour: the target shows '$got' ($context)"; restart_target; return ;; esac
    level=$(active_level)
    case "$level" in
        0) want=old ;; 1) want=new ;; 2) want=two ;;
        *) failed "status: $level ($context)"; restart_target; return ;;
    esac
    got=$(expect_behaviour "$want") || { failed "record: status says level $level but the target shows '$got' ($context)"; restart_target; return; }
    local out i
    for i in 1 2 3; do
        out=$("$SUTURE" revert -p "$PID" 2>&1); rc=$?
        [ $rc -eq 8 ] && break
        [ $rc -eq 0 ] || { failed "recover: revert exits $rc: $(echo "$out" | head -1) ($context, status said level $level)"; restart_target; return; }
    done
    got=$(expect_behaviour old) || { failed "recover: after reverting everything the target shows '$got' ($context)"; restart_target; return; }
    out=$("$SUTURE" apply -p "$PID" "$L1" 2>&1) || { failed "recover: apply exits $?: $(echo "$out" | head -1) ($context)"; restart_target; return; }
    got=$(expect_behaviour new) || { failed "recover: after a fresh apply the target shows '$got' ($context)"; restart_target; return; }
    out=$("$SUTURE" revert -p "$PID" 2>&1) || { failed "recover: revert exits $?: $(echo "$out" | head -1) ($context)"; restart_target; return; }
    got=$(expect_behaviour old) || { failed "recover: after the fresh revert the target shows '$got' ($context)"; restart_target; return; }
}

# An operation: its starting level and its command line.
op_level() { case $1 in apply) echo 0 ;; revert) echo 1 ;; replace) echo 1 ;; esac; }
op_args() { case $1 in apply) echo "apply -p $PID $L1" ;; revert) echo "revert -p $PID" ;; replace) echo "apply -p $PID $L2" ;; esac; }

start_target

# --- SIGKILL at every system-call point (strace fault injection) -------------------------------
if wanted killpoint; then
    for op in apply revert replace; do
        to_state "$(op_level $op)" || { note "cannot prepare $op"; restart_target; to_state "$(op_level $op)"; }
        # shellcheck disable=SC2046
        strace -f -qq -o "$WORK/trace" "$SUTURE" $(op_args $op) >/dev/null 2>&1
        # Points: syscall name and its Nth call, counted over all threads as strace -f numbers them.
        sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z0-9_]+) resumed>.*//p' "$WORK/trace" \
            | grep -v '^$' | sort | uniq -c | awk '{ for (i = 1; i <= $1; i++) print $2, i }' > "$WORK/points.$op"
        total=$(wc -l < "$WORK/points.$op")
        if [ "$KILLPOINTS_PER_OP" -gt 0 ]; then
            # Quick: the writes (where records and entries change) first, then a seeded sample.
            { grep -E '^(pwrite64|pwritev|process_vm_writev|write) ' "$WORK/points.$op" | awk -v s=$SEED 'BEGIN{srand(s)} {print rand(), $0}' | sort | head -n $((KILLPOINTS_PER_OP / 2)) | cut -d' ' -f2-
              awk -v s=$SEED 'BEGIN{srand(s)} {print rand(), $0}' "$WORK/points.$op" | sort | head -n $((KILLPOINTS_PER_OP / 2)) | cut -d' ' -f2-; } > "$WORK/chosen.$op"
        else
            cp "$WORK/points.$op" "$WORK/chosen.$op"
        fi
        note "killpoint $op: $(wc -l < "$WORK/chosen.$op") of $total system-call points"
        to_state 0
        while read -r sys n; do
            begin killpoint
            to_state "$(op_level $op)" || { restart_target; to_state "$(op_level $op)"; }
            # shellcheck disable=SC2046
            # (through runsig: strace dies by the signal its tracee died of, and the shell would say so)
            "$WORK/runsig" 0 0 strace -f -qq -o /dev/null -e inject="$sys":signal=KILL:when="$n" "$SUTURE" $(op_args $op) >/dev/null 2>&1
            check "$op killed at $sys #$n"
        done < "$WORK/chosen.$op"
    done
fi

# --- SIGKILL at random moments ------------------------------------------------------------------
if wanted randomkill; then
    note "randomkill: $RANDOM_KILLS runs"
    ops=(apply revert replace)
    for i in $(seq "$RANDOM_KILLS"); do
        begin randomkill
        op=${ops[$((RANDOM % 3))]}
        to_state "$(op_level $op)" || { restart_target; to_state "$(op_level $op)"; }
        delay=$(( (RANDOM % 300) * 1000 + 1 ))
        # shellcheck disable=SC2046
        "$WORK/runsig" "$delay" 9 "$SUTURE" $(op_args $op) >/dev/null 2>&1
        check "$op killed after $((delay / 1000)) ms"
    done
fi

# --- SIGINT/SIGTERM mid-apply: finish or back out, then exit 0 or 130 (never die by the signal) --
if wanted signal; then
    note "signal: $SIGNAL_RUNS runs"
    for i in $(seq "$SIGNAL_RUNS"); do
        begin signal
        sig=$(( RANDOM % 2 == 0 ? 2 : 15 ))
        to_state 0 || { restart_target; to_state 0; }
        delay=$(( (RANDOM % 200) * 1000 + 1 ))
        result=$("$WORK/runsig" -c "$delay" "$sig" "$SUTURE" apply -p "$PID" "$L1" 2>/dev/null)
        case "$result" in
            "exit 0 "*|"exit 130 "*) ;;
            *) failed "signal: apply sent signal $sig after $((delay / 1000)) ms ended with '$result' (expected exit 0 or 130)" ;;
        esac
        level=$(active_level)
        [[ "$result" == "exit 130 "* && "$level" != 0 ]] && failed "signal: apply exited 130 (interrupted) after signal $sig at $((delay / 1000)) ms, but level $level is active"
        check "apply, signal $sig after $((delay / 1000)) ms"
    done
fi

# --- an unstoppable thread: bounded by --timeout, answers SIGINT within a few ms ----------------
# (issue 10: apply --timeout 2 with a thread in D state, SIGINT to suture at 3 s)
if wanted unstoppable; then
    note "unstoppable: $UNSTOPPABLE_RUNS runs"
    for i in $(seq "$UNSTOPPABLE_RUNS"); do
        begin unstoppable
        restart_target vfork
        for _ in $(seq 300); do grep -q '^State:.D' /proc/$PID/task/*/status 2>/dev/null && break; sleep 0.01; done
        # --timeout 2, SIGINT at 3 s: suture must be gone by then (a little after the timeout).
        ( for _ in $(seq 60); do s=$(stopped_tasks | wc -l); echo "$s"; sleep 0.1; done ) > "$WORK/stopped.samples" &
        sampler=$!
        result=$("$WORK/runsig" 3000000 2 "$SUTURE" apply -p "$PID" --timeout 2 "$L1" 2>"$WORK/err")
        kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
        ms=${result##* }
        longest=$(awk 'BEGIN{run=0;max=0} {if ($1>0) {run++} else {run=0}; if (run>max) max=run} END{print max*100}' "$WORK/stopped.samples")
        # Done by the timeout, or at the latest a few ms after the SIGINT at 3 s.
        [ "$ms" -le 3200 ] || failed "unstoppable: apply --timeout 2 with a thread in D state took $ms ms and ended '${result% *}' ($(grep -m1 . "$WORK/err"))"
        [ "$longest" -le 2600 ] || failed "unstoppable: the other threads stayed stopped for about $longest ms"
        case "$result" in "exit 9 "*|"exit 130 "*) ;; *) failed "unstoppable: apply ended '${result% *}' (expected 9, refused naming the thread, or 130): $(grep -m1 . "$WORK/err")" ;; esac
        # The fresh-suture checks once the thread is out of the kernel (the vfork child exits at 15 s).
        for _ in $(seq 2000); do grep -q '^State:.D' /proc/$PID/task/*/status 2>/dev/null || break; sleep 0.01; done
        check "apply with a thread in D state"
        restart_target
    done
fi

# --- concurrent applies: one wins, the other is refused, the target stays consistent ------------
if wanted concurrent; then
    note "concurrent: $CONCURRENT_RUNS runs"
    for i in $(seq "$CONCURRENT_RUNS"); do
        begin concurrent
        to_state 0 || { restart_target; to_state 0; }
        second=$L1; [ $((RANDOM % 2)) -eq 0 ] && second=$L2
        "$WORK/runsig" 0 0 "$SUTURE" apply -p "$PID" "$L1" > "$WORK/c1" 2>"$WORK/e1" &
        a=$!
        "$WORK/runsig" 0 0 "$SUTURE" apply -p "$PID" "$second" > "$WORK/c2" 2>"$WORK/e2" &
        b=$!
        wait $a $b
        r1=$(tail -n 1 "$WORK/c1"); r2=$(tail -n 1 "$WORK/c2")
        if [[ "$r1" != "exit 0 "* && "$r2" != "exit 0 "* ]]; then
            failed "concurrent: neither apply succeeded ($r1 / $r2): $(grep -h error: "$WORK/e1" "$WORK/e2" | head -n 1)"
        fi
        grep -q "internal failure" "$WORK/e1" "$WORK/e2" && failed "concurrent: internal failure: $(grep -h 'internal failure' "$WORK/e1" "$WORK/e2" | head -1)"
        check "two concurrent applies ($(basename "$second"))"
    done
fi

# --- the patch-file fuzzer, in process against the reader ---------------------------------------
if wanted fuzz; then
    begin fuzz
    note "fuzz: $FUZZ_INPUTS inputs in process"
    SUTURE_FUZZ_INPUTS=$FUZZ_INPUTS SUTURE_FUZZ_SEED=$SEED dotnet test tests/Suture.Format.Tests -nologo \
        --filter "FullyQualifiedName~PatchFileFuzzTests.Mutated_files_only_ever_raise_PatchFormatException" > "$WORK/fuzz.log" 2>&1 \
        || failed "fuzz: $FUZZ_INPUTS inputs: $(grep -m1 -E 'Assert|Exception' "$WORK/fuzz.log")"
fi

# --- a sample of mutated patch files through the command line -----------------------------------
if wanted inspect; then
    note "inspect: $INSPECT_SAMPLE mutated files"
    for i in $(seq "$INSPECT_SAMPLE"); do
        begin inspect
        python3 tests/stress/mutate.py $((SEED * 1000003 + i)) "$L1" "$WORK/m.patch"
        out=$("$SUTURE" inspect "$WORK/m.patch" 2>&1); rc=$?
        # 6: not a valid patch; 14: a signature section that does not decode (the file was damaged
        # after signing: the same refusal apply gives, before it stops anything).
        case $rc in 0|6|14) ;; *) failed "inspect: mutant $((SEED * 1000003 + i)) exits $rc: $(echo "$out" | tail -1)" ;; esac
        [[ "$out" == *"internal failure"* ]] && failed "inspect: mutant $((SEED * 1000003 + i)): $(echo "$out" | grep -m1 'internal failure')"
    done
fi

# --- mutated patches applied to the live target ---------------------------------------------------
if wanted mutant; then
    note "mutant: $MUTANT_APPLIES applies"
    to_state 0 || { restart_target; to_state 0; }
    applied=0
    for i in $(seq "$MUTANT_APPLIES"); do
        begin mutant
        m=$((SEED * 7000003 + i))
        python3 tests/stress/mutate.py "$m" "$L1" "$WORK/m.patch"
        # A mutant's signature no longer matches (exit 14); --allow-unsigned lets the engine meet it.
        result=$("$WORK/runsig" 0 0 "$SUTURE" apply -p "$PID" --timeout 2 --allow-unsigned "$WORK/m.patch" 2>"$WORK/err")
        out=$(grep -v '^warning: ' "$WORK/err")
        case "$result" in
            "exit "[0-9]" "*|"exit 1"[0-4]" "*) ;;
            *) failed "mutant: mutant $m: apply ended '$result': $(echo "$out" | head -1)" ;;
        esac
        [[ "$out" == *"internal failure"* ]] && failed "mutant: mutant $m: $(echo "$out" | grep -m1 'internal failure')"
        if [[ "$result" == "exit 0 "* ]]; then
            # Checksum-valid and accepted: its code may be the mutation, which is the patch's
            # business; suture must still be able to take it out again.
            applied=$((applied + 1))
            "$SUTURE" revert -p "$PID" >/dev/null 2>&1 || { kill -0 "$PID" 2>/dev/null && failed "mutant: mutant $m applied but revert fails"; }
            kill -0 "$PID" 2>/dev/null || { note "mutant $m was applied and its code crashed the target (not counted)"; restart_target; }
            continue
        fi
        # Refused: the target must be untouched (alive, running, old behaviour, no record).
        if ! kill -0 "$PID" 2>/dev/null; then failed "mutant: mutant $m refused ($result) but the target died"; restart_target; continue; fi
        wait_until 5 no_stopped_tasks || true; s=$(stopped_tasks)
        [ -z "$s" ] || { failed "mutant: mutant $m refused, threads $(echo $s) stay stopped"; restart_target; continue; }
        if [ $((i % 50)) -eq 0 ]; then check "after mutant $m"; fi
    done
    note "mutant: $applied of $MUTANT_APPLIES mutants were accepted and applied"
fi

stop_target

# --- report ---------------------------------------------------------------------------------------
passed=0; failures=0
echo "stress ($MODE, seed $SEED): runs and failures by kind"
for kind in killpoint randomkill signal unstoppable concurrent fuzz inspect mutant; do
    [ -n "${RUNS[$kind]:-}" ] || continue
    printf '  %-12s %6d runs %5d failed\n' "$kind" "${RUNS[$kind]}" "${FAILS[$kind]:-0}"
    failures=$((failures + ${FAILS[$kind]:-0}))
    passed=$((passed + RUNS[$kind]))
done
[ "$failures" -gt 0 ] && echo "failures listed in $FAILURES_LOG"
passed=$((passed - failures))
[ $passed -lt 0 ] && passed=0
echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
