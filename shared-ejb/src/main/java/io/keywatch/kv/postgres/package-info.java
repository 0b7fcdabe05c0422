/**
 * The store on PostgreSQL: the adapter behind {@link io.keywatch.kv.KvStore} and {@link
 * io.keywatch.kv.ChangeLog}, and the only package that knows SQL or pgjdbc. Every statement is
 * named in {@code PgStatements}; the revision and row rules live in the SQL functions of {@code
 * sql/}'s {@code R__kv_functions.sql}, which this package calls and does not repeat.
 *
 * <p>{@link io.keywatch.kv.postgres.Database} wires it in the server: it migrates the schema, holds
 * the pool and produces the store and the change log for injection. Tests and benchmarks build
 * {@link io.keywatch.kv.postgres.PgKvStore} and {@link io.keywatch.kv.postgres.PgChangeLog} on
 * their own data sources.
 */
package io.keywatch.kv.postgres;
