#!/bin/sh
# Creates each service's role and database on the first start of the postgres container (the
# official image runs /docker-entrypoint-initdb.d/*.sh once, on an empty data directory): the role
# owns its database and nothing else, and no other role may connect to it. The roles, passwords and
# databases come from the services' DATABASE_URL files (compose secrets, made by
# scripts/generate-secrets.sh). Safe to run again, e.g. on a volume from before the roles existed:
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-init-databases.sh
# SERVICE_DATABASE_URL_FILES overrides the list; SERVICE_DATABASE_SQL where the SQL is.
set -eu

sql=${SERVICE_DATABASE_SQL:-$(dirname "$0")/service-database.sql}
for file in ${SERVICE_DATABASE_URL_FILES:-/run/secrets/user_database_url /run/secrets/order_database_url /run/secrets/payment_database_url}; do
  if [ ! -r "$file" ]; then
    echo "init-databases: cannot read $file (run scripts/generate-secrets.sh)" >&2
    exit 1
  fi
  psql --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" -v url_file="$file" -f "$sql"
done
