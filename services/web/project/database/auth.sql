-- Users, their labs and their API tokens (stored as SHA-256 digests): /auth/tokens and the CLI.

-- name: find_token_user^
-- The user of a live (unrevoked, unexpired) token with digest %(token_hash)s, or none; when
-- found, also who acts for the rest of the session (read by the history and permission
-- triggers): set_config sets labinv.user_id, labinv.actor and labinv.role and returns the value.
SELECT set_config('labinv.user_id', u.id::text, false)::integer AS id,
       set_config('labinv.actor', u.username, false) AS username,
       set_config('labinv.role', u.role, false) AS role,
       t.id AS token_id
  FROM api_token t JOIN app_user u ON u.id = t.user_id
 WHERE t.token_hash = %(token_hash)s
   AND t.revoked_at IS NULL
   AND (t.expires_at IS NULL OR t.expires_at > now());

-- name: act_as!
-- Act as %(actor)s, with no role or user, for the rest of the session (read by the history and
-- permission triggers): an anonymous write in development.
SELECT set_config('labinv.actor', %(actor)s, false),
       set_config('labinv.role', '', false),
       set_config('labinv.user_id', '', false);

-- name: read_user^
-- User %(username)s with its password hash, or none.
SELECT id, username, role, password_hash
  FROM app_user
 WHERE username = %(username)s;

-- name: create_user^
-- A new user, member of the labs in %(labs)s (a list of ids).
WITH new_user AS (
    INSERT INTO app_user (username, password_hash, role)
    VALUES (%(username)s, %(password_hash)s, %(role)s)
    RETURNING id, username, role
), membership AS (
    INSERT INTO lab_member (user_id, lab_id)
    SELECT id, unnest(%(labs)s::integer[]) FROM new_user
)
SELECT id, username, role, %(labs)s::integer[] AS labs
  FROM new_user;

-- name: create_token^
-- A token's digest stored for user %(user_id)s, expiring in %(days)s days (NULL: never).
INSERT INTO api_token (user_id, token_hash, name, expires_at)
VALUES (%(user_id)s, %(token_hash)s, %(name)s, now() + make_interval(days => %(days)s))
RETURNING id, name, created_at, expires_at;

-- name: revoke_token^
-- Token %(token_id)s revoked (only if it is user %(user_id)s's, unless NULL); none if there is
-- no live token to revoke.
UPDATE api_token
   SET revoked_at = now()
 WHERE id = %(token_id)s AND revoked_at IS NULL
   AND (%(user_id)s::integer IS NULL OR user_id = %(user_id)s)
RETURNING id, name, created_at, expires_at, revoked_at;

-- name: list_tokens*
-- Every token (of user %(username)s, unless NULL), newest first, without digests.
SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at
  FROM api_token t JOIN app_user u ON u.id = t.user_id
 WHERE %(username)s::text IS NULL OR u.username = %(username)s
 ORDER BY t.id DESC;
