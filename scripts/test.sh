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
# (kubernetes-validate --strict, checkov, promtool check and test, amtool check-config and
# routes test, promtool on the dashboards' queries, hclfmt and checkov on the Terraform;
# installed into .ci-tools/ on first use).
cargo build --quiet --locked -p gantry-cli
gantry="target/debug/gantry"
for example in examples/*/; do
    "$gantry" build "$example"
    "$gantry" build --check "$example"
    bash scripts/validate-kubernetes.sh "${example}generated"
    bash scripts/validate-prometheus.sh "${example}generated"
    bash scripts/validate-alertmanager.sh "${example}generated" "$example"
    bash scripts/validate-grafana.sh "${example}generated"
    bash scripts/validate-terraform.sh "${example}generated"
done

# The specs gantry ships are formatted with its own formatter.
"$gantry" fmt --check examples
"$gantry" fmt --check stdlib

# The language server with a real editor: headless Neovim (extracted into .ci-tools/ on first use).
bash scripts/test-neovim.sh

# The VS Code extension builds and its unit tests pass (grammar, configuration), when node is here.
if command -v npm >/dev/null 2>&1; then
    (cd editor/vscode && npm ci --no-audit --no-fund --silent && npm run --silent build && npm test)
else
    echo "skipping the VS Code extension: npm is not installed"
fi
