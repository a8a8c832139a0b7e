#!/usr/bin/env bash
# Kernel live patches end to end (docs/kernel.md): builds livepatch modules with
# `suture kernel build` from Debian 12's kernel source (tests/kernel/fetch.sh, cached), checks the
# refusals, signs them (`suture kernel sign`, one also with a module-signing key through the
# kernel's scripts/sign-file), then boots the stock Debian kernel under qemu-system-x86_64 (TCG,
# no KVM) with a busybox initramfs holding the modules, a sleeper (sleeps in pause(2), which the
# patch replaces) and the NativeAOT suture, and shows: unsigned and changed modules refused;
# /proc/version before the patch; a transition held up by the sleeper (apply times out, reverses
# and names it; with a longer timeout status names it and the transition completes when it
# wakes); after the patch; level 2 replacing level 1 atomically; a held-up revert; after revert.
# Ends with "N passed, N failed". Needs root on the first run (apt-get).
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

# A data-layout change (the size of an existing variable) and a change to a notrace function are
# refused the same way, each with one line naming the file in the tree, the symbol and what to do.
refused() { # DIFF EXPECTED-LINE WHAT
    "$SUTURE" kernel build --source "$TREE" --patch "$HERE/$1.diff" --config "$CONFIG" --headers "$HEADERS" -o "$WORK/$1.ko" >"$WORK/$1.out" 2>"$WORK/$1.err"
    local status=$? lines
    lines=$(grep -v '^suture: building' "$WORK/$1.err")
    if [ "$status" -eq 11 ] && [ "$(echo "$lines" | wc -l)" -eq 1 ] && echo "$lines" | grep -q -F "$2" && [ ! -e "$WORK/$1.ko" ]; then
        pass "$3 is refused: $lines"
    else
        fail "refusing $3: exit $status, $(cat "$WORK/$1.err")"
    fi
}
refused data-layout "fs/proc/proc_sysctl.c: root_table: the size of an existing variable changes (128 -> 192 bytes); the running kernel keeps the old layout" "a data-layout change (root_table grows)"
refused notrace "kernel/notifier.c: notify_die: the running function is notrace" "a change to a notrace function (notify_die)"

# A livepatch suture did not build: the kernel's own sample (it replaces cmdline_proc_show).
mkdir -p "$WORK/sample" && cp "$TREE/samples/livepatch/livepatch-sample.c" "$WORK/sample/" && echo 'obj-m := livepatch-sample.o' >"$WORK/sample/Kbuild"
if make -C "$HEADERS" M="$WORK/sample" modules >"$WORK/sample.log" 2>&1 && [ -e "$WORK/sample/livepatch-sample.ko" ]; then
    pass "the kernel's samples/livepatch/livepatch-sample.c built as a module against the headers"
else
    tail -n 20 "$WORK/sample.log"; fail "building livepatch-sample.ko"; finish
fi

# 2. The patch: version_proc_show gains a prefix; it reads linux_proc_banner, which vmlinux does not export.
if "$SUTURE" kernel build --source "$TREE" --patch "$HERE/version.diff" --config "$CONFIG" --headers "$HEADERS" \
        --description "test: tag /proc/version" --cve CVE-0000-0001 -o "$WORK/suture_version.ko" >"$WORK/build.out" 2>"$WORK/build.err"; then
    pass "kernel build: $(cat "$WORK/build.out")"
else
    cat "$WORK/build.err"; fail "kernel build of version.diff"; finish
fi
if readelf -W -S "$WORK/suture_version.ko" | grep -q '\.klp\.rela\.vmlinux\.' \
        && readelf -W -s "$WORK/suture_version.ko" | grep -q -E '(LIVEPATCH|OS \[0xff20\]) +\.klp\.sym\.vmlinux\.linux_proc_banner,0'; then
    pass "the module reaches linux_proc_banner through a livepatch relocation (.klp.rela.vmlinux.*, .klp.sym.vmlinux.linux_proc_banner,0)"
else
    readelf -W -S -s "$WORK/suture_version.ko" | grep -i klp; fail "livepatch relocation for linux_proc_banner"
fi

