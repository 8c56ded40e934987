#!/bin/sh
# Creates one database per service on the first start of the postgres container (the official
# image runs /docker-entrypoint-initdb.d/*.sh once, on an empty data directory). Safe to run
# again: a database that exists is left alone.
# SERVICE_DATABASES overrides the list (names of letters, digits and underscores).
set -eu

for database in ${SERVICE_DATABASES:-users orders payments}; do
  case "$database" in
    *[!a-z0-9_]* | '') echo "init-databases: refusing database name '$database'" >&2; exit 1 ;;
  esac
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" <<SQL
SELECT 'CREATE DATABASE "$database"'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database')\gexec
SQL
  echo "init-databases: database $database is ready"
done
