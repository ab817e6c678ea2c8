"""Portal passwords and set-password tokens: never stored in clear, 48 hours, used once."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_crm.domain.contact_persons import PERMISSIONS, PortalAccess
from tui_crm.domain.portal import (
    MIN_PASSWORD_LENGTH,
    PasswordRuleError,
    TokenError,
    check_password,
    consume_token,
    default_permissions,
    hash_password,
    issue_set_password_token,
    password_length,
    set_password_mail,
    set_password_with_token,
    token_valid,
    validate_portal_access,
    verify_password,
    welcome_mail,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

#: Hypothesis needs many hashes: a cheap Argon2id (same algorithm and format, tiny cost).
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_the_stored_hash_is_argon2id_with_the_production_cost_and_verifies() -> None:
    password = "Zażółć gęślą jaźń 1"
    stored = hash_password(password)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert password not in stored
    assert verify_password(stored, password)
    assert not verify_password(stored, password + " ")
    assert hash_password(password) != stored  # a new salt every time


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=MIN_PASSWORD_LENGTH, max_size=40).filter(lambda p: password_length(p) >= MIN_PASSWORD_LENGTH))
def test_any_long_enough_password_is_accepted_hashed_and_verified(password: str) -> None:
    check_password(password, password)
    stored = hash_password(password, hasher=CHEAP)
    assert stored != password and stored.startswith("$argon2id$")
    assert verify_password(stored, password)
    assert not verify_password(stored, password + "x")
    assert not verify_password(stored, password[:-1])


@given(st.text(max_size=2 * MIN_PASSWORD_LENGTH).filter(lambda p: password_length(p) < MIN_PASSWORD_LENGTH))
def test_short_passwords_are_refused_with_a_sentence(password: str) -> None:
    with pytest.raises(PasswordRuleError, match=f"at least {MIN_PASSWORD_LENGTH} characters"):
        check_password(password)


def test_the_length_counts_what_the_user_sees() -> None:
    with pytest.raises(PasswordRuleError):
        check_password("abcdefg")
    with pytest.raises(PasswordRuleError):
        check_password(unicodedata.normalize("NFD", "żółćęśą"))  # 7 letters, 14 code points
    check_password("abcdefgh")
    check_password("ż" * 8)


def test_repeat_must_match_and_unicode_forms_count_as_the_same_password() -> None:
    with pytest.raises(PasswordRuleError, match="do not match"):
        check_password("dobre-hasło", "dobre-haslo")
    composed, decomposed = "zażółć-1", unicodedata.normalize("NFD", "zażółć-1")
    assert len(decomposed) > len(composed) == MIN_PASSWORD_LENGTH
    check_password(composed, decomposed)
    assert verify_password(hash_password(composed, hasher=CHEAP), decomposed)


def test_empty_or_malformed_hash_never_verifies() -> None:
    assert not verify_password("", "")
    assert not verify_password("", "whatever-long")
    assert not verify_password("not-a-hash", "whatever-long")


def test_only_the_token_hash_is_kept_and_the_link_expires_after_48_hours() -> None:
    token, token_hash, expires_at = issue_set_password_token(NOW)
    assert len(token) >= 40 and token not in token_hash
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert expires_at == "2025-03-03T12:00:00+00:00"
    portal = PortalAccess(login_email="a@b.pl", token_hash=token_hash, token_expires_at=expires_at)
    assert token_valid(portal, token, NOW)
    assert token_valid(portal, token, NOW + timedelta(hours=48) - timedelta(seconds=1))
    assert not token_valid(portal, token, NOW + timedelta(hours=48))
    assert not token_valid(portal, token, NOW + timedelta(days=30))
    warsaw = timezone(timedelta(hours=1))  # any time zone, same instant
    assert token_valid(portal, token, (NOW + timedelta(hours=47)).astimezone(warsaw))
    assert not token_valid(portal, token + "x", NOW)
    assert not token_valid(portal, "", NOW)
    assert not token_valid(portal, token_hash, NOW)  # the stored hash is not a token


def test_a_token_works_once() -> None:
    token, token_hash, expires_at = issue_set_password_token(NOW)
    portal = PortalAccess(login_email="a@b.pl", token_hash=token_hash, token_expires_at=expires_at)
    set_password_with_token(portal, token, "nowe-hasło-1", NOW + timedelta(hours=1))
    assert verify_password(portal.password_hash, "nowe-hasło-1")
    assert portal.token_hash == portal.token_expires_at == ""
    assert not token_valid(portal, token, NOW)
    with pytest.raises(TokenError):
        set_password_with_token(portal, token, "inne-hasło-2", NOW)
    assert verify_password(portal.password_hash, "nowe-hasło-1")


def test_a_bad_password_does_not_use_the_token_up_and_consume_clears_it() -> None:
    token, token_hash, expires_at = issue_set_password_token(NOW)
    portal = PortalAccess(token_hash=token_hash, token_expires_at=expires_at)
    with pytest.raises(PasswordRuleError):
        set_password_with_token(portal, token, "short", NOW)
    assert token_valid(portal, token, NOW) and portal.password_hash == ""
    consume_token(portal)
    assert not token_valid(portal, token, NOW)


def test_tokens_are_random_and_need_an_aware_time() -> None:
    assert len({issue_set_password_token(NOW)[0] for _ in range(50)}) == 50
    with pytest.raises(ValueError):
        issue_set_password_token(datetime(2025, 3, 1, 12, 0))


def test_portal_form_validation() -> None:
    assert validate_portal_access("  Anna@Firma.PL ", None) == ("Anna@firma.pl", [])
    assert validate_portal_access("", None) == ("", [])
    _login, errors = validate_portal_access("", "dobre-hasło")
    assert [e.field for e in errors] == ["login_email"]
    _login, errors = validate_portal_access("", None, send_set_password=True)
    assert [e.field for e in errors] == ["login_email"]
    _login, errors = validate_portal_access("anna.firma.pl", "krótkie", repeat="krótkie")
    assert [e.field for e in errors] == ["login_email", "password"]
    _login, errors = validate_portal_access("anna@firma.pl", "dobre-hasło", repeat="dobre-haslo")
    assert [(e.field, e.message) for e in errors] == [("password_repeat", "The passwords do not match.")]


def test_default_permissions_are_all_unless_set() -> None:
    assert default_permissions(None) == list(PERMISSIONS)
    assert default_permissions([]) == []
    assert default_permissions(["projects", "gone", "invoices"]) == ["invoices", "projects"]


def test_the_mails_carry_the_link_but_never_a_password() -> None:
    welcome = welcome_mail("Anna Nowak", "anna@firma.pl", set_password_follows=True)
    assert welcome.kind == "welcome" and "anna@firma.pl" in welcome.body and "Anna Nowak" in welcome.body
    token, _hash, expires_at = issue_set_password_token(NOW)
    mail = set_password_mail("Anna Nowak", "anna@firma.pl", token, expires_at)
    assert mail.kind == "set_password"
    assert f"tui-crm://set-password?token={token}" in mail.body
    assert "48 hours" in mail.body
