#!/usr/bin/env bash
# Suture side by side with libcare, on the same target binaries and the same one-function change,
# run by run interleaved: bench/compare.sh [--runs N] [--threads "1 2 16 64"] [--fleet N] [--busy] [--libcare-all]
#
#   LIBCARE_PEERS  directory with libcare-*.tar.gz and libcare-debian12.diff (default ../shared/peers
#                  beside the repository, else /work/shared/peers); LIBCARE_CTL=path skips the build
#   SUTURE         the suture binary (default artifacts/suture, published if missing)
#   SUTURE_B       optional second suture binary, measured in the same interleaved runs (before/after)
#   --busy         one busy-loop process per core for the whole run (a busy host)
#   --libcare-all  time libcare's own `-p all` for the fleet figure; it ptrace-attaches to EVERY
#                  process on the host (not only the fleet), so by default libcare is given the
#                  fleet's pids one by one (one libcare-ctl per process) instead
#
# Prints, per figure and thread count, the median and upper quartile of each tool and the ratio of
# the medians (suture / libcare), with the load average at start and end; every run is kept in
# bench/.work/compare/runs.tsv. Needs root. Every process it starts is killed at the end, also on
# failure or Ctrl-C. docs/performance.md explains each figure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$root/bench/.work/compare"
runs=11
threads="1 2 16 64"
fleet=200
busy=0
libcare_all=0
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --fleet) fleet=$2; shift 2 ;;
    --busy) busy=1; shift ;;
    --libcare-all) libcare_all=1; shift ;;
    *) echo "compare: unknown option $1 (see the head of $0)" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" -ne 0 ]; then
    echo "compare: run as root (both tools attach with ptrace)" >&2
    exit 1
fi

started=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for id in "${started[@]}"; do
        kill -TERM "$id" 2>/dev/null || true
    done
    sleep 0.2
    for id in "${started[@]}"; do
        kill -KILL "$id" 2>/dev/null || true
        wait "$id" 2>/dev/null || true
    done
    rm -f /dev/shm/suture-compare-$$-* 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$work"
mkdir -p "$work/tree" "$work/bin"

# --- the tools ---------------------------------------------------------------------------------
suture=${SUTURE:-$root/artifacts/suture}
if [ ! -x "$suture" ]; then
    echo "compare: publishing suture to artifacts/" >&2
    dotnet publish "$root/src/Suture.Cli" -r linux-x64 -c Release -o "$root/artifacts" -nologo -v q -p:DebugType=None >&2
fi
suture_b=${SUTURE_B:-}
peers=${LIBCARE_PEERS:-$root/../shared/peers}
[ -d "$peers" ] || peers=/work/shared/peers
libcare_ctl=${LIBCARE_CTL:-}
libcare_dir="$root/bench/.work/libcare"
if [ -z "$libcare_ctl" ]; then
    libcare_ctl="$libcare_dir/libcare/src/libcare-ctl"
    if [ ! -x "$libcare_ctl" ]; then
        tarball=$(ls "$peers"/libcare-*.tar.gz 2>/dev/null | head -1)
        if [ -z "$tarball" ]; then
            echo "compare: no libcare-*.tar.gz in $peers; set LIBCARE_PEERS (or LIBCARE_CTL to a built libcare-ctl)" >&2
            exit 1
        fi
        echo "compare: building libcare from $tarball" >&2
        for package in libunwind-dev libelf-dev elfutils; do
            dpkg -s "$package" >/dev/null 2>&1 || apt-get install -y -qq "$package" >&2
        done
        rm -rf "$libcare_dir" && mkdir -p "$libcare_dir"
        tar xzf "$tarball" -C "$libcare_dir"
        if [ -f "$peers/libcare-debian12.diff" ]; then
            (cd "$libcare_dir/libcare" && patch -s -p1 <"$peers/libcare-debian12.diff")
        fi
        make -s -C "$libcare_dir/libcare/src" -j"$(nproc)" >"$libcare_dir/make.log" 2>&1 || { cat "$libcare_dir/make.log" >&2; exit 1; }
    fi
