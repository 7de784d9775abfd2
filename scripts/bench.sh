#!/usr/bin/env bash
# Benchmarks gantry at monorepo scale: for N synthetic features (default 100, 1,000 and 10,000),
# `gantry check` and `gantry build` (all targets) against their floors: the kdl crate alone
# parsing the same files, reading the inputs and writing the outputs, and the same expansion
# written in jsonnet and run with jrsonnet. Wall time is the median of 3 runs; memory is the peak
# resident set (GNU time). Prints a Markdown table; release builds.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)

cargo build --quiet --release --locked -p gantry-cli -p gantry-bench
gantry="$PWD/target/release/gantry"
workload="$PWD/target/release/gantry-workload"
floors="$PWD/target/release/gantry-floors"

venv=".ci-tools/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet rjsonnet
fi

# In memory where the machine has a tmpfs: the figures are then gantry's, not the disk's (on a
# well-used ext4, creating hundreds of thousands of files costs more than generating them).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    work="$(mktemp -d -p /dev/shm)"
else
    work="$(mktemp -d)"
fi
trap 'rm -rf "$work"' EXIT

# Median wall seconds and the largest peak RSS (MB) of 3 runs of a command.
measure() {
    local times=() peak=0
    for _ in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
            cat "$work/stderr" >&2
            return 1
        }
        read -r seconds kb <"$work/time"
        times+=("$seconds")
        [ "$kb" -gt "$peak" ] && peak="$kb"
    done
    local median
    median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
    echo "$median $((peak / 1024))"
}

json_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "| features | spec MB | gantry check | gantry build (all targets) | files written | kdl crate parse | read inputs | write outputs | jsonnet (jrsonnet) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    ws="$work/ws-$n"
    "$workload" --features "$n" --seed 1 --out "$ws"
    read -r check_s check_mb < <(measure "$gantry" check "$ws")
    read -r build_s build_mb < <(measure "$gantry" build "$ws")
    files="$(find "$ws/generated" -type f | wc -l)"
    kdl="$("$floors" kdl "$ws")"
    io="$("$floors" io "$ws" "$ws/generated")"
    bytes="$(json_field "$kdl" bytes)"
    read -r jsonnet_s jsonnet_mb < <(measure "$venv/bin/python" bench/jsonnet/run.py bench/jsonnet/expand.jsonnet "$ws/features.json" "$work/jsonnet-$n")
    printf '| %s | %.1f | %s s, %s MB | %s s, %s MB | %s | %.2f s | %.3f s | %.3f s | %s s, %s MB |\n' \
        "$n" "$(python3 -c "print($bytes / 1048576)")" "$check_s" "$check_mb" "$build_s" "$build_mb" "$files" \
        "$(json_field "$kdl" seconds)" "$(json_field "$io" read_seconds)" "$(json_field "$io" write_seconds)" \
        "$jsonnet_s" "$jsonnet_mb"
    rm -rf "$ws" "$work/jsonnet-$n"
done