# Level 2, cumulative: the same fix with a different prefix, replacing level 1 atomically.
if "$SUTURE" kernel build --source "$TREE" --patch "$HERE/version2.diff" --config "$CONFIG" --headers "$HEADERS" --level 2 \
        --description "test: tag /proc/version, level 2" --cve CVE-0000-0001 --cve CVE-0000-0002 -o "$WORK/suture_version2.ko" >"$WORK/build2.out" 2>"$WORK/build2.err"; then
    pass "kernel build --level 2: $(cat "$WORK/build2.out")"
else
    cat "$WORK/build2.err"; fail "kernel build of version2.diff --level 2"; finish
fi
if modinfo_level=$(strings "$WORK/suture_version2.ko" | grep '^suture_level=') && [ "$modinfo_level" = suture_level=2 ]; then
    pass "the level 2 module records suture_level=2"
else
    fail "the level 2 module's level: '$modinfo_level'"
fi

# Signatures: suture's (the trust directory's key, as userspace patches), and a kernel module
# signature on top for sig_enforce kernels (a throw-away module-signing key; the stock kernel does
# not trust it, so without sig_enforce it loads tainted, which shows the layout is accepted).
"$SUTURE" key generate --name "kernel test" -o "$WORK/kernel-test" >/dev/null 2>"$WORK/key.err" || { cat "$WORK/key.err"; fail "suture key generate"; finish; }
mkdir -p "$WORK/trust" && cp "$WORK/kernel-test.pub" "$WORK/trust/"
cp "$WORK/suture_version.ko" "$WORK/unsigned.ko"
"$SUTURE" kernel sign "$WORK/suture_version2.ko" --key "$WORK/kernel-test.key" >"$WORK/sign2.out" 2>&1 || { cat "$WORK/sign2.out"; fail "suture kernel sign"; finish; }
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=suture kernel test module key" \
    -keyout "$WORK/module-key.pem" -out "$WORK/module-cert.pem" >/dev/null 2>&1 || { fail "openssl req (module-signing key)"; finish; }
if "$SUTURE" kernel sign "$WORK/suture_version.ko" --key "$WORK/kernel-test.key" --module-key "$WORK/module-key.pem" \
        --module-cert "$WORK/module-cert.pem" --headers "$HEADERS" >"$WORK/sign1.out" 2>&1 \
        && tail -c 28 "$WORK/suture_version.ko" | grep -q '~Module signature appended~'; then
    pass "suture kernel sign --module-key: $(cat "$WORK/sign1.out")"
else
    cat "$WORK/sign1.out"; fail "suture kernel sign --module-key"; finish
fi
cp "$WORK/suture_version2.ko" "$WORK/changed.ko"
printf 'X' | dd of="$WORK/changed.ko" bs=1 seek=2000 conv=notrunc status=none

# 3. The guest: busybox, suture with the libraries it links, the module, the sleeper (a static
# program that sleeps in pause(2), inside the patched sys_pause) and the test script as /init.
INITRD=$WORK/initrd
mkdir -p "$INITRD"/{bin,sbin,proc,sys,dev,tmp,lib64,lib/x86_64-linux-gnu,usr/bin}
cp "$CACHE/busybox/bin/busybox" "$INITRD/bin/busybox"
for applet in sh cat grep mount poweroff echo sleep dmesg kill tr head insmod rmmod; do ln -s busybox "$INITRD/bin/$applet"; done
cp "$SUTURE" "$INITRD/bin/suture"
ldd "$SUTURE" | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' | while read -r lib; do
    cp -L "$lib" "$INITRD$lib" 2>/dev/null || { mkdir -p "$INITRD$(dirname "$lib")"; cp -L "$lib" "$INITRD$lib"; }
done
# .NET loads OpenSSL at run time (signature checks), not through DT_NEEDED: copy it and what it links.
for lib in /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3; do
    [ -e "$lib" ] || { fail "$lib is missing (apt-get install libssl3)"; finish; }
    for dep in "$lib" $(ldd "$lib" | awk '/=> \// { print $3 }'); do
        cp -L "$dep" "$INITRD/lib/x86_64-linux-gnu/"
    done
