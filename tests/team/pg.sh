#!/usr/bin/env bash
# A throwaway PostgreSQL for the team tests: a fresh cluster in a temporary
# folder, listening on a loopback port only, trusting local connections,
# run as an unprivileged user (the `postgres` account when called as root),
# with TLS on (a throwaway CA's certificate, `DIR/ca.crt`) when openssl is
# installed.
#
#   tests/team/pg.sh start [PORT] [WATCH_PID]   prints the server's URL
#   tests/team/pg.sh stop DIR
#
# With WATCH_PID, the server stops by itself when that process ends (a test
# binary that starts it has no other way to say goodbye).
set -euo pipefail

bin_dir() {
    if command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$found" ] || { echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 3; }
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    BIN=$(bin_dir)
    PORT=${2:-$(( 20000 + RANDOM % 20000 ))}
    WATCH=${3:-}
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/cockpit-pg.XXXXXX")
    chmod 755 "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; exit 3; }
    # TLS with a throwaway certificate authority when openssl is there:
    # ca.crt is the root a client verifies against (sslrootcert), the
    # server's certificate names 127.0.0.1 and localhost.
    SSL=""
    if command -v openssl >/dev/null 2>&1; then
        ( cd "$DIR"
          openssl req -new -x509 -days 3 -nodes -subj "/CN=cockpit test CA" -keyout ca.key -out ca.crt
          openssl req -new -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
          printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > server.ext
          openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3 \
              -extfile server.ext -out server.crt
          chmod 600 server.key ca.key ) >"$DIR/openssl.log" 2>&1 \
            && SSL="-c ssl=on -c ssl_cert_file=$DIR/server.crt -c ssl_key_file=$DIR/server.key"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"/server.* "$DIR"/ca.*; fi
    fi
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200 $SSL" start >/dev/null \
        || { cat "$DIR/server.log" >&2; exit 3; }
    if [ -n "$WATCH" ]; then
        ( while kill -0 "$WATCH" 2>/dev/null; do sleep 1; done
          as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
          rm -rf "$DIR" ) </dev/null >/dev/null 2>&1 &
    fi
    echo "postgres://postgres@127.0.0.1:$PORT/postgres $DIR"
    ;;
stop)
    BIN=$(bin_dir)
    DIR=${2:?pg.sh stop DIR}
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
*)
    echo "usage: pg.sh start [PORT] [WATCH_PID] | stop DIR" >&2
    exit 2
    ;;
esac
