"""Runs bench/jsonnet/expand.jsonnet with jrsonnet (the rjsonnet binding) over a workspace's
features.json and writes every file it returns, as `jsonnet -m` would."""

import json
import os
import sys

import rjsonnet


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: run.py EXPAND.jsonnet FEATURES.json OUTPUT_DIR", file=sys.stderr)
        return 2
    program, features, output = sys.argv[1:]
    with open(features, encoding="utf-8") as f:
        features_code = f.read()
    files = rjsonnet.evaluate_file(program, ext_codes={"features": features_code})
    for name, text in json.loads(files).items():
        path = os.path.join(output, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
