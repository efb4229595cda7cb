#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests and the history benchmark: its own data directory and port, listening
# on 127.0.0.1 only, password (SCRAM) auth for TCP, so nothing outside this machine can reach it.
#
#   .ci/postgres.sh run -- COMMAND...   start, export CONTAINERBENCH_TEST_POSTGRES_URL, run COMMAND, stop (also
#                                       when COMMAND fails or is interrupted); exits with COMMAND's status
#   .ci/postgres.sh start | stop | url  the same steps one at a time
#
# CONTAINERBENCH_PG_PORT and CONTAINERBENCH_PG_DIR choose the port and the data directory;
# CONTAINERBENCH_PG_TLS=DIR turns TLS on with DIR/server-cert.pem and DIR/server-key.pem (the TLS tests); with
# CONTAINERBENCH_PG_KEEP=1 an existing cluster is started again and stop leaves its data (the history benchmark
# keeps its large histories that way).
#
# Debian's postgresql is installed when missing (root only). initdb refuses to run as root, so the server runs as
# the postgres user when the script runs as root.
set -euo pipefail

PGPORT="${CONTAINERBENCH_PG_PORT:-55432}"
PGDATA_DIR="${CONTAINERBENCH_PG_DIR:-/tmp/containerbench-pg-$PGPORT}"
PGUSER_NAME=containerbench
PGPASSWORD_VALUE=containerbench-test
PGDATABASE_NAME=containerbench_test

bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_server() {
    if bin_dir >/dev/null; then return 0; fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgres: no PostgreSQL server (apt-get install postgresql needs root)" >&2
        return 1
    fi
    echo "postgres: installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin_dir >/dev/null
}

# Runs a server binary as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() {
    echo "postgresql://$PGUSER_NAME:$PGPASSWORD_VALUE@127.0.0.1:$PGPORT/$PGDATABASE_NAME?sslmode=disable"
}

start() {
    install_server
    local bin
    bin=$(bin_dir)
    if [ -f "$PGDATA_DIR/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        echo "postgres: already running on 127.0.0.1:$PGPORT ($PGDATA_DIR)"
        return 0
    fi
    if [ "${CONTAINERBENCH_PG_KEEP:-0}" = 1 ] && [ -f "$PGDATA_DIR/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
            -o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
            || { tail -20 "$PGDATA_DIR/server.log" >&2; exit 1; }
        echo "postgres: running on 127.0.0.1:$PGPORT ($PGDATA_DIR, kept)"
        return 0
    fi
    rm -rf "$PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    local pwfile="$PGDATA_DIR.pw"
    echo "$PGPASSWORD_VALUE" >"$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pwfile"
    # The superuser logs in over the cluster's own socket (in its data directory) only; TCP needs the password.
    as_owner "$bin/initdb" -D "$PGDATA_DIR" -U postgres --pwfile="$pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C >"$PGDATA_DIR.initdb.log" 2>&1 \
        || { cat "$PGDATA_DIR.initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
    local tls_options=""
    if [ -n "${CONTAINERBENCH_PG_TLS:-}" ]; then
        # The server reads its key only when its owner alone can.
        cp "$CONTAINERBENCH_PG_TLS/server-cert.pem" "$CONTAINERBENCH_PG_TLS/server-key.pem" "$PGDATA_DIR/"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA_DIR/server-cert.pem" "$PGDATA_DIR/server-key.pem"
        chmod 600 "$PGDATA_DIR/server-key.pem"
        tls_options="-c ssl=on -c ssl_cert_file=$PGDATA_DIR/server-cert.pem -c ssl_key_file=$PGDATA_DIR/server-key.pem"
    fi
    as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off $tls_options" \
        start >/dev/null || { tail -20 "$PGDATA_DIR/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$PGDATA_DIR" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE $PGUSER_NAME LOGIN PASSWORD '$PGPASSWORD_VALUE';
CREATE DATABASE $PGDATABASE_NAME OWNER $PGUSER_NAME;
SQL
    echo "postgres: running on 127.0.0.1:$PGPORT ($PGDATA_DIR)"
}

stop() {
    local bin
    bin=$(bin_dir) || return 0
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [ "${CONTAINERBENCH_PG_KEEP:-0}" = 1 ]; then echo "postgres: stopped (data kept in $PGDATA_DIR)"; return 0; fi
    rm -rf "$PGDATA_DIR" "$PGDATA_DIR.initdb.log" "$PGDATA_DIR.pw"
    echo "postgres: stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    run)
        shift
        [ "${1:-}" = "--" ] && shift
        start
        trap stop EXIT INT TERM
        CONTAINERBENCH_TEST_POSTGRES_URL="$(url)" "$@"
        ;;
    *)
        echo "usage: $0 start|stop|url|run -- COMMAND..." >&2
        exit 64
        ;;
esac
