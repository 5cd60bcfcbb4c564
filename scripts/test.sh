#!/usr/bin/env bash
# Runs every test: builds the solution, starts a throwaway PostgreSQL on a free loopback port,
# runs all test assemblies against it and prints one closing "N passed, N failed" line.
# TEST_TARGET picks another solution or project (default VillagePoints.sln).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
target="${TEST_TARGET:-VillagePoints.sln}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Browser tests drive Debian's chromium; Chinese pages need CJK fonts to render and measure. The notice PDF
# sets text in Noto Sans CJK and falls back to DejaVu Sans for the symbols it lacks.
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk fonts-dejavu-core >/dev/null 2>&1; then
  echo "Installing chromium, fonts-noto-cjk and fonts-dejavu-core..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk fonts-dejavu-core
fi

pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/pg_ctl" ] || continue
  if [ -z "$pg_bin" ] || [ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$pg_bin")")" ] 2>/dev/null; then
    pg_bin="$dir"
  fi
done
if [ -z "$pg_bin" ] && command -v pg_ctl >/dev/null 2>&1; then
  pg_bin="$(dirname "$(command -v pg_ctl)")"
fi
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH)." >&2
  exit 1
fi

pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/villagepoints-pg.XXXXXX")"
results="$(mktemp -d "${TMPDIR:-/tmp}/villagepoints-results.XXXXXX")"

# initdb and pg_ctl refuse to run as root, so root runs them as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "Running as root needs the 'postgres' system user to own the test cluster." >&2
    exit 1
  fi
  chown postgres: "$pg_dir"
  if command -v runuser >/dev/null 2>&1; then
    as_pg() { runuser -u postgres -- "$@"; }
  else
    as_pg() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
  fi
else
  as_pg() { "$@"; }
fi

cleanup() {
  if [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_dir" "$results"
}
trap cleanup EXIT

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log" >&2; exit 1; }
as_pg mkdir "$pg_dir/sock"

# Another process can take the chosen port before the server binds it; try a few.
port=""
for _ in 1 2 3 4 5; do
  candidate="$(free_port)"
  if as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
      -o "-F -p $candidate -k $pg_dir/sock -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
    port="$candidate"
    break
  fi
done
if [ -z "$port" ]; then
  echo "Could not start PostgreSQL; server log:" >&2
  cat "$pg_dir/server.log" >&2 || true
  exit 1
fi
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export VILLAGEPOINTS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Pooling=true"
VILLAGEPOINTS_CHROMIUM="$(command -v chromium)"
export VILLAGEPOINTS_CHROMIUM
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The tests start hundreds of app hosts; none needs to watch appsettings or static files for changes, and each
# watcher holds one of the kernel's few inotify instances per user (128 by default), so poll instead.
export DOTNET_hostBuilder__reloadConfigOnChange=false DOTNET_USE_POLLING_FILE_WATCHER=true

if ! dotnet build "$target" -c Release; then
  echo "The build failed, so no tests ran."
  echo "0 passed, 0 failed"
  exit 1
fi

# The OpenAPI linter (pinned by tools/openapi-lint/package-lock.json) checks the live document in OpenApiTests.
if ! npm ci --prefix tools/openapi-lint --no-audit --no-fund --loglevel=error; then
  echo "Installing the OpenAPI linter failed, so no tests ran."
  echo "0 passed, 0 failed"
  exit 1
fi

test_rc=0
dotnet test "$target" -c Release --no-build \
  --logger "console;verbosity=minimal" --logger trx --results-directory "$results" || test_rc=$?

# One line for the whole run, summed over every assembly's TRX counters.
summary="$(find "$results" -name '*.trx' -print0 | xargs -0 -r cat | awk '
  /<Counters / {
    n = split($0, parts, " ")
    for (i = 1; i <= n; i++) {
      if (split(parts[i], kv, "=") == 2) {
        gsub(/[^0-9]/, "", kv[2])
        c[kv[1]] += kv[2]
      }
    }
  }
  END {
    failed = c["failed"] + c["error"] + c["timeout"] + c["aborted"]
    printf "%d %d %d\n", c["passed"], failed, c["notExecuted"]
  }')"
read -r passed failed skipped <<<"${summary:-0 0 0}"

echo "Tests took $((SECONDS - started))s in all."
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi

if [ "$test_rc" -ne 0 ] || [ "$failed" -gt 0 ] || [ $((passed + failed)) -eq 0 ]; then
  exit 1
fi
