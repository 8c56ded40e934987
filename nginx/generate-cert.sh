#!/bin/sh
# Makes a self-signed certificate for the gateway's TLS port when none is present.
# usage: generate-cert.sh DIR  (writes DIR/gateway.crt and DIR/gateway.key)
set -eu
dir="${1:?usage: generate-cert.sh DIR}"
mkdir -p "$dir"
if [ -s "$dir/gateway.crt" ] && [ -s "$dir/gateway.key" ]; then
  exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/gateway.key" -out "$dir/gateway.crt" 2>/dev/null
chmod 600 "$dir/gateway.key"
echo "generated a self-signed certificate in $dir"
