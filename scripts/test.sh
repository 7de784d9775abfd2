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
# The language and rules references are generated; fail when they were not regenerated.
cargo run --quiet --locked -- docs --check

# Build every example and put its output through the validators a cluster's CI would run
# (kubernetes-validate --strict, checkov, promtool check and test; installed into .ci-tools/ on
# first use).
cargo build --quiet --locked -p gantry-cli
gantry="target/debug/gantry"
for example in examples/*/; do
    "$gantry" build "$example"
    "$gantry" build --check "$example"
    bash scripts/validate-kubernetes.sh "${example}generated"
    bash scripts/validate-prometheus.sh "${example}generated"
done
