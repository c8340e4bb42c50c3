# shellcheck shell=bash
# Provisions a local PostgreSQL server for the test suite (sourced by .ci/run).
#
# After `ensure_postgres` returns, OMS_TEST_POSTGRES holds an Npgsql connection string for a
# role that may create databases (the storage tests create one database per test class).
# Only loopback addresses are used.
#
# Knobs (environment):
#   OMS_TEST_POSTGRES     when already set, provisioning is skipped and that server is used as is
#   OMS_PG_USER / OMS_PG_PASSWORD / OMS_PG_DATABASE   role, password and default database (oms/oms/oms_test)
#   OMS_PG_READY_TIMEOUT  seconds to wait for the server to accept connections (default 60)

pg_log() { printf '[ci/postgres] %s\n' "$*" >&2; }

# Runs a command as the postgres OS user (we are root in CI; fall back to sudo otherwise).
pg_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    # cd / first: the postgres user may not be allowed into the current directory.
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
  elif command -v sudo >/dev/null 2>&1; then
    (cd / && sudo -n -u postgres -- "$@")
  else
    pg_log "need root (or passwordless sudo) to administer the local PostgreSQL cluster"
    return 1
  fi
}

pg_install_if_missing() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1 \
     && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    return 0
  fi
  pg_log "PostgreSQL server not found; installing Debian's postgresql package"
  if [ "$(id -u)" -ne 0 ]; then
    pg_log "cannot install postgresql: not running as root"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

# Prints "<version> <cluster> <port> <status>" for the first cluster, creating one if none exists.
pg_pick_cluster() {
  local line
  line="$(pg_lsclusters --no-header 2>/dev/null | awk 'NF>=4 {print $1, $2, $3, $4; exit}')"
  if [ -z "$line" ]; then
    local version
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    [ -n "$version" ] || { pg_log "no PostgreSQL version under /usr/lib/postgresql"; return 1; }
    pg_log "no cluster found; creating cluster $version/main"
    pg_createcluster "$version" main >/dev/null
    line="$(pg_lsclusters --no-header | awk 'NF>=4 {print $1, $2, $3, $4; exit}')"
  fi
  printf '%s\n' "$line"
}

pg_wait_ready() {
  local port="$1" timeout="${OMS_PG_READY_TIMEOUT:-60}" waited=0
  until pg_isready -q -h 127.0.0.1 -p "$port"; do
    if [ "$waited" -ge "$timeout" ]; then
      pg_log "PostgreSQL on 127.0.0.1:$port not ready after ${timeout}s"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# The suite runs several test assemblies at once, each with silos and connection pools of its own: the
# default of 100 connections is too few. Raises max_connections (a restart) when it is below the target.
pg_ensure_max_connections() {
  local version="$1" cluster="$2" port="$3" target="${OMS_PG_MAX_CONNECTIONS:-400}" current
  current="$(pg_as_postgres psql -tAq -p "$port" -d postgres -c 'SHOW max_connections' 2>/dev/null || echo 0)"
  if [ "${current:-0}" -ge "$target" ] 2>/dev/null; then return 0; fi
  pg_log "max_connections is ${current:-unknown}; raising it to $target (restart)"
  pg_as_postgres psql -v ON_ERROR_STOP=1 -q -p "$port" -d postgres -c "ALTER SYSTEM SET max_connections = $target" >/dev/null
  pg_ctlcluster "$version" "$cluster" restart
  pg_wait_ready "$port"
}

ensure_postgres() {
  if [ -n "${OMS_TEST_POSTGRES:-}" ]; then
    pg_log "OMS_TEST_POSTGRES is set; using that server and skipping local provisioning"
    export OMS_TEST_POSTGRES
    return 0
  fi

  local user="${OMS_PG_USER:-oms}" password="${OMS_PG_PASSWORD:-oms}" database="${OMS_PG_DATABASE:-oms_test}"
  pg_install_if_missing

  local version cluster port status
  read -r version cluster port status < <(pg_pick_cluster)
  pg_log "cluster $version/$cluster on port $port is $status"
  if [ "$status" != "online" ]; then
    # "already running" races (another process started it meanwhile) are fine: check status again.
    if ! pg_ctlcluster "$version" "$cluster" start 2>/tmp/oms-pg-start.err; then
      if pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
        pg_log "cluster was already running"
      else
        cat /tmp/oms-pg-start.err >&2
        pg_log "failed to start cluster $version/$cluster (log: /var/log/postgresql/postgresql-$version-$cluster.log)"
        tail -n 20 "/var/log/postgresql/postgresql-$version-$cluster.log" >&2 2>/dev/null || true
        return 1
      fi
    fi
  fi
  pg_wait_ready "$port"
  pg_ensure_max_connections "$version" "$cluster" "$port"

  # Role and database, idempotently. The role needs CREATEDB: each test class creates its own database.
  pg_as_postgres psql -v ON_ERROR_STOP=1 -q -p "$port" -d postgres \
    -v role="$user" -v pwd="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', :'role', :'pwd')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN SUPERUSER PASSWORD %L', :'role', :'pwd') \gexec
SQL
  pg_as_postgres psql -v ON_ERROR_STOP=1 -q -p "$port" -d postgres \
    -v role="$user" -v db="$database" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

  export OMS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=$database"
  # Prove the exported connection works over TCP with password auth before any test relies on it.
  if ! PGPASSWORD="$password" psql -h 127.0.0.1 -p "$port" -U "$user" -d "$database" -tAc 'SELECT 1' >/dev/null; then
    pg_log "cannot connect as $user to 127.0.0.1:$port/$database"
    return 1
  fi
  pg_log "ready: Host=127.0.0.1;Port=$port;Username=$user;Database=$database"
}
