# Shared by .ci/run and scripts/pg-dev: start/stop a private PostgreSQL server for kaoping's tests.
# Source this file, then call `pg_server_start DIR` (sets KAOPING_TEST_PG, PG_SERVER_DIR) and
# `pg_server_stop DIR`. The server listens on 127.0.0.1 only, on a free port, with trust auth for
# the superuser `postgres`; its data and socket live in DIR. Never use it for real data.

pg_bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

pg_ensure_binaries() {
  if pg_bin_dir >/dev/null; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "pg-server: PostgreSQL binaries not found; install them (apt-get install postgresql) and retry" >&2
    return 1
  fi
  echo "== installing PostgreSQL with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  pg_bin_dir >/dev/null || { echo "pg-server: apt installed postgresql but no initdb found" >&2; return 1; }
}

# Run a PostgreSQL binary as the `postgres` OS user when we are root (initdb refuses root).
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_server_start() {
  local dir="$1" bin port
  pg_ensure_binaries
  bin="$(pg_bin_dir)"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  port="$(pg_free_port)"
  # fsync off: a throwaway test server, speed matters more than surviving a power cut.
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  echo "$port" >"$dir/port"
  PG_SERVER_DIR="$dir"
  KAOPING_TEST_PG="postgresql://postgres@127.0.0.1:$port"
  export KAOPING_TEST_PG PG_SERVER_DIR
}

pg_server_stop() {
  local dir="$1" bin
  [ -f "$dir/data/postmaster.pid" ] || return 0
  bin="$(pg_bin_dir)" || return 0
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
