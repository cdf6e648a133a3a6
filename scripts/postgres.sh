#!/usr/bin/env bash
# Makes sure the local PostgreSQL 15 cluster is running and that the role the tests use
# exists and may create databases. Idempotent; needs root (it runs psql as `postgres`).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_CLUSTER_VERSION="${PG_CLUSTER_VERSION:-15}"
PG_CLUSTER_NAME="${PG_CLUSTER_NAME:-main}"

if ! command -v pg_ctlcluster >/dev/null; then
  echo "==> installing PostgreSQL from Debian"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

status=$(pg_lsclusters --no-header | awk -v v="$PG_CLUSTER_VERSION" -v n="$PG_CLUSTER_NAME" '$1 == v && $2 == n { print $4 }')
if [ "$status" != "online" ]; then
  echo "==> starting PostgreSQL $PG_CLUSTER_VERSION/$PG_CLUSTER_NAME"
  pg_ctlcluster "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" start
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

# The test role: a password login over TCP (what the tests' URL uses), allowed to create
# and drop its own databases, nothing more.
psql_as_postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guestroom') THEN
    CREATE ROLE guestroom LOGIN CREATEDB PASSWORD 'guestroom';
  END IF;
END
$$;
SELECT 'CREATE DATABASE guestroom OWNER guestroom'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'guestroom')\gexec
SQL
