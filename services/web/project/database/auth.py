"""Users, their labs and their API tokens (tokens are stored as SHA-256 digests)."""


def find_token_user(cur, token_hash):
    """Return the user of a live (unrevoked, unexpired) token as a dict, or None."""
    cur.execute(
        """
        SELECT u.id, u.username, u.role, t.id AS token_id
          FROM api_token t JOIN app_user u ON u.id = t.user_id
         WHERE t.token_hash = %(token_hash)s
           AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > now())
        """,
        {"token_hash": token_hash},
    )
    return cur.fetchone()


def read_user(cur, username):
    """Return a user with its password hash, or None."""
    cur.execute(
        "SELECT id, username, role, password_hash FROM app_user WHERE username = %(username)s",
        {"username": username},
    )
    return cur.fetchone()


def create_user(cur, username, password_hash, role, labs=()):
    """Create a user, member of `labs`; return it."""
    cur.execute(
        """
        WITH new_user AS (
            INSERT INTO app_user (username, password_hash, role)
            VALUES (%(username)s, %(password_hash)s, %(role)s)
            RETURNING id, username, role
        ), membership AS (
            INSERT INTO lab_member (user_id, lab_id) SELECT id, unnest(%(labs)s::integer[]) FROM new_user
        )
        SELECT id, username, role, %(labs)s::integer[] AS labs FROM new_user
        """,
        {"username": username, "password_hash": password_hash, "role": role, "labs": list(labs)},
    )
    return cur.fetchone()


def create_token(cur, user_id, token_hash, name=None, expires_in_days=None):
    """Store a token's digest for a user; return the token's id, name and expiry."""
    cur.execute(
        """
        INSERT INTO api_token (user_id, token_hash, name, expires_at)
        VALUES (%(user_id)s, %(token_hash)s, %(name)s, now() + make_interval(days => %(days)s))
        RETURNING id, name, created_at, expires_at
        """,
        {"user_id": user_id, "token_hash": token_hash, "name": name, "days": expires_in_days},
    )
    return cur.fetchone()


def revoke_token(cur, token_id, user_id=None):
    """Revoke a token (only `user_id`'s, if given); return it, or None if there is none to revoke."""
    cur.execute(
        """
        UPDATE api_token SET revoked_at = now()
         WHERE id = %(token_id)s AND revoked_at IS NULL
           AND (%(user_id)s::integer IS NULL OR user_id = %(user_id)s)
        RETURNING id, name, created_at, expires_at, revoked_at
        """,
        {"token_id": token_id, "user_id": user_id},
    )
    return cur.fetchone()


def list_tokens(cur, username=None):
    """Return every token (of one user, if given), newest first, without digests."""
    cur.execute(
        """
        SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at
          FROM api_token t JOIN app_user u ON u.id = t.user_id
         WHERE %(username)s::text IS NULL OR u.username = %(username)s
         ORDER BY t.id DESC
        """,
        {"username": username},
    )
    return cur.fetchall()
