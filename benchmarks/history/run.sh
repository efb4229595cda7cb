#!/usr/bin/env bash
# The history benchmark: synthetic histories of 1k, 10k and 100k runs (jittered copies of one run shaped like a
# `make bench` of the default suite, or of a real run with FROM=HISTORY RUN=ID), in a SQLite file and in
# PostgreSQL, and the median time of each reading command against both.
#
#   make history-bench                        # all sizes, both stores (100k takes a while to build, once)
#   SIZES="1000 10000" STORES=sqlite bash benchmarks/history/run.sh
#   CONTAINERBENCH_BENCH_POSTGRES_URL=postgresql://... bash benchmarks/history/run.sh   # an existing server
#
# Histories are kept in results/history-bench/ (and schemas bench_N of the server) and reused by later runs of
# the same size; the private server's data directory is kept there too (stopped at the end, started again next
# time), so PostgreSQL histories survive between runs.
# Results: results/history-bench/results.md (a Markdown table) and results.json.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES="${SIZES:-1000 10000 100000}"
STORES="${STORES:-sqlite postgresql}"
REPEATS="${REPEATS:-5}"
BIN="${BIN:-.build/release/containerbench}"
OUT=results/history-bench
mkdir -p "$OUT"

[ -x "$BIN" ] || { echo "history-bench: build first: swift build -c release" >&2; exit 1; }

started_server=0
if [[ " $STORES " == *" postgresql "* ]] && [ -z "${CONTAINERBENCH_BENCH_POSTGRES_URL:-}" ]; then
    # The tests' private server (127.0.0.1 only), kept for the whole benchmark and stopped at the end.
    CONTAINERBENCH_PG_PORT="${CONTAINERBENCH_PG_PORT:-55433}" CONTAINERBENCH_PG_DIR="$PWD/$OUT/postgres" \
        CONTAINERBENCH_PG_KEEP=1 bash .ci/postgres.sh start
    started_server=1
    CONTAINERBENCH_BENCH_POSTGRES_URL=$(CONTAINERBENCH_PG_PORT="${CONTAINERBENCH_PG_PORT:-55433}" bash .ci/postgres.sh url)
fi
stop_server() {
    if [ "$started_server" = 1 ]; then
        CONTAINERBENCH_PG_PORT="${CONTAINERBENCH_PG_PORT:-55433}" CONTAINERBENCH_PG_DIR="$PWD/$OUT/postgres" \
            CONTAINERBENCH_PG_KEEP=1 bash .ci/postgres.sh stop
    fi
}
trap stop_server EXIT

location() { # store size
    if [ "$1" = sqlite ]; then echo "$OUT/history-$2.sqlite"; else echo "$CONTAINERBENCH_BENCH_POSTGRES_URL&schema=bench_$2"; fi
}

for size in $SIZES; do
    for store in $STORES; do
        where=$(location "$store" "$size")
        # A marker says the history of this size was built completely (a killed build is built again).
        marker="$OUT/built-$store-$size"
        if [ ! -f "$marker" ]; then
            echo "history-bench: building $size runs in $store"
            [ "$store" = sqlite ] && rm -f "$where" "$where-wal" "$where-shm"
            if [ "$store" = postgresql ]; then
                psql -q "${CONTAINERBENCH_BENCH_POSTGRES_URL%%\?*}" -c "DROP SCHEMA IF EXISTS bench_$size CASCADE" >/dev/null
            fi
            # Up to 10,000 runs are written one by one (in batches); larger histories are that many runs cloned
            # in SQL to older dates (run by run they would take an hour here).
            runs=$size; times=1
            if [ "$size" -gt 10000 ]; then runs=10000; times=$(( size / 10000 )); fi
            "$BIN" history synthesize --to "$where" --runs "$runs" --replicate "$times" \
                ${FROM:+--from "$FROM"} ${RUN:+--run "$RUN"}
            "$BIN" gc --prune-history --history "$where" --quiet
            touch "$marker"
        fi
    done
done

python3 benchmarks/history/measure.py --binary "$BIN" --repeats "$REPEATS" --out "$OUT" \
    --sizes $SIZES --stores $STORES --sqlite "$OUT/history-{size}.sqlite" \
    --postgresql "${CONTAINERBENCH_BENCH_POSTGRES_URL:-}&schema=bench_{size}"
