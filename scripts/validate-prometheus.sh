#!/usr/bin/env bash
# Validates the prometheus target's output of one build: `promtool check rules` on every rule
# file and `promtool test rules` on every generated test file under OUTPUT_DIR/*/prometheus/.
# promtool comes from Debian's `prometheus` package, extracted into .ci-tools/prom on first use.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTPUT_DIR" >&2
    exit 2
fi
out="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.ci-tools/prom"
promtool="$tools/usr/bin/promtool"
if [ ! -x "$promtool" ]; then
    work="$(mktemp -d)"
    (
        cd "$work"
        apt-get download prometheus >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download prometheus >/dev/null; }
        mkdir -p "$tools"
        dpkg-deb -x prometheus_*.deb "$tools"
    )
    rm -rf "$work"
fi
shopt -s nullglob
status=0
checked=0
for rules in "$out"/*/prometheus/*/*rules.yaml; do
    checked=$((checked + 1))
    "$promtool" check rules "$rules" || status=1
done
for tests in "$out"/*/prometheus/*/*.test.yaml; do
    checked=$((checked + 1))
    (cd "$(dirname "$tests")" && "$promtool" test rules "$(basename "$tests")") || status=1
done
if [ "$checked" -eq 0 ]; then
    echo "error: no prometheus output under $out/*/prometheus/" >&2
    exit 1
fi
exit "$status"
