-- brickgate's purchases in PostgreSQL (brickgate.conf(5), PURCHASE
-- CONTEXTS; doc/design.md, The store).  Applied by `brickgate db init`,
-- which may run it any number of times: every statement leaves what is
-- already there alone.  The version in brickgate.schema_version is the
-- one this text makes; a later version adds its own statements below.
CREATE SCHEMA IF NOT EXISTS brickgate;

-- One row per purchase.  context holds exactly what a context file
-- holds: the storefront's fields and brickgate's records.  The
-- storefront inserts (id, context) once; updated_at is brickgate's.
CREATE TABLE IF NOT EXISTS brickgate.purchases (
	id		text PRIMARY KEY,
	context		jsonb NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS brickgate.schema_version (
	version		integer NOT NULL
);

-- Version 2.  The installation's secret, from which each attempt's
-- idempotency key is derived (doc/design.md, Durability): one row, made
-- by the first brickgate that needs it, never changed.
CREATE TABLE IF NOT EXISTS brickgate.installation (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	secret		bytea NOT NULL CHECK (length(secret) = 32)
);
