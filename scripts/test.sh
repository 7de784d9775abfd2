#!/usr/bin/env bash
# Runs every test of the repository on a fresh Debian machine: installs what the tests need, then
# runs the Rust test suite and the documentation drift check.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is needed (https://rustup.rs)" >&2
    exit 2
fi

cargo test --workspace --locked
# The language reference is generated from the schema; fail when it was not regenerated.
cargo run --quiet --locked -- docs --check
