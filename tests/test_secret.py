"""`secret`: a Secret never prints itself, and redaction finds it raw or encoded."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler import secret as secret_module
from reconciler.apply.journal import Journal
from reconciler.errors import ConfigError
from reconciler.secret import Secret, redact_all, token_from_env

TOKEN = "q\"uo\\te'd-5f1c9e2a7b/sec ret"


def test_a_secret_never_prints_itself() -> None:
    secret = Secret(TOKEN)
    for text in (str(secret), repr(secret), f"{secret}", repr([secret])):
        assert TOKEN not in text and "5f1c9e2a7b" not in text
    assert secret.reveal() == TOKEN


def test_the_fingerprint_is_short_one_way_and_stable() -> None:
    assert Secret(TOKEN).fingerprint() == Secret(TOKEN).fingerprint()
    assert Secret(TOKEN).fingerprint() != Secret(TOKEN + "x").fingerprint()
    assert len(Secret(TOKEN).fingerprint()) == 12


FORMS = {
    "raw": TOKEN,
    "json": json.dumps(TOKEN),
    "json twice": json.dumps(json.dumps(TOKEN)),
    "json non-ascii escapes": json.dumps(TOKEN).replace("'", "\\u0027"),
    "repr": repr(TOKEN),
    "repr in a list": repr([TOKEN]),
    "repr of a repr": repr(repr(TOKEN)),
    "percent": quote(TOKEN, safe=""),
    "percent lower case": quote(TOKEN, safe="").lower(),
    "percent with slashes": quote(TOKEN),
    "percent plus": quote_plus(TOKEN),
    "percent twice": quote(quote(TOKEN, safe=""), safe=""),
    "html": html.escape(TOKEN),
    "html numeric": "".join(f"&#{ord(c)};" for c in TOKEN),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_redaction_finds_the_secret_in_every_encoding(form: str) -> None:
    secret = Secret(TOKEN)
    for redact in (secret.redact, redact_all):
        text = redact(f"before {form} after")
        assert "5f1c9e2a7b" not in text and "sec ret" not in text
        assert text.startswith("before ") and text.endswith(" after")
        assert "***" in text


def test_text_without_the_secret_is_left_alone() -> None:
    secret = Secret(TOKEN)
    text = 'a % b \\ c & d + e "quoted" %41 \\u0041 &amp;'
    assert secret.redact(text) == text


def test_the_longest_secret_is_masked_whole() -> None:
    Secret("abc-123-secret")
    Secret("abc-123-secret-and-more")
    assert redact_all("x abc-123-secret-and-more y") == "x *** y"


@settings(max_examples=100, deadline=None)
@given(
    token=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8),
    before=st.text(max_size=20),
    after=st.text(max_size=20),
)
def test_any_visible_ascii_token_is_hidden_raw_json_repr_and_percent(
    token: str, before: str, after: str
) -> None:
    secret = Secret(token)
    try:
        for form in (token, json.dumps(token), repr(token), quote(token, safe="")):
            assert token not in secret.redact(before + form + after)
            assert form not in secret.redact(before + form + after)
    finally:
        # forget it: a made-up "00000000" must not mask other tests' output
        secret_module._KNOWN.discard(token)


def test_a_journal_line_never_holds_the_secret_even_json_escaped(tmp_path: Path) -> None:
    Secret(TOKEN)
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.record("outcome", error=f"server said {TOKEN}", nested={"t": repr(TOKEN)})
    text = path.read_text()
    for form in FORMS.values():
        assert form not in text
    assert "5f1c9e2a7b" not in text
    assert json.loads(text)["error"] == "server said ***"


def test_token_from_env_reads_and_strips_the_variable() -> None:
    assert token_from_env("T", {"T": " abc \n"}).reveal() == "abc"


@pytest.mark.parametrize("environ", [{}, {"T": ""}, {"T": " \t"}])
def test_a_missing_token_names_the_variable_only(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="set the environment variable T"):
        token_from_env("T", environ)


TOKEN_ECHOED = "tk_9f8e7d6c5b4a39281706"


@pytest.mark.parametrize(
    "echo",
    [
        TOKEN_ECHOED[:10] + "…",  # a prefix
        "…" + TOKEN_ECHOED[-9:],  # a suffix
        base64.b64encode(TOKEN_ECHOED.encode()).decode(),
        base64.urlsafe_b64encode(b"user:" + TOKEN_ECHOED.encode()).decode(),  # Basic auth
        base64.b64encode(b"xy" + TOKEN_ECHOED.encode() + b"!").decode(),
        "%74%6B%5F9f8e7d6c5b4a39281706",  # URL-encoded
    ],
    ids=["prefix", "suffix", "base64", "basic-auth", "base64-inside", "url"],
)
def test_what_a_server_can_echo_is_redacted(echo: str) -> None:
    secret_module.Secret(TOKEN_ECHOED)
    shown = secret_module.redact_all(f"the server said: {echo} (end)")
    assert "***" in shown
    for i in range(len(TOKEN_ECHOED) - 7):
        assert TOKEN_ECHOED[i : i + 8] not in shown


def test_a_token_split_by_html_tags_is_redacted_in_the_vendor_message() -> None:
    from reconciler.client.answers import vendor_message

    secret = secret_module.Secret(TOKEN_ECHOED)
    page = f"<html><b>{TOKEN_ECHOED[:11]}</b><i>{TOKEN_ECHOED[11:]}</i></html>"
    said = vendor_message(None, page, secret)
    assert TOKEN_ECHOED[:11] not in said and TOKEN_ECHOED[11:] not in said
    assert "***" in said


def test_short_runs_and_ordinary_text_are_left_alone() -> None:
    secret_module.Secret(TOKEN_ECHOED)
    text = "campaign tk_9f8e stopped; 81706 records"  # 7 characters of it at most
    assert secret_module.redact_all(text) == text


def test_a_secret_kept_out_of_the_global_redaction_still_never_prints_itself() -> None:
    from reconciler.secret import Secret, redact_all

    url = Secret("postgresql://bench@db.example:5432/campaigns", everywhere=False)
    assert "postgres" not in repr(url) and "db.example" not in str(url)
    # its common runs ("postgres", a host) are not masked from every line printed
    assert redact_all("state postgres (db.example)") == "state postgres (db.example)"
    assert url.redact(f"x {url.reveal()} y") == "x *** y"