done
if ! gcc -static -O2 -o "$INITRD/bin/suture_sleeper" "$HERE/sleeper.c" 2>"$WORK/sleeper.err"; then
    cat "$WORK/sleeper.err"; fail "building the sleeper (gcc -static; needs libc6-dev)"; finish
fi
cp "$WORK"/{suture_version,suture_version2,unsigned,changed}.ko "$WORK/sample/livepatch-sample.ko" "$INITRD/"
# dpkg's record of the kernel package, as an installed Debian system has it (its files as unpacked,
# its version from the source's changelog): the host state names the kernel's package and version.
mkdir -p "$INITRD/var/lib/dpkg/info"
(cd "$CACHE/image" && find . -type f | sed 's#^\.##') >"$INITRD/var/lib/dpkg/info/linux-image-$ABI.list"
KVERSION=$(dpkg-parsechangelog -l "$TREE/debian/changelog" -S Version)
printf 'Package: linux-image-%s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n\n' "$ABI" "$KVERSION" >"$INITRD/var/lib/dpkg/status"
mkdir -p "$INITRD/trust" && cp "$WORK/trust/kernel-test.pub" "$INITRD/trust/"
cat > "$INITRD/init" <<'GUEST'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
export HOME=/tmp DOTNET_gcServer=0 SUTURE_TRUST_DIR=/trust
# until CMD: runs CMD every 0.1 s until it succeeds, for at most 60 s (TCG is slow; never a bare sleep).
until_true() { i=0; while ! eval "$1"; do i=$((i + 1)); [ $i -ge 600 ] && return 1; sleep 0.1; done; }
# in_pause PID: the task sleeps in pause(2) (system call 34 on x86-64).
in_pause() { [ "$(cut -d' ' -f1 /proc/$1/syscall 2>/dev/null)" = 34 ]; }
status_names() { /bin/suture kernel status >/tmp/status.txt 2>&1; grep -q "not switched yet:.*$1" /tmp/status.txt; }
echo # the console's first line starts with the firmware's terminal reset
echo "BEFORE: $(cat /proc/version)"
/bin/suture kernel apply /unsigned.ko >/dev/null 2>/tmp/unsigned.err; echo "UNSIGNED-EXIT: $?"
echo "UNSIGNED-ERR: $(tr '\n' ' ' </tmp/unsigned.err)"
/bin/suture kernel apply /changed.ko >/dev/null 2>/tmp/changed.err; echo "CHANGED-EXIT: $?"
echo "CHANGED-ERR: $(tr '\n' ' ' </tmp/changed.err)"
echo "REFUSED-SYSFS: $(ls /sys/kernel/livepatch | tr '\n' ' ')"

# A task asleep in sys_pause holds up the transition: a short timeout reverses it, names the task.
/bin/suture_sleeper >/tmp/sleeper1.log &
S1=$!
until_true "in_pause $S1"; echo "SLEEPER1-IN-PAUSE: $?"
/bin/suture kernel apply /suture_version.ko --timeout 3 >/tmp/held.out 2>/tmp/held.err; echo "HELD-EXIT: $?"
echo "HELD-ERR: $(tr '\n' ' ' </tmp/held.err)"
echo "HELD-VERSION: $(cat /proc/version)"
echo "HELD-MODULE: $(grep -c '^suture_version ' /proc/modules)"
echo "HELD-SYSFS: $(ls /sys/kernel/livepatch | tr '\n' ' ')"

