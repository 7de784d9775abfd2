#!/usr/bin/env bash
# Validates the prometheus target's output of one build: `promtool check rules` on every rule
# file and `promtool test rules` on every generated test file under OUTPUT_DIR/*/prometheus/
# (`slo-rules.test.yaml` and the `slo-rules.every-STEP.test.yaml` files of coarser steps), then
# prints how many files, alerts and test groups passed.
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
rule_files=0
alerts=0
test_files=0
test_groups=0
for rules in "$out"/*/prometheus/*/*rules.yaml; do
    rule_files=$((rule_files + 1))
    alerts=$((alerts + $(grep -c '^  - alert: ' "$rules" || true)))
    "$promtool" check rules "$rules" || status=1
done
for tests in "$out"/*/prometheus/*/*.test.yaml; do
    test_files=$((test_files + 1))
    test_groups=$((test_groups + $(grep -c '^- \(alert_rule_test\|input_series\):$' "$tests" || true)))
    (cd "$(dirname "$tests")" && "$promtool" test rules "$(basename "$tests")") || status=1
done
if [ $((rule_files + test_files)) -eq 0 ]; then
    echo "error: no prometheus output under $out/*/prometheus/" >&2
    exit 1
fi
echo "promtool: $rule_files rule files ($alerts alerts), $test_files test files ($test_groups test groups)"
exit "$status"
