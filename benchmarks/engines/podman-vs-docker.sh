#!/usr/bin/env bash
# Podman vs Docker on this machine, for the fixture: the same suite, trials and cold builds measured once through
# the shared dockerd and once through a Podman service of this script's own (storage under
# /tmp/containerbench-podman, stopped at the end), then one table of startup median, memory peak and cold build
# time per driver. Usage: bash benchmarks/engines/podman-vs-docker.sh [TRIALS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-10}"
bin=.build/release/containerbench
[ -x "$bin" ] || bin=.build/debug/containerbench
root=/tmp/containerbench-podman
socket="$root/podman.sock"
out="$(mktemp -d /tmp/containerbench-engines-XXXXXX)"
mkdir -p "$root/storage" "$root/run"
nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
nofile=$(ulimit -Hn)
cat > "$root/bench-containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"
CONF
rm -f "$socket"
CONTAINERS_CONF="$root/bench-containers.conf" podman --root "$root/storage" --runroot "$root/run" \
  system service --time=0 "unix://$socket" > "$out/podman-service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
for image in containerbench/python:3.11-bookworm containerbench/uv:0.13.9; do
  if ! podman --remote --url "unix://$socket" image exists "$image"; then
    DOCKER_HOST=unix:///var/run/docker.sock /usr/bin/docker save -o "$out/base.tar" "$image"
    podman --remote --url "unix://$socket" load -i "$out/base.tar" > /dev/null
  fi
done
for engine in docker podman; do
  url=unix:///var/run/docker.sock; [ "$engine" = podman ] && url="unix://$socket"
  "$bin" run --engine "$url" --suite benchmarks/suite.yaml --service fixture --trials "$trials" --scenarios cold \
    --baseline none --label "engines-$engine" --history "$out/history.sqlite" --results-dir "$out/runs" \
    --json "$out/$engine.json" --quiet || true
done
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rows = {}
for engine in ("docker", "podman"):
    report = json.load(open(f"{out}/{engine}.json"))
    for s in report["summaries"]:
        if s["service"] != "fixture":
            continue
        key = (engine, s["driver"])
        if s["metric"] == "startup_seconds":
            rows.setdefault(key, {})["startup"] = (s["median"], s["p95"], s["n"])
        elif s["metric"] == "memory_peak_bytes":
            rows.setdefault(key, {})["memory"] = s["median"]
        elif s["metric"] == "build_seconds" and s.get("scenario") == "cold":
            rows.setdefault(key, {})["build"] = s["median"]
print("| engine | driver | cold build | startup median (p95) | peak memory (median) | trials |")
print("|---|---|---|---|---|---|")
for (engine, driver), r in sorted(rows.items(), key=lambda kv: (kv[0][1] != "uv", kv[0][1], kv[0][0])):
    median, p95, n = r.get("startup", (float("nan"),) * 3)
    print(f"| {engine} | {driver} | {r.get('build', float('nan')):.2f} s | {median * 1000:.0f} ms ({p95 * 1000:.0f}) "
          f"| {r.get('memory', float('nan')) / 1e6:.1f} MB | {n} |")
PY
echo "history and reports: $out"
