#!/usr/bin/env bash
# Builds and installs the pgvector extension for the local PostgreSQL from Debian trixie's source
# package (this Debian release does not package it). Idempotent: does nothing when it is installed.
# Elsewhere, install your distribution's package (e.g. postgresql-16-pgvector) or use a managed
# PostgreSQL that ships it; Folio needs `CREATE EXTENSION vector` to succeed.
set -euo pipefail

PG_CONFIG=${PG_CONFIG:-$(ls -d /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_CONFIG" ] || [ ! -x "$PG_CONFIG" ]; then
  echo "build-pgvector: no pg_config found (is PostgreSQL installed?)" >&2
  exit 1
fi
SHAREDIR=$("$PG_CONFIG" --sharedir)
if [ -f "$SHAREDIR/extension/vector.control" ]; then
  echo "pgvector is already installed ($SHAREDIR/extension/vector.control)"
  exit 0
fi
PG_MAJOR=$("$PG_CONFIG" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')

SRC_LIST=/etc/apt/sources.list.d/folio-trixie-src.list
if ! grep -qs 'trixie' "$SRC_LIST"; then
  echo 'deb-src http://deb.debian.org/debian trixie main' > "$SRC_LIST"
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev >/dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get source -qq --download-only pgvector >/dev/null
dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null
cd src
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "pgvector installed for PostgreSQL $PG_MAJOR"
