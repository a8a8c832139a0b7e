#!/usr/bin/env bash
# Kernel live patches end to end (docs/kernel.md): builds livepatch modules with
# `suture kernel build` from Debian 12's kernel source (tests/kernel/fetch.sh, cached), checks the
# refusals, then boots the stock Debian kernel under qemu-system-x86_64 (TCG, no KVM) with a
# busybox initramfs holding the module and the NativeAOT suture, and shows /proc/version before
# the patch, after `suture kernel apply`, in `suture kernel status --json` and after
# `suture kernel revert`. Ends with "N passed, N failed". Needs root on the first run (apt-get).
# SUTURE_AOT: a NativeAOT suture for the guest (default artifacts/suture, else published here).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SUTURE_KERNEL_CACHE:-/var/cache/suture-kernel}
ABI=6.1.0-50-amd64
passed=0
failed=0
log() { echo "kernel: $*" >&2; }
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

WORK=$(mktemp -d /tmp/suture-kernel-test.XXXXXX)
QEMU_PID=
cleanup() { [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

if ! "$HERE/fetch.sh"; then fail "fetch.sh: the kernel source, image and headers could not be fetched"; finish; fi
TREE=$(find "$CACHE/src" -mindepth 1 -maxdepth 1 -type d -name 'linux-*' | head -n 1)
HEADERS=$CACHE/headers/usr/src/linux-headers-$ABI
CONFIG=$CACHE/image/boot/config-$ABI

SUTURE=${SUTURE_AOT:-}
if [ -z "$SUTURE" ] && [ -x "$ROOT/artifacts/suture" ]; then SUTURE=$ROOT/artifacts/suture; fi
if [ -z "$SUTURE" ]; then
    log "publishing the NativeAOT suture for the guest"
    if dotnet publish "$ROOT/src/Suture.Cli" -r linux-x64 -c Release -o "$WORK/aot" -v quiet -nologo -p:DebugType=None >"$WORK/publish.log" 2>&1; then
        SUTURE=$WORK/aot/suture
    else
        tail -n 20 "$WORK/publish.log"; fail "dotnet publish of the NativeAOT suture"; finish
    fi
fi

# 1. Refusals (host only): a change to __init code is refused with one line and exit 11.
"$SUTURE" kernel build --source "$TREE" --patch "$HERE/init-code.diff" --config "$CONFIG" --headers "$HEADERS" -o "$WORK/init.ko" >"$WORK/init.out" 2>"$WORK/init.err"
status=$?
if [ "$status" -eq 11 ] && grep -q "proc_version_init: __init" "$WORK/init.err" && [ "$(grep -vc '^suture: building' "$WORK/init.err")" -eq 1 ] && [ ! -e "$WORK/init.ko" ]; then
    pass "a change to __init code is refused: $(grep -v '^suture: building' "$WORK/init.err")"
else
    fail "refusing __init code: exit $status, $(cat "$WORK/init.err")"
fi

# 2. The patch: version_proc_show gains a prefix; it reads linux_proc_banner, which vmlinux does not export.
if "$SUTURE" kernel build --source "$TREE" --patch "$HERE/version.diff" --config "$CONFIG" --headers "$HEADERS" \
        --description "test: tag /proc/version" -o "$WORK/suture_version.ko" >"$WORK/build.out" 2>"$WORK/build.err"; then
    pass "kernel build: $(cat "$WORK/build.out")"
else
    cat "$WORK/build.err"; fail "kernel build of version.diff"; finish
fi
if readelf -W -S "$WORK/suture_version.ko" | grep -q '\.klp\.rela\.vmlinux\.' \
        && readelf -W -s "$WORK/suture_version.ko" | grep -q 'LIVEPATCH.*\.klp\.sym\.vmlinux\.linux_proc_banner,0'; then
    pass "the module reaches linux_proc_banner through a livepatch relocation (.klp.rela.vmlinux.*, .klp.sym.vmlinux.linux_proc_banner,0)"
else
    readelf -W -S -s "$WORK/suture_version.ko" | grep -i klp; fail "livepatch relocation for linux_proc_banner"
fi

# 3. The guest: busybox, suture with the libraries it links, the module and the test script as /init.
INITRD=$WORK/initrd
mkdir -p "$INITRD"/{bin,sbin,proc,sys,dev,tmp,lib64,lib/x86_64-linux-gnu,usr/bin}
cp "$CACHE/busybox/bin/busybox" "$INITRD/bin/busybox"
for applet in sh cat grep mount poweroff echo sleep dmesg; do ln -s busybox "$INITRD/bin/$applet"; done
cp "$SUTURE" "$INITRD/bin/suture"
ldd "$SUTURE" | awk '/=> \// { print $3 } /^\s*\/lib64/ { print $1 }' | while read -r lib; do
    cp -L "$lib" "$INITRD$lib" 2>/dev/null || { mkdir -p "$INITRD$(dirname "$lib")"; cp -L "$lib" "$INITRD$lib"; }
done
cp "$WORK/suture_version.ko" "$INITRD/suture_version.ko"
cat > "$INITRD/init" <<'GUEST'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
export HOME=/tmp DOTNET_gcServer=0
echo "BEFORE: $(cat /proc/version)"
/bin/suture kernel apply /suture_version.ko --timeout 60; echo "APPLY-EXIT: $?"
echo "AFTER: $(cat /proc/version)"
echo "STATUS-JSON-BEGIN"; /bin/suture kernel status --json; echo "STATUS-JSON-END"
echo "TAINTED: $(cat /proc/sys/kernel/tainted)"
/bin/suture kernel apply /suture_version.ko; echo "APPLY-AGAIN-EXIT: $?"
/bin/suture kernel revert suture_version --timeout 60; echo "REVERT-EXIT: $?"
echo "REVERTED: $(cat /proc/version)"
echo "MODULE-AFTER-REVERT: $(grep -c suture_version /proc/modules)"
/bin/suture kernel revert suture_version; echo "REVERT-AGAIN-EXIT: $?"
dmesg | grep -i -E 'livepatch|suture' | sed 's/^/DMESG: /'
echo "GUEST-DONE"
poweroff -f
GUEST
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initrd.gz"

log "booting $ABI under qemu (TCG)"
timeout 600 qemu-system-x86_64 -machine q35 -m 1024 -smp 1 -nographic -no-reboot -monitor none \
    -kernel "$CACHE/image/boot/vmlinuz-$ABI" -initrd "$WORK/initrd.gz" \
    -append "console=ttyS0 panic=-1 oops=panic loglevel=4" >"$WORK/console.log" 2>&1 </dev/null &
QEMU_PID=$!
wait "$QEMU_PID"; QEMU_PID=
tr -d '\r' <"$WORK/console.log" >"$WORK/guest.log"
if ! grep -q '^GUEST-DONE' "$WORK/guest.log"; then
    tail -n 40 "$WORK/guest.log"; fail "the guest did not finish its script (console above)"; finish
fi
grep -E '^(BEFORE|AFTER|REVERTED|DMESG):' "$WORK/guest.log"

value() { grep "^$1: " "$WORK/guest.log" | head -n 1 | cut -d' ' -f2-; }
before=$(value BEFORE)
case "$before" in "Linux version 6.1.0-50-amd64"*) pass "before: /proc/version is the stock kernel's";; *) fail "before: /proc/version is '$before'";; esac
[ "$(value APPLY-EXIT)" = 0 ] && pass "suture kernel apply exits 0" || fail "suture kernel apply exited $(value APPLY-EXIT)"
after=$(value AFTER)
[ "$after" = "[suture-livepatch] $before" ] && pass "after apply: /proc/version comes from the patched function" || fail "after apply: '$after'"
json=$(sed -n '/^STATUS-JSON-BEGIN/,/^STATUS-JSON-END/p' "$WORK/guest.log" | sed '1d;$d')
if echo "$json" | python3 -c 'import json,sys; s=json.load(sys.stdin); p=[x for x in s["patches"] if x["name"]=="suture_version"]; assert s["livepatch"] and p and p[0]["enabled"] and not p[0]["transition"] and "vmlinux:version_proc_show,1" in p[0]["functions"], s' 2>"$WORK/json.err"; then
    pass "kernel status --json lists suture_version enabled, transition done, vmlinux:version_proc_show,1"
else
    echo "$json"; cat "$WORK/json.err"; fail "kernel status --json"
fi
tainted=$(value TAINTED)
[ $(( ${tainted:-0} & 32768 )) -ne 0 ] && pass "the kernel is tainted livepatch (K, $tainted)" || fail "taint $tainted lacks the livepatch bit"
[ "$(value APPLY-AGAIN-EXIT)" = 7 ] && pass "applying the loaded patch again is refused (exit 7)" || fail "applying again exited $(value APPLY-AGAIN-EXIT)"
[ "$(value REVERT-EXIT)" = 0 ] && pass "suture kernel revert exits 0" || fail "suture kernel revert exited $(value REVERT-EXIT)"
[ "$(value REVERTED)" = "$before" ] && pass "after revert: /proc/version is the stock kernel's again" || fail "after revert: '$(value REVERTED)'"
[ "$(value MODULE-AFTER-REVERT)" = 0 ] && pass "the module is unloaded after revert" || fail "module still loaded after revert"
[ "$(value REVERT-AGAIN-EXIT)" = 8 ] && pass "reverting again: nothing to revert (exit 8)" || fail "reverting again exited $(value REVERT-AGAIN-EXIT)"
finish
