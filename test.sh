#!/usr/bin/env bash
# Runs every test (real gcc, real processes, real ptrace: run as root) and ends with a line
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test Suture.slnx -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0
failed=0
while read -r f p; do
    passed=$((passed + p))
    failed=$((failed + f))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\2 \3/p' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the build or a test host failed before reporting results
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
