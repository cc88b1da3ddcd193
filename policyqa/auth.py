"""Editors' sign-in for the pages that change the corpus (add, replace, remove documents, correct metadata).

Credentials come from configuration, never from the repository:
  * the environment: POLICYQA_EDITORS="ten1:HASH1;ten2:HASH2", or
  * Streamlit's secrets (`.streamlit/secrets.toml`, ignored by git):  [editors]  ten1 = "HASH1"
A HASH is "pbkdf2_sha256$<iterations>$<salt hex>$<digest hex>" (hashlib's PBKDF2-HMAC-SHA256);
make one with `python -m policyqa.auth` (asks for the password). With no editor configured nobody can edit."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping

ALGO = "pbkdf2_sha256"
ITERATIONS = 310_000  # OWASP's figure for PBKDF2-HMAC-SHA256
ENV = "POLICYQA_EDITORS"


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGO}${iterations}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, iterations, salt, digest = stored.split("$")
        if algo != ALGO:
            return False
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False  # a malformed entry lets nobody in
    return hmac.compare_digest(got.hex(), digest)


def parse_env(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(";"):
        name, sep, h = part.strip().partition(":")
        if sep and name.strip() and h.strip():
            out[name.strip()] = h.strip()
    return out


def editors(secrets_editors: Mapping | None = None, environ: Mapping | None = None) -> dict[str, str]:
    """name -> hash from the environment and the secrets' [editors] table (the environment wins)."""
    environ = os.environ if environ is None else environ
    out = {str(k): str(v) for k, v in (secrets_editors or {}).items()}
    out.update(parse_env(environ.get(ENV, "")))
    return out


def verify(name: str, password: str, known: Mapping[str, str]) -> bool:
    stored = known.get((name or "").strip())
    if stored is None:
        check_password(password, hash_password("", iterations=1_000))  # do comparable work for unknown names
        return False
    return check_password(password, stored)


if __name__ == "__main__":
    import getpass

    pw = getpass.getpass("Mật khẩu: ")
    if pw != getpass.getpass("Nhập lại: "):
        raise SystemExit("Hai lần nhập không khớp.")
    print(hash_password(pw))
