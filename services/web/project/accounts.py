"""Users and API tokens without HTTP: the password rule, password hashes, new tokens and their digests.

api/auth.py (bearer tokens, POST /auth/tokens) and cli.py (users create,
tokens issue) both use these, so a password or a token means the same in both.
"""

import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

TOKEN_PREFIX = "labinv_"
MIN_PASSWORD, MAX_PASSWORD = 8, 1000  # characters
PASSWORD_RULE = f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters"


def password_fits(password):
    """Tell whether a password keeps the rule (PASSWORD_RULE)."""
    return MIN_PASSWORD <= len(password) <= MAX_PASSWORD


def hash_password(password):
    """Return the stored (scrypt) hash of a new password.

    :raise ValueError: if the password breaks the rule, saying the rule.
    """
    if not password_fits(password):
        raise ValueError(PASSWORD_RULE)
    return generate_password_hash(password)


def password_matches(stored_hash, password):
    """Tell whether a password keeps the rule and is the one `stored_hash` was made from."""
    return check_password_hash(stored_hash, password) and password_fits(password)


def digest(token):
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """Return a new random token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