fi
patch_make="$(dirname "$libcare_ctl")/libcare-patch-make"

# --- the targets: built once by libcare's build (its original stage), patched by both tools -----
# An explicit Build ID of this run keeps `-p all` of either tool away from other copies of the
# same programs (another benchmark running on the machine). 20 bytes, the length of ld's own SHA-1
# Build IDs: libcare reads a Build ID as 20 bytes whatever the note's length, so with a shorter one
# it finds no patch for the target and exits 0 having done nothing.
build_id=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
cp "$root/bench/targets/frozen.c" "$root/bench/targets/fleet.c" "$root/bench/targets/shm.h" \
    "$root/bench/targets/frozen.diff" "$root/bench/targets/fleet.diff" "$work/tree/"
cat >"$work/tree/Makefile" <<EOF
all: frozen fleet
frozen: frozen.c shm.h
	\$(CC) -O2 -pthread -Wl,--build-id=0x$build_id -o frozen frozen.c
fleet: fleet.c
	\$(CC) -O2 -Wl,--build-id=0x${build_id:0:38}01 -o fleet fleet.c
install: all
	install -D frozen \$(DESTDIR)/frozen
	install -D fleet \$(DESTDIR)/fleet
clean:
	rm -f frozen fleet
EOF
for helper in window herd; do
    gcc -O2 -Wall -o "$work/bin/$helper" "$root/bench/targets/$helper.c"
done
echo "compare: building libcare's patches" >&2
(cd "$work/tree" && "$patch_make" --clean frozen.diff fleet.diff >"$work/libcare-patch-make.log" 2>&1) \
    || { cat "$work/libcare-patch-make.log" >&2; exit 1; }
frozen="$work/tree/lpmake/frozen"
fleet_exe="$work/tree/lpmake/fleet"
patchroot="$work/tree/patchroot"
frozen_kpatch="$patchroot/$build_id.kpatch"
echo "compare: building suture's patches against the same binaries" >&2
mkdir -p "$work/src" "$work/trust"
cp "$root/bench/targets/frozen.c" "$root/bench/targets/fleet.c" "$root/bench/targets/shm.h" \
    "$root/bench/targets/frozen.diff" "$root/bench/targets/fleet.diff" "$work/tree/Makefile" "$work/src/"
"$suture" key generate -o "$work/key" --name compare >/dev/null
cp "$work/key.pub" "$work/trust/compare.pub"
export SUTURE_TRUST_DIR="$work/trust"
for name in frozen fleet; do
    "$suture" build --source "$work/src" --patch "$work/src/$name.diff" --build "make $name" \
        --target "$work/tree/lpmake/$name" -o "$work/$name.patch" >"$work/build-$name.log" 2>&1 \
        || { cat "$work/build-$name.log" >&2; exit 1; }
    "$suture" sign "$work/$name.patch" --key "$work/key.key" >/dev/null
done

tools="suture libcare"
[ -n "$suture_b" ] && tools="suture suture_b libcare"
binary() { case $1 in suture) echo "$suture" ;; suture_b) echo "$suture_b" ;; esac; }

# --- the host -----------------------------------------------------------------------------------
if [ "$busy" = 1 ]; then
    for _ in $(seq "$(nproc)"); do
        (while :; do :; done) &
        started+=($!)
    done
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
tsv="$work/runs.tsv"
: >"$tsv"
record() { # tool figure threads run "window: wall frozen code"
    local line
    line=$("${@:5}")
    echo "$1 $2 $3 $4 ${line#window: }" >>"$tsv"
}

