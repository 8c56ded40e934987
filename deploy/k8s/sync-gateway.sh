#!/bin/sh
# Copies the gateway's nginx template and static pages into the base kustomization, which can only
# read files under its own root. The deploy test fails while a copy differs from its original:
# run this after every change under nginx/templates or nginx/html.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/deploy/k8s/base/gateway"
cp "$root/nginx/templates/gateway.conf.template" "$target/gateway.conf.template"
rm -rf "$target/html"
cp -R "$root/nginx/html" "$target/html"
echo "copied nginx/templates/gateway.conf.template and nginx/html/ into deploy/k8s/base/gateway/"
# The roles Job's SQL, also under the kustomization's root.
cp "$root/docker/postgres/service-database.sql" "$root/deploy/k8s/base/database/service-database.sql"
echo "copied docker/postgres/service-database.sql into deploy/k8s/base/database/"
