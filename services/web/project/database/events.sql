-- The statements behind GET /events: the history table read in id order, as far as it is final.
-- Migration 0008 makes the history triggers NOTIFY labinv_history and mark each writing
-- transaction with a shared advisory lock on 2^62 + a number no greater than its first history id.

-- name: assigned$
-- The last history id handed out so far, committed or not (read first: every id up to it was
-- handed out after its transaction's advisory lock was taken).
SELECT last_value FROM history_id_seq;

-- name: lowest_pending$
-- The lowest history id a transaction still running may yet commit (its advisory lock), or none.
SELECT min(((classid::bigint << 32) | objid::bigint) - 4611686018427387904)
  FROM pg_locks
 WHERE locktype = 'advisory' AND objsubid = 1 AND classid >= 1073741824;

-- name: changes*
-- Changes after id %(after)s up to id %(upto)s, oldest first, at most %(limit)s, each with the
-- lab of the row before and after it.
SELECT id, table_name, row_id, operation, old_row, new_row, changed_at, actor,
       lab_of(table_name, old_row) AS old_lab_id, lab_of(table_name, new_row) AS new_lab_id
  FROM history
 WHERE id > %(after)s AND id <= %(upto)s
 ORDER BY id
 LIMIT %(limit)s;

-- name: dead_tokens*
-- Those of the tokens %(ids)s (a list of ids) that are no longer live: revoked, expired or gone.
SELECT id
  FROM unnest(%(ids)s::integer[]) AS wanted(id)
 WHERE NOT EXISTS (SELECT 1 FROM api_token t
                    WHERE t.id = wanted.id AND t.revoked_at IS NULL
                      AND (t.expires_at IS NULL OR t.expires_at > now()));

-- name: ticket_user^
-- The user of live token %(token_id)s, with the token's digest (the key its tickets are signed
-- with) and expiry, or none.
SELECT u.id, u.username, u.role, t.id AS token_id, t.token_hash, t.expires_at
  FROM api_token t JOIN app_user u ON u.id = t.user_id
 WHERE t.id = %(token_id)s
   AND t.revoked_at IS NULL
   AND (t.expires_at IS NULL OR t.expires_at > now());

-- name: token_expiry$
-- When live token %(token_id)s expires (none: never).
SELECT expires_at FROM api_token WHERE id = %(token_id)s;
