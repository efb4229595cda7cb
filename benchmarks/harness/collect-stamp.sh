#!/usr/bin/env bash
# hyperfine's --prepare step (not timed): record the previous competitor container's listen stamp, remove it,
# and record the realtime − monotonic offset.
# usage: collect-stamp.sh CONTAINER-NAME STAMP-FILE
set -euo pipefail
name=$1 stamps=$2
if docker inspect "$name" >/dev/null 2>&1; then
    line=$(docker logs "$name" 2>/dev/null | grep -m1 '^FIXTURE_LISTENING monotonic=' || true)
    echo "listen ${line#FIXTURE_LISTENING monotonic=}" >>"$stamps"
    docker rm -f "$name" >/dev/null
fi
# realtime − monotonic now, so that run.sh can map the $EPOCHREALTIME stamps onto CLOCK_MONOTONIC.
python3 -c 'import time; print("offset", repr(time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)))' >>"$stamps"
