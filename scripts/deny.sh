#!/usr/bin/env bash
# Supply-chain checks with cargo-deny and the policy in deny.toml: licenses, banned and
# duplicate crates, sources (crates.io only) and, when the RustSec advisory database can be
# fetched, security advisories. cargo-deny is installed into .ci-tools/ on first use unless it
# is already on the PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="0.20.2"

if command -v cargo-deny >/dev/null 2>&1; then
    deny="cargo-deny"
else
    deny="$root/.ci-tools/cargo/bin/cargo-deny"
    if [ ! -x "$deny" ]; then
        echo "installing cargo-deny $version into .ci-tools/cargo (a few minutes, once)"
        cargo install --quiet --locked cargo-deny --version "$version" --root "$root/.ci-tools/cargo"
    fi
fi

"$deny" --locked check --hide-inclusion-graph licenses bans sources

# The advisory database is a git repository on GitHub; without it there is nothing to check
# against, and a stale copy would pass silently.
if timeout 20 git ls-remote --exit-code https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
    "$deny" --locked check --hide-inclusion-graph advisories
else
    echo "SKIPPED: cargo deny check advisories (cannot reach https://github.com/rustsec/advisory-db)"
fi
