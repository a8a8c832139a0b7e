# Shared helpers of the real-world corpus (sourced by run.sh and the cases).
# Everything downloaded goes under $CACHE (default /var/cache/suture-realworld); the system's
# apt sources are never touched: apt-get runs with a private configuration that has deb-src lines
# for bookworm and bookworm-security.

CACHE=${REALWORLD_CACHE:-/var/cache/suture-realworld}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SUTURE=${SUTURE:-}
if [ -z "$SUTURE" ]; then
    for candidate in "$ROOT/artifacts/suture" "$ROOT/.build/bin/Suture.Cli/debug/suture" "$ROOT/.build/bin/Suture.Cli/release/suture"; do
        [ -x "$candidate" ] && SUTURE=$candidate && break
    done
fi

# sign_patch FILE: signs it with the corpus's key (made once per run) and trusts that key
# (SUTURE_TRUST_DIR), so the corpus applies verified patches as hosts do.
sign_patch() {
    if [ -z "${REALWORLD_KEYS:-}" ]; then
        REALWORLD_KEYS=$(mktemp -d /tmp/suture-realworld-keys.XXXXXX) && chmod 755 "$REALWORLD_KEYS" || return 1
        "$SUTURE" key generate -o "$REALWORLD_KEYS/realworld" --name "real-world corpus" >/dev/null || return 1
        mkdir -m 755 "$REALWORLD_KEYS/trusted-keys" && cp "$REALWORLD_KEYS/realworld.pub" "$REALWORLD_KEYS/trusted-keys/" || return 1
        export SUTURE_TRUST_DIR=$REALWORLD_KEYS/trusted-keys
    fi
    "$SUTURE" sign "$1" --key "$REALWORLD_KEYS/realworld.key" >/dev/null
}

