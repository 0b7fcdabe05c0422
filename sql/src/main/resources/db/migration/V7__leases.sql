-- Leases, as etcd has them (issue 15): a lease is granted with a TTL in seconds, keys are attached to
-- it by a put, and when it is revoked or expires every key still attached is deleted, as tombstones
-- of one transaction (consecutive revisions, one batch for watchers).
--
-- Expiry times live here, not in a server's memory, so they survive restarts, and they are measured
-- with the database's clock (now()): with several admin servers it is the one clock they share.
-- A key's lease is recorded in its row (kv.lease, 0 for none), as etcd keeps it in its KeyValue:
--   * a put with a lease attaches the key, a put without one detaches it (etcd's lease 0);
--   * a delete detaches it: its tombstone has lease 0;
--   * the keys of a lease are those whose newest row carries it (kv_lease_keys).
--
-- The functions are in R__kv_functions.sql. Those whose signature gains a lease argument cannot be
-- replaced in place (a new argument makes a new function), so they are dropped here and created
-- again by R__, which Flyway runs after this file:
--   * kv_append_with_prev, kv_append and kv_put get p_lease (DEFAULT 0, so their callers' calls stay
--     valid);
--   * kv_put_many_with_prev gets p_leases (DEFAULT NULL: no leases).

ALTER TABLE kv ADD COLUMN lease bigint NOT NULL DEFAULT 0;  -- no rewrite: a constant default
-- only rows that carry a lease: a put without one adds nothing to this index
CREATE INDEX kv_lease ON kv (lease) WHERE lease <> 0;

CREATE TABLE lease (
    id         bigint PRIMARY KEY CHECK (id <> 0),       -- 0 is etcd's "no lease"
    ttl        bigint      NOT NULL CHECK (ttl > 0),     -- seconds, as granted (after the minimum)
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL                       -- renewed by keep-alive
);
CREATE INDEX lease_expires_at ON lease (expires_at);

DROP FUNCTION kv_append_with_prev(bigint, text, bytea, bigint);
DROP FUNCTION kv_append(text, bytea, bigint);
DROP FUNCTION kv_put(text, bytea, bigint);
DROP FUNCTION kv_put_many_with_prev(text[], bytea[]);
