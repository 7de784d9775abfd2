#!/usr/bin/env bash
# Validates the alertmanager target's output of one build with the Alertmanager's own tool:
#   amtool check-config           every OUTPUT_DIR/*/alertmanager/alertmanager.yaml loads;
#   amtool config routes test     for every team of the workspace's gantry.kdl, an alert with
#                                 owner=TEAM severity=page reaches the team's `oncall pager=`
#                                 receiver and one with severity=ticket its `chat=` receiver (a
#                                 chat channel resolves to the slack receiver posting there);
#                                 an alert of no team reaches the default receiver `unrouted`.
#
# Usage: scripts/validate-alertmanager.sh OUTPUT_DIR [WORKSPACE_DIR]
# WORKSPACE_DIR (the folder of gantry.kdl) defaults to OUTPUT_DIR's parent. The expectations are
# read from gantry.kdl written one node per line, as the examples are.
# amtool comes from Debian's `prometheus-alertmanager` package, extracted into
# .ci-tools/alertmanager on first use.
set -euo pipefail

out="${1:?usage: $0 OUTPUT_DIR [WORKSPACE_DIR]}"
workspace="${2:-$(dirname "$out")}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.ci-tools/alertmanager"
amtool="$tools/usr/bin/amtool"
if [ ! -x "$amtool" ]; then
    work="$(mktemp -d)"
    (
        cd "$work"
        apt-get download prometheus-alertmanager >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download prometheus-alertmanager >/dev/null; }
        mkdir -p "$tools"
        dpkg-deb -x prometheus-alertmanager_*.deb "$tools"
    )
    rm -rf "$work"
fi

kdl="$workspace/gantry.kdl"
if [ ! -f "$kdl" ]; then
    echo "error: no gantry.kdl in $workspace" >&2
    exit 2
fi

# The value of property $1 on a line, or nothing.
prop() { grep -o "$1=\"[^\"]*\"" | head -n1 | sed -e "s/^$1=\"//" -e 's/"$//' || true; }

# team NAME PAGER CHAT, one per line, from the team blocks of gantry.kdl.
teams="$(awk '
    /^[[:space:]]*team "/ { match($0, /team "[^"]*"/); team = substr($0, RSTART + 6, RLENGTH - 7) }
    /^[[:space:]]*oncall / && team != "" { print team "\t" $0; team = "" }
' "$kdl")"

# The receiver a chat value names: a receiver of that name, or the slack receiver posting to
# that channel.
chat_receiver() {
    local chat="$1" line name
    if grep -q "^[[:space:]]*receiver \"$chat\"" "$kdl"; then
        echo "$chat"
        return
    fi
    while IFS= read -r line; do
        if [ "$(printf '%s' "$line" | prop channel)" = "$chat" ]; then
            name="${line#*receiver \"}"
            echo "${name%%\"*}"
            return
        fi
    done < <(grep '^[[:space:]]*receiver ".*kind="slack"' "$kdl")
}

route_test() {
    local config="$1" want="$2"
    shift 2
    if ! "$amtool" config routes test --config.file="$config" --verify.receivers="$want" "$@" >/dev/null 2>&1; then
        echo "FAIL $config: $* should reach $want, reaches $("$amtool" config routes test --config.file="$config" "$@" 2>/dev/null)" >&2
        return 1
    fi
    echo "ok   $* -> $want"
}

shopt -s nullglob
status=0
checked=0
for config in "$out"/*/alertmanager/alertmanager.yaml; do
    checked=$((checked + 1))
    "$amtool" check-config "$config" || { status=1; continue; }
    while IFS=$'\t' read -r team oncall; do
        [ -n "$team" ] || continue
        pager="$(printf '%s' "$oncall" | prop pager)"
        chat="$(printf '%s' "$oncall" | prop chat)"
        [ -n "$chat" ] && chat="$(chat_receiver "$chat")"
        page_to="${pager:-$chat}"
        ticket_to="${chat:-$pager}"
        [ -n "$page_to" ] || continue
        route_test "$config" "$page_to" owner="$team" severity=page feature=any alertname=any || status=1
        route_test "$config" "$ticket_to" owner="$team" severity=ticket feature=any alertname=any || status=1
    done <<< "$teams"
    route_test "$config" unrouted owner=no-such-team severity=page alertname=any || status=1
    route_test "$config" unrouted severity=page alertname=any || status=1
done
if [ "$checked" -eq 0 ]; then
    echo "error: no alertmanager output under $out/*/alertmanager/" >&2
    exit 1
fi
exit "$status"
