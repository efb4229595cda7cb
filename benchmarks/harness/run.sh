#!/usr/bin/env bash
# Measures containerbench itself on the fixture, and side by side the way startup is commonly timed today
# (hyperfine + docker run + curl loop), against the fixture's own listen stamp (ground truth).
# See README.md for what is measured and how to read it. Usage: bash benchmarks/harness/run.sh
#
# Knobs (environment): CONTAINERBENCH (binary, default .build/release/containerbench), HARNESS_RUNS (trials and
# hyperfine runs, default 15), HARNESS_PORT (default 18330), HARNESS_POLL (curl loop sleep, default 0.1 s),
# HARNESS_OUT (output folder), CONTAINERBENCH_LOCK (host lock, default a private one so others are not blocked).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/benchmarks/harness
bin=${CONTAINERBENCH:-$root/.build/release/containerbench}
runs=${HARNESS_RUNS:-15}
small=3
port=${HARNESS_PORT:-18330}
poll=${HARNESS_POLL:-0.1}
out=${HARNESS_OUT:-$root/results/harness/$(date -u +%Y%m%dT%H%M%SZ)}
export CONTAINERBENCH_LOCK=${CONTAINERBENCH_LOCK:-/tmp/containerbench-harness-$(id -u).lock}
name=containerbench-harness-competitor-$$

for tool in hyperfine curl docker python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (make setup installs hyperfine)" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "run.sh: $bin is not built; run 'swift build -c release' (make harness-bench does)" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: something already listens on 127.0.0.1:$port; set HARNESS_PORT" >&2
    exit 1
fi
mkdir -p "$out"
echo "harness benchmark: $runs trials per tool, port $port, output $out"

# A suite of one service: the fixture, built with uv, stamping its listen time, on our own port.
cat >"$out/suite.yaml" <<YAML
version: 1
base_images:
  python:3.12-slim-bookworm: containerbench/python:3.11-bookworm
  ghcr.io/astral-sh/uv:0.13.9: containerbench/uv:0.13.9
services:
  - name: harness-fixture
    context: $root/benchmarks/fixture
    port: $port
    health: {path: /health, status: 200}
    drivers:
      uv: {dockerfile: Dockerfile.uv}
    ready_timeout: 30
    memory_window: 0.5
    environment: {FIXTURE_STAMP: "1", FIXTURE_PORT: "$port"}
YAML

# containerbench: a small and a large run (warm builds, no floor); CPU per trial is the difference / extra trials.
cb_run() {
    local trials=$1 tag=$2
    /usr/bin/time -f "%U %S %e" -o "$out/$tag.time" \
        "$bin" run --suite "$out/suite.yaml" --targets none --baseline none --no-floor --scenarios warm \
        --trials "$trials" --history "$out/history.sqlite" --results-dir "$out/runs" --json "$out/$tag.json" \
        --label harness --verbose >"$out/$tag.out" 2>"$out/$tag.log" || {
        echo "run.sh: containerbench run ($tag) failed, see $out/$tag.log" >&2
        tail -20 "$out/$tag.log" >&2
        exit 1
    }
}
echo "containerbench: $small trials (builds the image), then $runs trials"
cb_run "$small" cb-small
cb_run "$runs" cb-large
# A run removes its own tags when it ends and keeps the image it measured as containerbench-kept/SERVICE:DRIVER-RUNID
# (docs/security.md): the competitor times that very image. Run ids sort by time: the newest is the large run's.
kept=$(docker images containerbench-kept/harness-fixture --format '{{.Tag}}' | grep '^uv-' | sort | tail -1)
[[ -n $kept ]] || { echo "run.sh: containerbench kept no image of harness-fixture" >&2; exit 1; }
image=containerbench-kept/harness-fixture:$kept

# The competitor on the same image: hyperfine times docker run -d + curl loop; the previous container's
# stamp is collected and the container removed in --prepare, outside the timed command.
echo "competitor: hyperfine, $runs runs of docker run -d + curl loop (sleep $poll)"
: >"$out/competitor.stamps"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
hyperfine -N --runs "$runs" --export-json "$out/hyperfine.json" \
    --prepare "bash $here/collect-stamp.sh $name $out/competitor.stamps" \
    "bash $here/docker-run-curl.sh $image $port $name $out/competitor.stamps $poll" >"$out/hyperfine.out"
bash "$here/collect-stamp.sh" "$name" "$out/competitor.stamps"

python3 "$here/analyze.py" "$out" "$small" "$runs" | tee "$out/summary.md"
