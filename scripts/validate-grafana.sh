#!/usr/bin/env bash
# Validates the PromQL of the grafana target's dashboards with Prometheus's own parser: every
# panel query of OUTPUT_DIR/*/grafana/*/dashboard.json becomes a recording rule of a temporary
# rule file (JSON is YAML), which `promtool check rules` parses. promtool has no command that
# checks a bare expression; a rule file is how it reads one.
#
# Usage: scripts/validate-grafana.sh OUTPUT_DIR
# promtool comes from Debian's `prometheus` package, extracted into .ci-tools/prom on first use
# (as scripts/validate-prometheus.sh does).
set -euo pipefail

out="${1:?usage: $0 OUTPUT_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
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
dashboards=("$out"/*/grafana/*/dashboard.json)
if [ ${#dashboards[@]} -eq 0 ]; then
    echo "error: no dashboards under $out/*/grafana/" >&2
    exit 1
fi
rules="$(mktemp --suffix=.json)"
trap 'rm -f "$rules"' EXIT
python3 - "$rules" "${dashboards[@]}" <<'PY'
import json
import sys

target, paths = sys.argv[1], sys.argv[2:]
rules = []
for path in paths:
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    for panel in dashboard.get("panels", []):
        for query in panel.get("targets", []):
            rules.append({"record": f"gantry:panel_query:{len(rules)}", "expr": query["expr"]})
with open(target, "w", encoding="utf-8") as f:
    json.dump({"groups": [{"name": "grafana-panel-queries", "rules": rules}]}, f)
print(f"{len(rules)} panel queries from {len(paths)} dashboards")
PY
"$promtool" check rules "$rules"