# With a long timeout the transition waits for it: status names it; it wakes; the transition completes.
/bin/suture kernel apply /suture_version.ko --timeout 120 >/tmp/apply.out 2>/tmp/apply.err &
A=$!
until_true "status_names suture_sleeper"; echo "STATUS-NAMES-SLEEPER: $?"
echo "DURING-STATUS-BEGIN"; cat /tmp/status.txt; echo "DURING-STATUS-END"
echo "DURING: $(cat /proc/version)"
echo "DURING-TRANSITION: $(cat /sys/kernel/livepatch/suture_version/transition 2>&1)"
/bin/suture status --cves --json >/tmp/during-cves.json 2>/tmp/during-cves.err; echo "DURING-CVES-EXIT: $?"
echo "DURING-CVES-BEGIN"; cat /tmp/during-cves.json; echo "DURING-CVES-END"
kill -USR1 $S1; wait $S1; echo "SLEEPER1-EXIT: $?"
wait $A; echo "APPLY-EXIT: $?"
echo "APPLY-ERR: $(tr '\n' ' ' </tmp/apply.err)"
echo "APPLY-OUT: $(tr '\n' ' ' </tmp/apply.out)"
echo "AFTER: $(cat /proc/version)"
echo "STATUS-JSON-BEGIN"; /bin/suture kernel status --json; echo "STATUS-JSON-END"
echo "TAINTED: $(cat /proc/sys/kernel/tainted)"
echo "STATE-CVES: $(tr '\n' ' ' </run/suture/cves 2>&1)"
echo "STATE-VERSIONS: $(cat /run/suture/versions 2>&1)"
echo "STATE-JSON-BEGIN"; cat /run/suture/state.json; echo "STATE-JSON-END"
/bin/suture status --cves >/tmp/cves.out 2>&1; echo "CVES-EXIT: $?"
echo "CVES-OUT: $(tr '\n' ' ' </tmp/cves.out)"
/bin/suture kernel apply /suture_version.ko; echo "APPLY-AGAIN-EXIT: $?"

# A livepatch suture did not build is loaded too: level 2's atomic replace would disable it, so
# apply refuses unless --replace-foreign is given, then reports it replaced.
insmod /livepatch-sample.ko; echo "SAMPLE-INSMOD: $?"
until_true '[ "$(cat /sys/kernel/livepatch/livepatch_sample/transition 2>/dev/null)" = 0 ]'; echo "SAMPLE-SETTLED: $?"
echo "SAMPLE-CMDLINE: $(cat /proc/cmdline)"
/bin/suture kernel apply /suture_version2.ko --timeout 60 >/dev/null 2>/tmp/foreign.err; echo "FOREIGN-EXIT: $?"
echo "FOREIGN-ERR: $(tr '\n' ' ' </tmp/foreign.err)"
echo "FOREIGN-SYSFS: $(ls /sys/kernel/livepatch | tr '\n' ' ')"

# Level 2 replaces level 1 (and, allowed, the sample) atomically (klp_patch.replace); level 1's module is unloaded.
/bin/suture kernel apply /suture_version2.ko --timeout 60 --replace-foreign >/tmp/apply2.out 2>/tmp/apply2.err; echo "APPLY2-EXIT: $?"
echo "APPLY2-ERR: $(tr '\n' ' ' </tmp/apply2.err)"
echo "LEVEL2-CMDLINE: $(cat /proc/cmdline)"
echo "SAMPLE-MODULE: $(grep -c '^livepatch_sample ' /proc/modules)"
rmmod livepatch_sample; echo "SAMPLE-RMMOD: $?"
echo "STATE2-CVES: $(tr '\n' ' ' </run/suture/cves 2>&1)"
echo "STATE2-VERSIONS: $(cat /run/suture/versions 2>&1)"
echo "APPLY2-OUT: $(tr '\n' ' ' </tmp/apply2.out)"
echo "LEVEL2: $(cat /proc/version)"
echo "LEVEL2-SYSFS: $(ls /sys/kernel/livepatch | tr '\n' ' ')"
echo "LEVEL1-MODULE: $(grep -c '^suture_version ' /proc/modules)"
echo "STATUS2-JSON-BEGIN"; /bin/suture kernel status --json; echo "STATUS2-JSON-END"
/bin/suture kernel apply /suture_version.ko >/dev/null 2>/tmp/lower.err; echo "LOWER-EXIT: $?"
echo "LOWER-ERR: $(tr '\n' ' ' </tmp/lower.err)"

