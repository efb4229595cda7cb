#!/usr/bin/env bash
# The competitor: how container startup is commonly timed today. `hyperfine` runs this script; its time is
# "docker run -d, then curl the health URL until it answers 200". Not product code: benchmarks/harness/run.sh
# compares it with containerbench on the same image and the same ground truth.
#
# usage: docker-run-curl.sh IMAGE PORT CONTAINER-NAME STAMP-FILE [POLL-SECONDS]
# Appends "start <realtime>" and "end <realtime>" (bash's $EPOCHREALTIME, no subprocess) to STAMP-FILE so that
# run.sh can place the run on the host's clock; the container is left running for collect-stamp.sh.
set -euo pipefail
image=$1 port=$2 name=$3 stamps=$4 poll=${5:-0.1}
echo "start $EPOCHREALTIME" >>"$stamps"
docker run -d --network host --name "$name" -e FIXTURE_STAMP=1 -e "FIXTURE_PORT=$port" "$image" >/dev/null
until curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do sleep "$poll"; done
echo "end $EPOCHREALTIME" >>"$stamps"