# --- frozen and wall, apply and revert, per thread count ---------------------------------------
for n in $threads; do
    shm="/dev/shm/suture-compare-$$-$n"
    head -c 4096 /dev/zero >"$shm"
    "$frozen" "$shm" "$n" &
    target=$!
    started+=("$target")
    for _ in $(seq 500); do
        [ "$(od -An -tu8 -N8 "$shm" | tr -d ' ')" = 1 ] && break
        sleep 0.01
    done
    echo "compare: $n thread(s), pid $target, $runs interleaved runs" >&2
    # Before timing anything: each tool really patches this target (a tool that exits 0 having
    # done nothing would be timed as the fastest).
    for tool in $tools; do
        if [ "$tool" = libcare ]; then
            applied=$("$libcare_ctl" patch -p "$target" "$frozen_kpatch" 2>&1 | grep -c 'successfully applied' || true)
            "$libcare_ctl" unpatch -p "$target" >/dev/null 2>&1 || true
        else
            "$(binary "$tool")" apply -p "$target" "$work/frozen.patch" >/dev/null 2>&1 || true
            applied=$("$(binary "$tool")" status -p "$target" 2>/dev/null | grep -vc 'no patches applied' || true)
            "$(binary "$tool")" revert -p "$target" >/dev/null 2>&1 || true
        fi
        if [ "$applied" = 0 ]; then
            echo "compare: $tool did not patch pid $target (its apply exits without a patch in place); nothing measured" >&2
            exit 1
        fi
    done
    for run in $(seq "$runs"); do
        for tool in $tools; do
            if [ "$tool" = libcare ]; then
                record "$tool" apply "$n" "$run" "$work/bin/window" "$shm" "$libcare_ctl" patch -p "$target" "$frozen_kpatch"
                record "$tool" revert "$n" "$run" "$work/bin/window" "$shm" "$libcare_ctl" unpatch -p "$target"
            else
                record "$tool" apply "$n" "$run" "$work/bin/window" "$shm" "$(binary "$tool")" apply -p "$target" "$work/frozen.patch"
                record "$tool" revert "$n" "$run" "$work/bin/window" "$shm" "$(binary "$tool")" revert -p "$target"
            fi
        done
        # the no-patch baseline: a window of about the same length with no tool at all
        record baseline apply "$n" "$run" "$work/bin/window" "$shm" sleep 0.005
    done
    kill -KILL "$target" 2>/dev/null || true
    wait "$target" 2>/dev/null || true
    rm -f "$shm"
done

# --- start-up floor -----------------------------------------------------------------------------
for run in $(seq "$runs"); do
    for tool in $tools; do
        if [ "$tool" = libcare ]; then
            record "$tool" startup 0 "$run" "$work/bin/window" - "$libcare_ctl" -h
        else
            record "$tool" startup 0 "$run" "$work/bin/window" - "$(binary "$tool")" --version
        fi
    done
done

