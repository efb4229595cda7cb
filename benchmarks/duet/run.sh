#!/usr/bin/env bash
# Does the duet design (Bulej et al., "Duet Benchmarking", 2020: A and B run at the same time and are compared
# pair by pair) make container startup comparisons more precise on this machine than interleaved trials?
#
# Measures A/A comparisons of the fixture image (the same Dockerfile on both sides, so the true ratio is 1) in
# BATCHES batches of TRIALS trials a side, once interleaved (A B, B A, ...) and once as duets, and prints for each
# design the spread of the log-ratio estimates across batches (the precision that matters), the mean standard error
# the test reported, the pairs' correlation (duet) and the median startup (duets start two containers at once).
#
# Usage: benchmarks/duet/run.sh [BATCHES] [TRIALS]      (default 8 batches of 12 trials a side; ~5 minutes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
batches="${1:-8}"
trials="${2:-12}"
bin="$root/.build/release/containerbench"
[[ -x "$bin" ]] || bin="$root/.build/debug/containerbench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
common=(ab --dockerfile "$root/benchmarks/fixture/Dockerfile.uv" --dockerfile "$root/benchmarks/fixture/Dockerfile.uv"
    --port 18299 --env FIXTURE_PORT=18299 --env FIXTURE_HOST=127.0.0.1 --memory-window 0s --trials "$trials"
    --suite "$root/benchmarks/suite.yaml" --history "$work/history.sqlite" --json --quiet)
for batch in $(seq 1 "$batches"); do
    # Alternate which design goes first, so that a machine drifting over the minutes does not favour one.
    if (( batch % 2 )); then order=(interleaved duet); else order=(duet interleaved); fi
    for design in "${order[@]}"; do
        extra=()
        [[ "$design" == duet ]] && extra=(--duet-port-env FIXTURE_PORT --duet-port 18298)
        "$bin" "${common[@]}" "${extra[@]}" > "$work/$design-$batch.json" || true
        echo "batch $batch $design done" >&2
    done
done
python3 "$here/analyze.py" "$work"