# Unpatching is held up the same way by a task asleep in the patched sys_pause: it stays applied.
/bin/suture_sleeper >/tmp/sleeper2.log &
S2=$!
until_true "in_pause $S2"; echo "SLEEPER2-IN-PAUSE: $?"
/bin/suture kernel revert suture_version2 --timeout 3 >/tmp/rheld.out 2>/tmp/rheld.err; echo "REVERT-HELD-EXIT: $?"
echo "REVERT-HELD-ERR: $(tr '\n' ' ' </tmp/rheld.err)"
echo "REVERT-HELD-VERSION: $(cat /proc/version)"
echo "REVERT-HELD-ENABLED: $(cat /sys/kernel/livepatch/suture_version2/enabled 2>&1) $(cat /sys/kernel/livepatch/suture_version2/transition 2>&1)"
kill -USR1 $S2; wait $S2; echo "SLEEPER2-EXIT: $?"
/bin/suture kernel revert suture_version2 --timeout 60; echo "REVERT-EXIT: $?"
echo "REVERTED: $(cat /proc/version)"
echo "MODULE-AFTER-REVERT: $(grep -c '^suture_version' /proc/modules)"
echo "SYSFS-AFTER-REVERT: $(ls /sys/kernel/livepatch | tr '\n' ' ')"
echo "REVERTED-CVES: $(tr '\n' ' ' </run/suture/cves 2>&1)"
echo "REVERTED-VERSIONS: $(tr '\n' ' ' </run/suture/versions 2>&1)"
/bin/suture status --cves >/dev/null 2>&1; echo "REVERTED-CVES-EXIT: $?"
/bin/suture kernel revert suture_version2; echo "REVERT-AGAIN-EXIT: $?"

# module.sig_enforce can be switched on at run time (never off): then the kernel refuses a module
# signed by a key it does not trust, and suture says why.
echo 1 >/sys/module/module/parameters/sig_enforce
echo "SIG-ENFORCE: $(cat /sys/module/module/parameters/sig_enforce)"
/bin/suture kernel apply /suture_version.ko >/dev/null 2>/tmp/enforced.err; echo "ENFORCED-EXIT: $?"
echo "ENFORCED-ERR: $(tr '\n' ' ' </tmp/enforced.err)"
echo "ENFORCED-SYSFS: $(ls /sys/kernel/livepatch | tr '\n' ' ')"
dmesg | grep -i -E 'livepatch|suture' | sed 's/^/DMESG: /'
echo "GUEST-DONE"
poweroff -f
GUEST
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initrd.gz"

log "booting $ABI under qemu (TCG)"
# -cpu max: RDRAND, so the guest's random pool is ready at once (.NET waits for it otherwise).
timeout 600 qemu-system-x86_64 -machine q35 -cpu max -m 1024 -smp 1 -nographic -no-reboot -monitor none \
    -kernel "$CACHE/image/boot/vmlinuz-$ABI" -initrd "$WORK/initrd.gz" \
    -append "console=ttyS0 panic=-1 oops=panic loglevel=1" >"$WORK/console.log" 2>&1 </dev/null &
QEMU_PID=$!
wait "$QEMU_PID"; QEMU_PID=
tr -d '\r' <"$WORK/console.log" >"$WORK/guest.log"
if ! grep -q '^GUEST-DONE' "$WORK/guest.log"; then
    tail -n 40 "$WORK/guest.log"; fail "the guest did not finish its script (console above)"; finish
fi
grep -E '^(BEFORE|[A-Z]+-ERR|HELD-[A-Z]+|DURING|AFTER|LEVEL2|REVERT-HELD-[A-Z]+|REVERTED|DMESG):' "$WORK/guest.log"

# A value the guest printed; a kernel message may have started the line (the console is shared).
value() { sed -n -E "s/^(.*[^A-Z0-9-])?$1: //p" "$WORK/guest.log" | head -n 1; }
expect() { # NAME EXPECTED WHAT
    if [ "$(value "$1")" = "$2" ]; then pass "$3"; else fail "$3: $1 is '$(value "$1")', expected '$2'"; fi
}
before=$(value BEFORE)
patched="[suture-livepatch] $before"
case "$before" in "Linux version 6.1.0-50-amd64"*) pass "before: /proc/version is the stock kernel's";; *) fail "before: /proc/version is '$before'";; esac

# Signatures checked before anything is loaded.
expect UNSIGNED-EXIT 14 "apply refuses an unsigned module (exit 14)"
value UNSIGNED-ERR | grep -q "is not signed" && pass "the refusal says it is not signed" || fail "unsigned refusal: $(value UNSIGNED-ERR)"
expect CHANGED-EXIT 14 "apply refuses a module changed after signing (exit 14)"
value CHANGED-ERR | grep -q "does not match the file's content" && pass "the refusal says it was changed after signing" || fail "changed refusal: $(value CHANGED-ERR)"
expect REFUSED-SYSFS "" "nothing was loaded for the refused modules"

