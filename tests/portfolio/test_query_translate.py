"""The search-box translator: user text in, safe FTS5 expression out (pure, no database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portfolio.errors import QuerySyntaxError
from portfolio.query import MAX_DEPTH, fold, to_fts5, translate_query, words_of
from portfolio.sqlite_driver import sqlite3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bare words: implicit AND, each quoted
        ("credit", '"credit"'),
        ("service credit", '"service" AND "credit"'),
        ("  service   credit  ", '"service" AND "credit"'),
        # punctuation FTS5 would choke on stays inside the quotes
        ("99.9%", '"99.9%"'),
        ("credit-cap", '"credit-cap"'),
        ("a:b", '"a:b"'),
        ("text:credit", '"text:credit"'),
        ("^start", '"^start"'),
        ("+plus", '"+plus"'),
        ("Section 11.2(b)", '"Section" AND "11.2" AND "b"'),
        ("O'Brien", '"O\'Brien"'),
        ("NEAR(credit cap)", '"NEAR" AND ("credit" AND "cap")'),
        # phrases
        ('"service credit"', '"service credit"'),
        ('"service credit" cap', '"service credit" AND "cap"'),
        ('"unbalanced', '"unbalanced"'),
        ('"service credit', '"service credit"'),
        ('cap "service credit', '"cap" AND "service credit"'),
        ('credit"cap', '"credit" AND "cap"'),
        # operators
        ("credit OR rebate", '"credit" OR "rebate"'),
        ("credit AND cap", '"credit" AND "cap"'),
        ("credit NOT cap", '"credit" NOT "cap"'),
        ("credit -cap", '"credit" NOT "cap"'),
        ('credit -"monthly fees"', '"credit" NOT "monthly fees"'),
        ("credit AND NOT cap", '"credit" NOT "cap"'),
        ("NOT cap credit", '"credit" NOT "cap"'),
        ("a NOT b NOT c", '"a" NOT "b" NOT "c"'),
        ("a b OR c", '("a" AND "b") OR "c"'),
        ("a OR b c", '"a" OR ("b" AND "c")'),
        ("(credit OR rebate) availability", '("credit" OR "rebate") AND "availability"'),
        ("credit NOT (cap OR ceiling)", '"credit" NOT ("cap" OR "ceiling")'),
        ("-(cap OR ceiling) credit", '"credit" NOT ("cap" OR "ceiling")'),
        # lower-case operators are words (a contract admin types "terminate or suspend")
        ("terminate or suspend", '"terminate" AND "or" AND "suspend"'),
        ('"OR"', '"OR"'),
        # hyphen inside or before a number is not NOT
        ("-5%", '"-5%"'),
        ("pre-approved", '"pre-approved"'),
        # dangling operators are dropped
        ("credit OR", '"credit"'),
        ("OR credit", '"credit"'),
        ("credit AND", '"credit"'),
        ("AND credit", '"credit"'),
        ("credit NOT", '"credit"'),
        ("credit OR OR rebate", '"credit" OR "rebate"'),
        ("credit OR NOT cap", '"credit"'),
        # unbalanced parentheses are closed or ignored
        ("(credit OR rebate", '"credit" OR "rebate"'),
        ("credit OR rebate)", '"credit" OR "rebate"'),
        ("credit) cap", '"credit" AND "cap"'),
        ("((credit)", '"credit"'),
        ("() credit", '"credit"'),
        # terms without a letter or digit are dropped
        ("credit % cap", '"credit" AND "cap"'),
        ("credit - cap", '"credit" AND "cap"'),
        ('credit "" cap', '"credit" AND "cap"'),
        ("credit * cap", '"credit" AND "cap"'),
        # prefixes
        ("indemn*", '"indemn"*'),
        ("indemn**", '"indemn"*'),
        ('"service cred"*', '"service cred"*'),
        ("cred*it", '"cred*it"'),
        # accents and other scripts pass through quoted
        ("Müller", '"Müller"'),
        ("契約", '"契約"'),
    ],
)
def test_translation(text: str, expected: str) -> None:
    assert to_fts5(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "NOT",
        "NOT cap",
        "-cap",
        "OR",
        "AND OR NOT",
        "()",
        '""',
        '"',
        "%",
        "* - %",
        "(NOT a)",
    ],
)
def test_nothing_searchable_raises(text: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        to_fts5(text)
    assert caught.value.text == text
    assert "search" in caught.value.message


def test_error_message_explains_exclusion_only() -> None:
    with pytest.raises(QuerySyntaxError, match="only exclude"):
        to_fts5("NOT cap")


def test_empty_error_message() -> None:
    with pytest.raises(QuerySyntaxError, match="empty"):
        to_fts5("  ")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("service credit", '"service credit"'),
        ("service credit NOT cap", '"service credit"'),
        ("credit", None),
        ('"service credit"', None),
        ("service OR credit", None),
        ("service credit*", None),
        ('service "credit"', None),
    ],
)
def test_phrase_boost_only_for_bare_words(text: str, phrase: str | None) -> None:
    assert translate_query(text).phrase == phrase


def test_prefix_expansion_uses_expander_on_folded_last_word() -> None:
    seen: list[str] = []

    def expand(prefix: str) -> list[str]:
        seen.append(prefix)
        return ["terminate", "termination"]

    assert translate_query("Terminat*", expand).match == (
        '("Terminat"* OR "terminate" OR "termination")'
    )
    assert translate_query('"for convenience terminat"*', expand).match == (
        '("for convenience terminat"* OR "for convenience terminate"'
        ' OR "for convenience termination")'
    )
    assert seen == ["terminat", "terminat"]


def test_prefix_without_matches_keeps_plain_prefix() -> None:
    assert translate_query("zzz*", lambda prefix: []).match == '"zzz"*'


def test_translation_is_pure() -> None:
    assert translate_query("credit OR cap*") == translate_query("credit OR cap*")


def test_deep_nesting_is_bounded() -> None:
    text = "(" * 500 + "credit" + ")" * 500
    assert to_fts5(text) == '"credit"'
    deep = "(" * (MAX_DEPTH + 5) + "a OR b" + ")" * (MAX_DEPTH + 5) + " c"
    assert to_fts5(deep) == '("a" OR "b") AND "c"'


def test_very_long_input_is_cut() -> None:
    assert to_fts5("credit " * 5000).count('"credit"') < 400


@pytest.mark.parametrize(
    ("word", "folded"), [("Müller", "muller"), ("CRÈME", "creme"), ("ß", "ss")]
)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_words_of_splits_like_unicode61() -> None:
    assert words_of("99.9% credit-cap a:b") == ["99", "9", "credit", "cap", "a", "b"]


# --- every translation is valid FTS5 --------------------------------------------------------


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(heading, text, tokenize='porter unicode61')")
    conn.execute(
        "INSERT INTO t VALUES ('7. Service Levels',"
        " 'Availability below 99.9% earns a service credit; the credit-cap is 50%.')"
    )
    yield conn
    conn.close()


HOSTILE = [
    "99.9%",
    '"unbalanced',
    "credit-cap",
    "a:b",
    "heading:credit",
    "text : credit",
    "NEAR(a b)",
    "NEAR(credit cap, 2)",
    "a AND (b OR",
    ")))credit(((",
    "credit NOT",
    "* credit *",
    "^credit",
    "{heading text}: credit",
    "credit + cap",
    "'single quotes'",
    "credit\tcap\nnewline",
    "\\ backslash",
    "semi;colon DROP TABLE t",
    '"a""b"',
    "service cred*",
    "-credit availability",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_valid_fts5(fts: sqlite3.Connection, text: str) -> None:
    expression = to_fts5(text)
    fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("99.9%", 1),
        ("credit-cap", 1),
        ("credits", 1),
        ('"service credits"', 1),
        ("availability -cap", 0),
    ],
)
def test_translations_match_as_meant(fts: sqlite3.Connection, text: str, matches: int) -> None:
    count = fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (to_fts5(text),)).fetchone()[0]
    assert count == matches
