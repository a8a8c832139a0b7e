#!/usr/bin/env bash
# Installs what building and testing Suture needs on Debian 12, only where it is missing:
# gcc and g++ (test targets, patch builds), make and cmake (the build-system tests), clang + zlib
# (NativeAOT link), patch/diff, setpriv, gdb, dpkg-dev + debhelper (tests that build a Debian
# package with dpkg-buildpackage), strace (kill-point tests, the stress suite's fault injection),
# python3 (its patch mutator), libssl-dev (the test target that links OpenSSL's libcrypto) and
# postgresql (the server tests start a private cluster of their own; no system cluster is used),
# openssl and openscap-scanner (the signing tests check key files with openssl; OpenSCAP evaluates
# the OVAL definitions of the host state), chromium (the server's web UI tests drive Debian's
# headless Chromium).
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need gcc gcc
need g++ g++
need clang clang
need patch patch
need diff diffutils
need setpriv util-linux
need make make
need cmake cmake
need gdb gdb
need dpkg-buildpackage dpkg-dev
need dh debhelper
need strace strace
need python3 python3
need openssl openssl
need oscap openscap-scanner
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -e /usr/include/openssl/async.h ] || missing+=(libssl-dev)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "suture: please install: ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    echo "suture: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "suture: the .NET 10 SDK is required (https://dotnet.microsoft.com/download)" >&2; exit 1; }
