#!/usr/bin/env bash
# Validates generated Kubernetes manifests with the tools a cluster's CI would use:
#   kubernetes-validate --strict   every core object against the Kubernetes 1.37 schemas
#                                  (unknown fields fail); CRDs (Rollout, AnalysisTemplate,
#                                  FeatureFlag, ServiceMonitor) are validated by the Rust tests
#                                  against stdlib/schemas/crds instead.
#   checkov                        security misconfigurations; 0 failed checks, skips only in
#                                  .checkov.yaml, each with its reason.
#
# Usage: scripts/validate-kubernetes.sh OUTPUT_DIR
# OUTPUT_DIR is searched for *.yaml below any `kubernetes/` folder (OUTPUT/ENV/kubernetes/…),
# or taken as a whole when it holds none.
# The tools are installed once into .ci-tools/venv (git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: $0 OUTPUT_DIR}"
venv="$root/.ci-tools/venv"

if [[ ! -x "$venv/bin/checkov" || ! -x "$venv/bin/kubernetes-validate" ]]; then
    echo "installing kubernetes-validate and checkov into $venv (about 2 minutes, once)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate checkov
fi

mapfile -t dirs < <(find "$out" -type d -name kubernetes | sort)
if [[ ${#dirs[@]} -eq 0 ]]; then
    dirs=("$out")
fi

# Core objects only: kubernetes-validate skips a CRD with a warning and exit 0, which would
# read as a pass.
core=()
for dir in "${dirs[@]}"; do
    while IFS= read -r file; do
        api_version="$(grep -m1 '^apiVersion:' "$file" | awk '{print $2}')"
        case "$api_version" in
            v1 | apps/v1 | autoscaling/v2 | policy/v1 | networking.k8s.io/v1 | rbac.authorization.k8s.io/v1)
                core+=("$file") ;;
        esac
    done < <(find "$dir" -name '*.yaml' | sort)
done
if [[ ${#core[@]} -eq 0 ]]; then
    echo "no Kubernetes manifests under $out" >&2
    exit 1
fi

echo "kubernetes-validate --strict: ${#core[@]} files"
"$venv/bin/kubernetes-validate" --strict --quiet "${core[@]}"

# checkov does not scan Argo Rollouts (it finds 0 resources): it scans a copy of each folder in
# which every Rollout is the Deployment it would be, pod template and all, beside the
# NetworkPolicies and Services that go with it.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for i in "${!dirs[@]}"; do
    copy="$scratch/$i"
    cp -r "${dirs[$i]}" "$copy"
    while IFS= read -r file; do
        "$venv/bin/python" - "$file" <<'PY'
import sys, yaml
path = sys.argv[1]
with open(path) as f:
    doc = yaml.safe_load(f)
doc["apiVersion"], doc["kind"] = "apps/v1", "Deployment"
doc["spec"].pop("strategy", None)
with open(path, "w") as f:
    yaml.safe_dump(doc, f)
PY
    done < <(find "$copy" -name 'rollout-*.yaml' | sort)
    echo "checkov: ${dirs[$i]} (Rollouts as Deployments)"
    if ! CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" \
        --config-file "$root/.checkov.yaml" \
        -d "$copy" --framework kubernetes --skip-download --compact --quiet; then
        status=1
    fi
done
exit $status
