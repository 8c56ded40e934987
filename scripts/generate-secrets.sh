#!/bin/sh
# Makes the secrets docker-compose.yml mounts (compose `secrets:`), one file each, in ./secrets
# (or the directory given): random values from openssl, never committed (.gitignore has /secrets/).
# A file that exists is kept, so running this again changes nothing; delete a file to replace it
# (for a database or Redis password, then run the postgres init again or recreate the volume).
# The directory is private to you (0700); the files inside are 0644 because compose bind-mounts
# them as they are and the containers read them as their own users.
set -eu

dir=${1:-$(dirname "$0")/../secrets}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

# write NAME VALUE: only when absent
write() {
  if [ -e "$dir/$1" ]; then
    echo "generate-secrets: keeping $dir/$1"
    return
  fi
  printf '%s' "$2" >"$dir/$1"
  chmod 644 "$dir/$1"
  echo "generate-secrets: wrote $dir/$1"
}
# Hex passwords: safe inside URLs without escaping.
password() { openssl rand -hex 24; }
# The password inside an existing URL file, so that a kept URL and its role agree.
password_of() { sed -n 's|^[a-z]*://[^:]*:\([^@]*\)@.*$|\1|p' "$dir/$1" 2>/dev/null || true; }

write jwt_secret "$(openssl rand -base64 48 | tr -d '\n')"
write postgres_password "$(password)"
write grafana_admin_password "$(password)"
for pair in user:users order:orders payment:payments; do
  service=${pair%%:*}
  write "${service}_database_url" "postgres://${service}_service:$(password)@postgres:5432/${pair#*:}"
done
redis=$(password_of redis_url)
write redis_password "${redis:-$(password)}"
write redis_url "redis://:$(cat "$dir/redis_password")@redis:6379/0"