# The transition held up by the sleeper, short timeout.
expect SLEEPER1-IN-PAUSE 0 "the sleeper sleeps in pause(2)"
expect HELD-EXIT 9 "apply with a task asleep in sys_pause and --timeout 3: the transition does not finish (exit 9)"
held_err=$(value HELD-ERR)
if echo "$held_err" | grep -q "did not finish in 3 s; reversed and unloaded. Tasks still running the old code: [0-9]* suture_sleeper"; then
    pass "apply names the blocking task: $held_err"
else
    fail "apply's message does not name suture_sleeper: $held_err"
fi
expect HELD-VERSION "$before" "after the reversed transition: /proc/version is the stock kernel's"
expect HELD-MODULE 0 "after the reversed transition: the module is unloaded"

# The transition held up, then completing.
expect STATUS-NAMES-SLEEPER 0 "during the transition, suture kernel status names the sleeper as not switched"
sed -n '/^DURING-STATUS-BEGIN/,/^DURING-STATUS-END/p' "$WORK/guest.log" | sed '1d;$d'
if sed -n '/^DURING-STATUS-BEGIN/,/^DURING-STATUS-END/p' "$WORK/guest.log" | grep -q -E 'suture_version( \(level 1[^)]*\))?: enabled, in transition: vmlinux:'; then
    pass "during the transition, status shows suture_version enabled and in transition"
else
    fail "status during the transition"
fi
expect DURING "$patched" "during the transition: a switched task (the shell's cat) runs the patched version_proc_show"
expect DURING-TRANSITION 1 "the transition is still under way while the sleeper sleeps"
expect SLEEPER1-EXIT 0 "the sleeper woke and exited"
expect APPLY-EXIT 0 "apply completes once the sleeper has left sys_pause (exit 0)"
expect AFTER "$patched" "after apply: /proc/version comes from the patched function"
json=$(sed -n '/^STATUS-JSON-BEGIN/,/^STATUS-JSON-END/p' "$WORK/guest.log" | sed '1d;$d')
if echo "$json" | python3 -c 'import json,sys; s=json.load(sys.stdin); p=[x for x in s["patches"] if x["name"]=="suture_version"]; assert s["livepatch"] and p and p[0]["enabled"] and not p[0]["transition"] and "vmlinux:version_proc_show,1" in p[0]["functions"] and any(f.startswith("vmlinux:__x64_sys_pause") or f.startswith("vmlinux:__do_sys_pause") for f in p[0]["functions"]), s' 2>"$WORK/json.err"; then
    pass "kernel status --json lists suture_version enabled, transition done, version_proc_show and sys_pause"
else
    echo "$json"; cat "$WORK/json.err"; fail "kernel status --json"
fi
tainted=$(value TAINTED)
[ $(( ${tainted:-0} & 32768 )) -ne 0 ] && pass "the kernel is tainted livepatch (K, $tainted)" || fail "taint $tainted lacks the livepatch bit"
expect APPLY-AGAIN-EXIT 7 "applying the loaded patch again is refused (exit 7)"
# Level 1 carries a kernel module signature by a key the kernel does not know: a signature that
# did not parse would be refused even without sig_enforce, so loading shows the layout is sound.
value APPLY-OUT | grep -q "suture_version (level 1): applied, transition complete, signed by [0-9a-f]* (kernel test)" \
    && pass "apply verified suture's signature under the kernel module signature: $(value APPLY-OUT)" || fail "apply of level 1 said: $(value APPLY-OUT)"

# Level 2 replacing level 1.
expect APPLY2-EXIT 0 "applying level 2 exits 0"
value APPLY2-OUT | grep -q "suture_version2 (level 2): applied, transition complete, signed by [0-9a-f]* (kernel test); replaced suture_version" \
    && pass "apply reports level 2 signed and replacing suture_version: $(value APPLY2-OUT)" || fail "apply of level 2 said: $(value APPLY2-OUT)"