log() { printf 'realworld: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; return 1; }

# The private apt configuration (deb-src for bookworm and bookworm-security), updated once a day.
apt_private() {
    local etc=$CACHE/etc
    mkdir -p "$etc" "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial"
    if [ ! -f "$etc/sources.list" ]; then
        cat > "$etc/sources.list" <<'LIST'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
LIST
        cat > "$etc/apt.conf" <<CONF
Dir::Etc::SourceList "$etc/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$CACHE/apt/lists";
Dir::Cache "$CACHE/apt";
CONF
    fi
    export APT_CONFIG=$etc/apt.conf
    if [ -z "$(find "$CACHE/apt/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -1)" ]; then
        apt-get update -qq || return 1
    fi
}

# fetch_source PACKAGE VERSION: the unpacked source package in $CACHE/src/PACKAGE-VERSION (cached).
fetch_source() {
    local package=$1 version=$2 dir=$CACHE/src
    mkdir -p "$dir"
    if [ ! -d "$dir/$package-$version" ]; then
        apt_private || return 1
        (cd "$dir" && apt-get source -qq --download-only "$package=$version" >/dev/null 2>&1) \
            || { fail "apt-get source $package=$version failed (is the version still in bookworm or bookworm-security?)"; return 1; }
        local dsc=$dir/${package}_${version#*:}.dsc
        dpkg-source -q -x "$dsc" "$dir/$package-$version.tmp" >/dev/null 2>&1 || { fail "dpkg-source -x $dsc failed"; return 1; }
        mv "$dir/$package-$version.tmp" "$dir/$package-$version"
    fi
    printf '%s\n' "$dir/$package-$version"
}

# unapply_patches TREE PATCH...: the tree as it was before the named debian/patches (newest
# first), with the series and quilt state to match: the version Debian shipped before them.
unapply_patches() {
    local tree=$1; shift
    local p
    for p in "$@"; do
        patch -d "$tree" -R -p1 -s < "$tree/debian/patches/$p" || { fail "reversing $p failed"; return 1; }
        sed -i "/^$(printf '%s' "$p" | sed 's/[.[\*^$/]/\\&/g')\$/d" "$tree/debian/patches/series"
        [ -f "$tree/.pc/applied-patches" ] && sed -i "/^$(printf '%s' "$p" | sed 's/[.[\*^$/]/\\&/g')\$/d" "$tree/.pc/applied-patches"
        rm -rf "$tree/.pc/$p"
        rm -f "$tree/debian/patches/$p"
    done
}

# drop_changelog_entry TREE: removes the newest debian/changelog entry.
drop_changelog_entry() {
    awk 'NR > 1 && /^[a-z0-9][a-z0-9.+-]* \(/ { keep = 1 } keep' "$1/debian/changelog" > "$1/debian/changelog.new" \
        && mv "$1/debian/changelog.new" "$1/debian/changelog"
}

# shipped_tree PACKAGE UPDATE SHIPPED ENTRIES PATCH...: prints $CACHE/trees/PACKAGE-SHIPPED, the
# version Debian shipped before the security update UPDATE: UPDATE's source package with PATCH...
# (its newest debian/patches, newest first) reversed and its newest ENTRIES changelog entries
# dropped (cached; checked against SHIPPED).
shipped_tree() {
    local package=$1 update=$2 shipped=$3 entries=$4; shift 4
    local updated tree=$CACHE/trees/$package-$shipped i
    updated=$(fetch_source "$package" "$update") || return 1
    if [ ! -d "$tree" ]; then
        mkdir -p "$CACHE/trees" && rm -rf "$tree.tmp" && cp -a "$updated" "$tree.tmp" || return 1
        unapply_patches "$tree.tmp" "$@" || return 1
        for ((i = 0; i < entries; i++)); do drop_changelog_entry "$tree.tmp" || return 1; done
        mv "$tree.tmp" "$tree"
    fi
    head -1 "$tree/debian/changelog" | grep -qF "($shipped)" || { fail "$tree is not $shipped"; return 1; }
    printf '%s\n' "$tree"
}

# fix_of PACKAGE UPDATE PATCH DEST: copies PATCH of UPDATE's debian/patches, unchanged, to DEST.
fix_of() {
    local updated
    updated=$(fetch_source "$1" "$2") || return 1
    cp "$updated/debian/patches/$3" "$4" || fail "no $3 in $updated/debian/patches"
}

# install_deps PACKAGE...: the build and trigger dependencies, from the system's own apt sources.
install_deps() {
    env -u APT_CONFIG apt-get install -y -qq --no-upgrade -o DPkg::Lock::Timeout=300 "$@" >/dev/null 2>&1 || fail "installing $* failed"
}

# own_build TREE NAME COMMAND: the package's own build of TREE (COMMAND in a copy), cached in
# $CACHE/builds/NAME like the downloads (the tree is pinned; REALWORLD_REBUILD=1 builds again);
# its log is $CACHE/builds/NAME.log. Prints the build's directory and its wall-clock seconds as
# measured when it ran.
own_build() {
    local tree=$1 dir=$CACHE/builds/$2 command=$3 started
    if [ -n "${REALWORLD_REBUILD:-}" ] || [ ! -f "$dir.seconds" ] || [ ! -d "$dir" ]; then
        mkdir -p "$CACHE/builds" && rm -rf "$dir" "$dir.seconds" && cp -a "$tree" "$dir" || return 1
        started=$(now)
        (cd "$dir" && eval "$command" > "$dir.log" 2>&1) || { fail "$command failed, see $dir.log"; return 1; }
        elapsed "$started" > "$dir.seconds"
    fi
    printf '%s %s\n' "$dir" "$(cat "$dir.seconds")"
}

# patch_functions PATCH: the functions the patch redirects, comma-separated.
patch_functions() {
    "$SUTURE" inspect "$1" --json | perl -MJSON::PP -0777 -ne 'my $j = decode_json($_); print join(",", map { $_->{symbol} } @{$j->{functions}})'
}

# now, elapsed START, ms_since START: wall-clock time stamps; seconds (one decimal) and
# milliseconds since START.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

# wait_for FILE PATTERN SECONDS: waits until the last line of FILE matches PATTERN.
wait_for() {
    local file=$1 pattern=$2 deadline=$(( $(date +%s) + ${3:-30} ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        tail -n 1 "$file" 2>/dev/null | grep -qE "$pattern" && return 0
        sleep 0.1
    done
    fail "$file: no line matching '$pattern' within ${3:-30} s (last: $(tail -n 1 "$file" 2>/dev/null))"
}

# wait_lines FILE COUNT SECONDS: waits until FILE has more than COUNT lines.
wait_lines() {
    local file=$1 count=$2 deadline=$(( $(date +%s) + ${3:-30} ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        [ "$(wc -l < "$file" 2>/dev/null || echo 0)" -gt "$count" ] && return 0
        sleep 0.1
    done
    fail "$file: not more than $count lines within ${3:-30} s"
}

# result CASE CVE FUNCTIONS OWN_BUILD_S SUTURE_BUILD_S PATCH_BYTES APPLY_MS: one row of the table.
result() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"
}

# kill_started PID...: ends the processes this run started (and only those).
kill_started() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "$@"; do
        wait "$pid" 2>/dev/null
    done
}
