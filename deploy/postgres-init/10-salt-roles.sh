#!/bin/sh
# Run once by the postgres image on its first start (an empty data volume), as the superuser.
# Creates the two roles of docs/database-roles.md: salt_owner owns the schema and runs the
# migrations; salt_app is what the app connects as, and owns nothing, so it can neither disable
# the audit log's triggers nor alter the schema. Table privileges are granted by the migrate step.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  -v owner_password="$SALT_OWNER_PASSWORD" -v app_password="$SALT_APP_PASSWORD" <<'SQL'
CREATE ROLE salt_owner LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE salt_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE salt OWNER salt_owner;
\connect salt
ALTER SCHEMA public OWNER TO salt_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE salt TO salt_app;
GRANT USAGE ON SCHEMA public TO salt_app;
SQL
