#!/usr/bin/env bash
# Regenerates, for every benchmark service, the lock (uv.lock), the hash-pinned export pip installs from
# (requirements.txt) and the deps-change scenario variants (one extra dependency, relocked, re-exported).
#
# pyproject.toml + uv.lock are the source of truth; requirements.txt is derived from the lock so that the uv and
# pip images install the same distributions at the same versions. Idempotent: existing pins are kept (uv lock
# only moves what no longer satisfies pyproject.toml). LOCK_UPGRADE=1 moves every pin to the newest release.
#
# Usage: benchmarks/lock.sh [service ...]      (default: every service folder with a pyproject.toml)
set -euo pipefail

UV_VERSION=0.13.9
# The dependency the deps-change scenario adds: small, pure Python, no dependencies of its own, pinned so that
# rerunning this script changes nothing.
EXTRA_DEPENDENCY="tabulate==0.9.0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

find_uv() {
    if command -v uv >/dev/null 2>&1 && [[ "$(uv --version 2>/dev/null)" == "uv ${UV_VERSION}"* ]]; then
        command -v uv
        return
    fi
    # Not on PATH, or another version (lock files differ between uv versions): use a private, pinned copy.
    local tools="${XDG_CACHE_HOME:-$HOME/.cache}/containerbench/uv-${UV_VERSION}"
    if [[ ! -x "$tools/bin/uv" ]]; then
        echo "lock.sh: installing uv ${UV_VERSION} into $tools" >&2
        python3 -m venv "$tools"
        "$tools/bin/pip" install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
    fi
    echo "$tools/bin/uv"
}

UV="$(find_uv)"
upgrade=()
if [[ "${LOCK_UPGRADE:-0}" == "1" ]]; then
    upgrade=(--upgrade)
fi

export_requirements() {
    # $1: project directory. Same flags the README names; --locked fails if uv.lock is stale.
    (cd "$1" && "$UV" export --quiet --format requirements-txt --hashes --no-dev --no-emit-project --locked \
        --output-file requirements.txt)
}

lock_service() {
    local dir="$1" name
    name="$(basename "$dir")"
    echo "lock.sh: ${name}" >&2
    (cd "$dir" && "$UV" lock --quiet "${upgrade[@]}")
    export_requirements "$dir"

    # deps-change: the same project plus one dependency, locked starting from the service's own lock so every
    # other pin stays where it is (the scenario measures adding one package, not an upgrade of everything).
    local scenario="$dir/scenarios/deps-change" work
    work="$(mktemp -d)"
    cp "$dir/pyproject.toml" "$dir/uv.lock" "$work/"
    (cd "$work" && "$UV" add --quiet --no-sync "$EXTRA_DEPENDENCY")
    export_requirements "$work"
    mkdir -p "$scenario"
    cp "$work/pyproject.toml" "$work/uv.lock" "$work/requirements.txt" "$scenario/"
    rm -rf "$work"
}

services=("$@")
if [[ ${#services[@]} -eq 0 ]]; then
    for candidate in "$here"/*/; do
        [[ -f "$candidate/pyproject.toml" ]] && services+=("$(basename "$candidate")")
    done
fi
for service in "${services[@]}"; do
    if [[ ! -f "$here/$service/pyproject.toml" ]]; then
        echo "lock.sh: no $here/$service/pyproject.toml; services are the folders of $here with one" >&2
        exit 2
    fi
    lock_service "$here/$service"
done