expect LEVEL2 "[suture-livepatch level 2] $before" "after level 2: /proc/version comes from level 2's function"
expect LEVEL2-SYSFS "suture_version2 " "after level 2: only suture_version2 is a livepatch (atomic replace freed level 1)"
expect LEVEL1-MODULE 0 "after level 2: level 1's module is unloaded"
json2=$(sed -n '/^STATUS2-JSON-BEGIN/,/^STATUS2-JSON-END/p' "$WORK/guest.log" | sed '1d;$d')
if echo "$json2" | python3 -c 'import json,sys; s=json.load(sys.stdin); p=s["patches"]; assert len(p)==1 and p[0]["name"]=="suture_version2" and p[0]["id"]=="suture_version2" and p[0]["level"]==2 and p[0]["cves"]==["CVE-0000-0001","CVE-0000-0002"] and p[0]["enabled"], s' 2>"$WORK/json2.err"; then
    pass "kernel status --json: suture_version2, level 2, its id and CVEs"
else
    echo "$json2"; cat "$WORK/json2.err"; fail "kernel status --json after level 2"
fi
expect LOWER-EXIT 7 "applying level 1 over level 2 is refused (exit 7)"

# The host state (docs/scanners.md): the kernel is an object, its CVEs fixed while the patch runs.
KERNEL_OBJECT=/boot/vmlinuz-$ABI
expect DURING-CVES-EXIT 15 "during the transition: status --cves exits 15 (a CVE only partially fixed)"
during_cves=$(sed -n '/^DURING-CVES-BEGIN/,/^DURING-CVES-END/p' "$WORK/guest.log" | sed '1d;$d')
if echo "$during_cves" | KERNEL_OBJECT=$KERNEL_OBJECT python3 -c 'import json,os,sys; s=json.load(sys.stdin); c=[x for x in s["cves"] if x["id"]=="CVE-0000-0001"]; assert c and c[0]["state"]=="partially fixed" and c[0]["objects"]==[os.environ["KERNEL_OBJECT"]] and c[0]["unpatchedPids"] and c[0]["patchedPids"], s' 2>"$WORK/during-cves.err"; then
    pass "during the transition: CVE-0000-0001 is partially fixed in $KERNEL_OBJECT, the sleeper among the tasks still vulnerable"
else
    echo "$during_cves"; cat "$WORK/during-cves.err"; fail "status --cves --json during the transition"
fi
expect STATE-CVES "CVE-0000-0001 " "after apply: the state directory's cves lists the kernel patch's CVE as fixed"
expect STATE-VERSIONS "linux-image-$ABI $KVERSION +suture:suture_version.1" "after apply: the kernel's effective version (package, version, +suture:id.level)"
state_json=$(sed -n '/^STATE-JSON-BEGIN/,/^STATE-JSON-END/p' "$WORK/guest.log" | sed '1d;$d')
if echo "$state_json" | KERNEL_OBJECT=$KERNEL_OBJECT ABI=$ABI python3 -c 'import json,os,re,sys; s=json.load(sys.stdin); o=[x for x in s["objects"] if x["path"]==os.environ["KERNEL_OBJECT"]]; assert len(o)==1 and re.fullmatch("[0-9a-f]{40}", o[0]["buildId"]) and o[0]["package"]=="linux-image-"+os.environ["ABI"] and [(p["id"],p["level"],p["cves"]) for p in o[0]["patches"]]==[("suture_version",1,["CVE-0000-0001"])] and [c["state"] for c in s["cves"] if c["id"]=="CVE-0000-0001"]==["fixed"], s' 2>"$WORK/state-json.err"; then
    pass "state.json: the kernel as an object (its image path, Build ID from /sys/kernel/notes, package), suture_version level 1, CVE-0000-0001 fixed"
else
    echo "$state_json"; cat "$WORK/state-json.err"; fail "state.json after apply"
fi
expect CVES-EXIT 0 "after apply: status --cves exits 0 (every CVE listed is fixed)"
value CVES-OUT | grep -q "CVE-0000-0001 *fixed .*; in the running kernel" \
    && pass "status --cves says where: in the running kernel" || fail "status --cves after apply said: $(value CVES-OUT)"
