-- A put's statement joins the rows kv_put_many returns to the rows they supersede. A set-returning
-- function is estimated at 1,000 rows unless told otherwise, and for that many the planner hashes
-- all of kv: every put read the whole history (1.5 ms at 8,600 rows, growing with the table).
-- A batch is a few puts, usually one: at that estimate each superseded row is one index lookup.
ALTER FUNCTION kv_put_many(text[], bytea[]) ROWS 8;
