#!/usr/bin/env bash
# The fleet server's check-in benchmark, one command (docs/performance-server.md):
#   bench/server.sh [--seconds S] [--warmup S] [--concurrency C] [--hosts "10000 100000"] [--databases "sqlite postgresql"]
#
# Builds the load generator (Release; it references suture-server and runs the real program as
# its own process), starts a private PostgreSQL cluster (Debian's postgresql package; initdb into a
# temporary directory, Unix socket only, default durability: fsync and synchronous_commit on),
# measures each database at each fleet size and appends one line per run to
# bench/results/server.txt. Every run is bounded (seconds, and 30 minutes at most with seeding);
# the cluster and every server are stopped at the end, also on failure or Ctrl-C. Needs root (the
# cluster runs as the postgres user).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=20
warmup=15
concurrency=32
sizes="10000 100000"
databases="sqlite postgresql"
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --hosts) sizes=$2; shift 2 ;;
        --databases) databases=$2; shift 2 ;;
        *) echo "bench/server.sh: unknown option $1 (--seconds, --warmup, --concurrency, --hosts, --databases)" >&2; exit 2 ;;
    esac
done

mkdir -p "$root/bench/results"
results="$root/bench/results/server.txt"
dotnet build "$root/bench/Suture.Bench.Server" -c Release -nologo -v q >&2
bench="$root/.build/bin/Suture.Bench.Server/release/Suture.Bench.Server.dll"

cluster=
port=$((20000 + RANDOM % 30000))
cleanup() {
    if [ -n "$cluster" ]; then
        runuser -u postgres -- "$pgbin/pg_ctl" -D "$cluster/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
        rm -rf "$cluster"
        cluster=
    fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

if [[ " $databases " == *" postgresql "* ]]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    cluster=$(mktemp -d /tmp/suture-bench-pg-XXXXXX)
    mkdir -p "$cluster/socket"
    chown -R postgres:postgres "$cluster"
    runuser -u postgres -- "$pgbin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$cluster/data" -w -t 120 -l "$cluster/log" \
        -o "-c listen_addresses='' -k $cluster/socket -p $port -c max_connections=300 -c shared_buffers=256MB" start >/dev/null
fi

db=0
for size in $sizes; do
    for database in $databases; do
        args=(--database "$database" --hosts "$size" --seconds "$seconds" --warmup "$warmup" --concurrency "$concurrency" --results "$results")
        if [ "$database" = postgresql ]; then
            db=$((db + 1))
            runuser -u postgres -- "$pgbin/psql" -h "$cluster/socket" -p "$port" -U postgres -qc "CREATE DATABASE bench_$db" >/dev/null
            args+=(--connection "Host=$cluster/socket;Port=$port;Username=postgres;Database=bench_$db;Maximum Pool Size=200"
                --database-pid "$(head -1 "$cluster/data/postmaster.pid")")
        fi
        dotnet "$bench" "${args[@]}"
    done
done