# --- -p all over a fleet of processes that all map the patched program -------------------------
if [ "$fleet" -gt 0 ]; then
    fleet_runs=$(( runs < 5 ? runs : 5 ))
    echo "compare: -p all over $fleet processes, $fleet_runs interleaved runs" >&2
    for run in $(seq "$fleet_runs"); do
        for tool in $tools; do
            "$work/bin/herd" "$fleet" "$fleet_exe" >"$work/herd.out" &
            herd=$!
            started+=("$herd")
            for _ in $(seq 1000); do
                grep -q ready "$work/herd.out" 2>/dev/null && break
                sleep 0.01
            done
            if [ "$tool" = libcare ] && [ "$libcare_all" = 1 ]; then
                record "$tool" fleet "$fleet" "$run" "$work/bin/window" - "$libcare_ctl" patch -p all "$patchroot"
            elif [ "$tool" = libcare ]; then
                # libcare's -p all attaches to every process on the host to look at its objects
                # (other users' too); by default it is given the herd's pids one by one instead.
                members=$(pgrep -P "$herd" | tr '\n' ' ')
                record "$tool" fleet "$fleet" "$run" "$work/bin/window" - sh -c \
                    'ctl=$1; kp=$2; shift 2; status=0; for p; do "$ctl" patch -p "$p" "$kp" || status=1; done; exit $status' \
                    sh "$libcare_ctl" "$patchroot/${build_id:0:38}01.kpatch" $members
            else
                record "$tool" fleet "$fleet" "$run" "$work/bin/window" - "$(binary "$tool")" apply -p all "$work/fleet.patch"
            fi
            kill -TERM "$herd" 2>/dev/null || true
            wait "$herd" 2>/dev/null || true
        done
    done
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ----------------------------------------------------------------------------------
echo
echo "suture vs libcare, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r), busy host: $([ "$busy" = 1 ] && echo "yes ($(nproc) busy loops)" || echo no)"
echo "load average at start $load_start, at end $load_end; $runs runs each, interleaved; median (upper quartile)"
echo "suture: $("$suture" --version 2>/dev/null | head -1)${suture_b:+; suture_b: $("$suture_b" --version 2>/dev/null | head -1)}"
awk -v tools="$tools" -v fleet="$fleet" '
function sorted(key,   n, i, j, t) {
    n = split(vals[key], a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n
}
function q(key, p,   n) { n = sorted(key); if (n == 0) return ""; return a[int((n - 1) * p + 1.5) > n ? n : int((n - 1) * p + 1.5)] }
function cell(key, unit,   m, u) {
    if (!(key in vals)) return "-"
    m = q(key, 0.5); u = q(key, 0.75)
    return unit == "ps" ? sprintf("%.0f/s", m) : sprintf("%.2f (%.2f)", m, u)
}
{
    # tool figure threads run wall_ns frozen_ns code
    if ($7 != 0 && !($1 == "libcare" && $2 == "revert") && $2 != "startup") fails[$1 " " $2 " " $3]++
    if ($2 == "fleet") { vals[$1 " fleet " $3] = vals[$1 " fleet " $3] " " (fleet / ($5 / 1e9)); next }
    if ($2 == "startup") { vals[$1 " startup"] = vals[$1 " startup"] " " $5 / 1e6; next }
    vals[$1 " frozen-" $2 " " $3] = vals[$1 " frozen-" $2 " " $3] " " $6 / 1e6
    vals[$1 " wall-" $2 " " $3] = vals[$1 " wall-" $2 " " $3] " " $5 / 1e6
    seen[$3] = 1
}
END {
    nt = split(tools, t, " ")
    header = "| figure | N |"; rule = "|---|---|"
    for (i = 1; i <= nt; i++) { header = header " " t[i] " |"; rule = rule "---|" }
    header = header " baseline | suture / libcare |"; rule = rule "---|---|"
    print header; print rule
    nn = 0; for (n in seen) ns[++nn] = n + 0
    for (i = 2; i <= nn; i++) { x = ns[i]; for (j = i - 1; j >= 1 && ns[j] > x; j--) ns[j + 1] = ns[j]; ns[j + 1] = x }
    split("frozen-apply frozen-revert wall-apply wall-revert", figs, " ")
    for (f = 1; f <= 4; f++) for (k = 1; k <= nn; k++) {
        line = "| " figs[f] " (ms) | " ns[k] " |"
        for (i = 1; i <= nt; i++) line = line " " cell(t[i] " " figs[f] " " ns[k]) " |"
        base = figs[f] == "frozen-apply" ? cell("baseline frozen-apply " ns[k]) : "-"
        s = t[1] " " figs[f] " " ns[k]; l = "libcare " figs[f] " " ns[k]
        ratio = (s in vals && l in vals && q(l, 0.5) > 0) ? sprintf("%.2f", q(s, 0.5) / q(l, 0.5)) : "-"
        print line " " base " | " ratio " |"
    }
    line = "| start-up floor (ms, --version / -h) | |"
    for (i = 1; i <= nt; i++) line = line " " cell(t[i] " startup") " |"
    print line " - | " ((t[1] " startup") in vals && ("libcare startup") in vals ? sprintf("%.2f", q(t[1] " startup", 0.5) / q("libcare startup", 0.5)) : "-") " |"
    if ((t[1] " fleet " fleet) in vals) {
        line = "| -p all (processes/s) | " fleet " |"
        for (i = 1; i <= nt; i++) line = line " " cell(t[i] " fleet " fleet, "ps") " |"
        print line " - | " sprintf("%.2f", q(t[1] " fleet " fleet, 0.5) / q("libcare fleet " fleet, 0.5)) " |"
    }
    for (k in fails) printf "note: %s: %d run(s) exited non-zero\n", k, fails[k]
}' "$tsv"
