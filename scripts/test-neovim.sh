#!/usr/bin/env bash
# End-to-end test of `gantry lsp` with a real editor: headless Neovim (Debian's 0.7, or any nvim
# on PATH) opens a copy of examples/checkout with a misspelt reference and checks the published
# diagnostics, a hover, completion, go to definition and the diagnostic clearing
# (editor/tests/nvim/e2e.lua). Neovim's own state stays in a temporary folder, not in $HOME.
#
# Usage: scripts/test-neovim.sh   (after `cargo build -p gantry-cli`)
# Neovim is extracted once into .ci-tools/nvim (git-ignored) when none is installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gantry="$root/target/debug/gantry"
[[ -x "$gantry" ]] || cargo build --quiet --locked -p gantry-cli --manifest-path "$root/Cargo.toml"

if command -v nvim >/dev/null 2>&1; then
    nvim=(nvim)
else
    tools="$root/.ci-tools/nvim"
    if [[ ! -x "$tools/usr/bin/nvim" ]]; then
        echo "extracting Debian's neovim into $tools (once)"
        debs="$(mktemp -d)"
        packages=(neovim neovim-runtime libluajit-5.1-2 libluajit-5.1-common libmsgpackc2
            libtermkey1 libtree-sitter0 libunibilium4 libvterm0 lua-luv libuv1)
        (cd "$debs" && { apt-get download "${packages[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get download "${packages[@]}" >/dev/null; }; })
        mkdir -p "$tools"
        for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$tools"; done
        rm -rf "$debs"
    fi
    export LD_LIBRARY_PATH="$tools/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export VIMRUNTIME="$tools/usr/share/nvim/runtime"
    nvim=("$tools/usr/bin/nvim")
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/workspace" "$work/state" "$work/cache" "$work/data" "$work/config"
cp "$root"/examples/checkout/*.kdl "$work/workspace/"
# The error the editor must show: an SLO reference with a typo.
sed -i 's/rollback-when slo="availability"/rollback-when slo="availabilty"/' "$work/workspace/checkout.kdl"
grep -q 'slo="availabilty"' "$work/workspace/checkout.kdl"

export XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
export XDG_CONFIG_HOME="$work/config" NVIM_LOG_FILE="$work/state/nvim.log"
export GANTRY_BIN="$gantry" GANTRY_WORKSPACE="$work/workspace"

status=0
timeout 120 "${nvim[@]}" --headless -n -i NONE -u "$root/editor/tests/nvim/e2e.lua" || status=$?
if [[ $status -ne 0 ]]; then
    echo "error: the Neovim end-to-end test failed (exit $status)" >&2
    cat "$work/cache/nvim/lsp.log" 2>/dev/null | tail -20 >&2 || true
fi
exit "$status"
