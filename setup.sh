#!/usr/bin/env bash
# Builds everything (the NativeAOT binary lands in artifacts/suture) and runs the seed example
# live, end to end. Needs root: live patching attaches to processes with ptrace.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
dotnet build Suture.slnx -c Release -v quiet -nologo
dotnet publish src/Suture.Cli -r linux-x64 -c Release -o artifacts -v quiet -nologo -p:DebugType=None -p:StripSymbols=true
rm -f artifacts/*.pdb artifacts/*.dbg
echo "built artifacts/suture"
examples/seed/demo.sh