expect STATE2-CVES "CVE-0000-0001 CVE-0000-0002 " "after level 2: both CVEs of the cumulative level are fixed"
expect STATE2-VERSIONS "linux-image-$ABI $KVERSION +suture:suture_version2.2" "after level 2: the effective version names level 2"
expect REVERTED-CVES "" "after revert: no CVE is listed as fixed"
expect REVERTED-VERSIONS "" "after revert: no effective version (the kernel is as its package says)"
expect REVERTED-CVES-EXIT 16 "after revert: status --cves exits 16 (nothing applied)"

# Atomic replace and a livepatch suture did not build.
expect SAMPLE-INSMOD 0 "the kernel's livepatch sample loads (insmod)"
expect SAMPLE-SETTLED 0 "the sample's transition completes"
expect SAMPLE-CMDLINE "this has been live patched" "the sample patches /proc/cmdline"
expect FOREIGN-EXIT 7 "a cumulative level is refused while a livepatch suture did not build is loaded (exit 7)"
value FOREIGN-ERR | grep -q "would also disable the livepatch(es) livepatch_sample, which suture did not build; revert them first, or pass --replace-foreign" \
    && pass "the refusal names the foreign livepatch and the option: $(value FOREIGN-ERR)" || fail "foreign refusal: $(value FOREIGN-ERR)"
expect FOREIGN-SYSFS "livepatch_sample suture_version " "after the refusal: both livepatches are still loaded"
value APPLY2-ERR | grep -q "replaced livepatch livepatch_sample, which suture did not build (--replace-foreign); its module stays loaded" \
    && pass "with --replace-foreign, apply reports the foreign livepatch it replaced" || fail "apply of level 2 with --replace-foreign said: $(value APPLY2-ERR)"
if [ "$(value LEVEL2-CMDLINE)" != "this has been live patched" ] && [ -n "$(value LEVEL2-CMDLINE)" ]; then pass "after level 2: /proc/cmdline is the original again (the sample was replaced)"; else fail "after level 2: /proc/cmdline is '$(value LEVEL2-CMDLINE)'"; fi
expect SAMPLE-MODULE 1 "the replaced sample's module stays loaded for its owner"
expect SAMPLE-RMMOD 0 "its owner can remove it (rmmod)"

# Unpatching held up, then reverting.
expect SLEEPER2-IN-PAUSE 0 "a second sleeper sleeps in the patched pause(2)"
expect REVERT-HELD-EXIT 9 "revert with a task asleep in the patched sys_pause and --timeout 3 does not finish (exit 9)"
rheld_err=$(value REVERT-HELD-ERR)
if echo "$rheld_err" | grep -q "it stays applied. Tasks still running the patched code: [0-9]* suture_sleeper"; then
    pass "revert names the blocking task: $rheld_err"
else
    fail "revert's message does not name suture_sleeper: $rheld_err"
fi
expect REVERT-HELD-VERSION "[suture-livepatch level 2] $before" "after the held-up revert: still patched (level 2)"
expect REVERT-HELD-ENABLED "1 0" "after the held-up revert: enabled, no transition"
expect SLEEPER2-EXIT 0 "the second sleeper woke and exited"
expect REVERT-EXIT 0 "suture kernel revert exits 0"
expect REVERTED "$before" "after revert: /proc/version is the stock kernel's again"
expect MODULE-AFTER-REVERT 0 "the module is unloaded after revert"
expect SYSFS-AFTER-REVERT "" "no livepatch is left after revert"
expect REVERT-AGAIN-EXIT 8 "reverting again: nothing to revert (exit 8)"
expect SIG-ENFORCE Y "module.sig_enforce switched on"
expect ENFORCED-EXIT 4 "with sig_enforce, a module signed by a key the kernel does not trust is refused (exit 4)"
value ENFORCED-ERR | grep -q "loads only modules signed by a key it trusts" && pass "the refusal says why: $(value ENFORCED-ERR)" || fail "sig_enforce refusal: $(value ENFORCED-ERR)"
expect ENFORCED-SYSFS "" "nothing was loaded under sig_enforce"
finish
