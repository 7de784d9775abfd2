#!/usr/bin/env bash
# Validates the terraform target's output of one build:
#   hclfmt   HashiCorp's own HCL parser (github.com/hashicorp/hcl/v2, the one terraform uses),
#            built from Debian's Go packages: every .tf file must parse, and hclfmt may change
#            only layout (it aligns `=` signs, which the serializer does not), never a token.
#   checkov  security misconfigurations of every generated folder; 0 failed checks, skips only
#            in .checkov-terraform.yaml, each with its reason.
#
# Usage: scripts/validate-terraform.sh OUTPUT_DIR
# OUTPUT_DIR is searched for folders below any `terraform/` folder (OUTPUT/ENV/terraform/FEATURE),
# or taken as one terraform folder when it holds none.
# No `terraform` binary is needed (nor could `terraform validate` run without downloading the
# provider). hclfmt is built once into .ci-tools/ (git-ignored) from packages that
# `apt-get download` fetches without installing them; checkov lives in .ci-tools/venv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: $0 OUTPUT_DIR}"
tools="$root/.ci-tools"
venv="$tools/venv"
hclfmt="$tools/hclfmt"

install_hclfmt() {
    echo "building hclfmt into $hclfmt (about a minute, once)"
    local debs="$tools/hcl-debs" tree="$tools/hcl-go"
    rm -rf "$debs" "$tree"
    mkdir -p "$debs" "$tree"
    # The Go toolchain and the HCL library with every Go library it needs, as Debian packages.
    local packages
    packages="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances --no-pre-depends \
        golang-github-hashicorp-hcl-v2-dev | grep -E '^golang-' | sort -u)"
    (
        cd "$debs"
        # shellcheck disable=SC2086
        apt-get download golang-1.19-go golang-1.19-src $packages >/dev/null 2>&1 || {
            apt-get update >/dev/null
            apt-get download golang-1.19-go golang-1.19-src $packages >/dev/null
        }
    )
    for deb in "$debs"/*.deb; do
        dpkg-deb -x "$deb" "$tree"
    done
    GOROOT="$tree/usr/lib/go-1.19" GOPATH="$tree/usr/share/gocode" GO111MODULE=off \
        GOPROXY=off GOFLAGS= GOCACHE="$tools/go-cache" \
        "$tree/usr/lib/go-1.19/bin/go" build -o "$hclfmt" \
        github.com/hashicorp/hcl/v2/cmd/hclfmt
    rm -rf "$debs" "$tools/go-cache"
}

if [[ ! -x "$hclfmt" ]]; then
    install_hclfmt
fi
if [[ ! -x "$venv/bin/checkov" ]]; then
    echo "installing checkov into $venv (about 2 minutes, once)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check checkov
fi

mapfile -t dirs < <(find "$out" -path '*/terraform/*' -type d -mindepth 1 | sort)
if [[ ${#dirs[@]} -eq 0 ]]; then
    dirs=("$out")
fi
mapfile -t files < <(for dir in "${dirs[@]}"; do find "$dir" -maxdepth 1 -name '*.tf'; done | sort)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "error: no .tf files under $out" >&2
    exit 1
fi

status=0
echo "hclfmt: ${#files[@]} files"
for file in "${files[@]}"; do
    if ! formatted="$("$hclfmt" "$file")"; then
        echo "hclfmt cannot parse $file" >&2
        status=1
        continue
    fi
    # Layout only: the same bytes once spaces and line breaks are gone.
    if [[ "$(tr -d ' \n' <"$file")" != "$(printf '%s' "$formatted" | tr -d ' \n')" ]]; then
        echo "hclfmt changes more than layout in $file:" >&2
        diff <(cat "$file") <(printf '%s\n' "$formatted") >&2 || true
        status=1
    fi
done

for dir in "${dirs[@]}"; do
    echo "checkov: $dir"
    if ! CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" \
        --config-file "$root/.checkov-terraform.yaml" \
        -d "$dir" --framework terraform --skip-download --compact --quiet; then
        status=1
    fi
done
exit $status
