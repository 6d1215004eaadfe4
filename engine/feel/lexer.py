"""FEEL tokenizer, written by hand because FEEL names may contain spaces.

``Applicant Age`` is one name: words separated by spaces join into one name unless a word is a
keyword that ends a name (``and``, ``or``, ``in``, ``then`` …). Built-in names that contain such
keywords (``date and time``, ``get or else`` …) are recognised as a whole. Backticks quote any
name (```a+b```), as in feel-scala.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token

from engine.feel.errors import FeelSyntaxError

KEYWORDS = {
    "if": "IF",
    "then": "THEN",
    "else": "ELSE",
    "for": "FOR",
    "return": "RETURN",
    "some": "SOME",
    "every": "EVERY",
    "satisfies": "SATISFIES",
    "function": "FUNCTION",
    "and": "AND",
    "or": "OR",
    "in": "IN",
    "between": "BETWEEN",
    "true": "TRUE",
    "false": "FALSE",
    "null": "NULL",
    "external": "EXTERNAL",
}
# Words that end a name: a following word never joins the name before them.
_STOPS = frozenset({"and", "or", "in", "then", "else", "return", "satisfies", "between"})
_SPECIAL = re.compile(
    r"(?:date\s+and\s+time|years\s+and\s+months\s+duration|days\s+and\s+time\s+duration"
    r"|get\s+or\s+else|instance\s+of)(?!\w)"
)
_WORD = re.compile(r"(?:[^\W\d]|[^\x00-\x7f\s])(?:\w|[^\x00-\x7f\s])*")
# A name goes on with another word or a plain number ("Extra days case 1").
_NEXT_WORD = re.compile(r"[ \t]+((?:[^\W\d]|[^\x00-\x7f\s])(?:\w|[^\x00-\x7f\s])*|\d+(?![\w.]))")
_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_STRING = re.compile(r'"((?:\\.|[^"\\])*)"', re.S)
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)+", re.S)
_PUNCT = [
    ("..", "DOTDOT"),
    ("**", "POW"),
    ("<=", "LE"),
    (">=", "GE"),
    ("!=", "NE"),
    (".", "DOT"),
    ("*", "STAR"),
    ("/", "SLASH"),
    ("+", "PLUS"),
    ("-", "MINUS"),
    ("<", "LT"),
    (">", "GT"),
    ("=", "EQ"),
    ("(", "LPAR"),
    (")", "RPAR"),
    ("[", "LSQB"),
    ("]", "RSQB"),
    ("{", "LBRACE"),
    ("}", "RBRACE"),
    (",", "COMMA"),
    (":", "COLON"),
    ("?", "QMARK"),
]
# A context key with operator characters (`{foo+bar: 1}`), read up to its colon.
_KEY = re.compile(r"([^\s\"`{}\[\](),:][^{}\[\](),:\"]*?)\s*:")
_PLAIN_KEY = re.compile(r"[\w ]+")
_VALUE_END = frozenset(
    {"NUMBER", "STRING", "NAME", "RPAR", "RSQB", "RBRACE", "TEMPORAL", "TRUE", "FALSE", "NULL"}
    | {"QMARK", "RANGE_OPEN_END"}
)
_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
# \U takes up to six hex digits (feel-scala's example is \U101EF, five of them).
_UNICODE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U(0[0-9a-fA-F]{5}|10[0-9a-fA-F]{4}|[0-9a-fA-F]{5}))")


def unescape(raw: str) -> str:
    """Decode FEEL string escapes (``\\n``, ``\\"``, ``\\u269D``, ``\\U101EF``)."""
    if "\\" not in raw:
        return raw

    def code(match: re.Match[str]) -> str:
        return chr(int(match[1] or match[2], 16))

    text = _UNICODE.sub(code, raw)
    # \uD83D\uDCA9 style surrogate pairs become one character.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text)


_DASHED_TYPE = re.compile(r"(?:day-time|year-month)-duration(?![\w-])")


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


def known_names_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` that the plain name rule would not read whole
    (names with keywords, digits, ``-``, ``+`` …), longest first, spaces flexible."""
    special = [n for n in names if n.strip() and not _plain_name(n)]
    if not special:
        return None
    special.sort(key=len, reverse=True)
    parts = [r"\s+".join(re.escape(word) for word in name.split()) for name in special]
    return re.compile("(?:" + "|".join(parts) + r")(?![\w])")


def _plain_name(name: str) -> bool:
    match = _WORD.match(name)
    if match is None:
        return False
    return match.end() == len(name) and name not in KEYWORDS


def tokenize(text: str, names: re.Pattern[str] | None = None) -> Iterator[Token]:
    """Yield lark tokens for ``text``; raises :class:`FeelSyntaxError` at an unknown character.

    ``names`` (from :func:`known_names_pattern`) lets names of the surrounding model that FEEL
    could not otherwise read (``values in a list``, ``Date-Time``) lex as one name.
    """
    pos = 0
    size = len(text)
    previous = ""
    in_range = False
    brackets: list[str] = []

    def make(kind: str, value: Any, start: int, end: int) -> Token:
        line, column = _position(text, start)
        return Token(kind, value, start_pos=start, line=line, column=column, end_pos=end)

    while pos < size:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
            if pos >= size:
                break
        char = text[pos]
        known = names.match(text, pos) if names is not None else None
        if previous == "INSTANCE_OF":
            # The hyphenated type names of Camunda's docs (`x instance of day-time-duration`).
            known = _DASHED_TYPE.match(text, pos) or known
        key = (
            _KEY.match(text, pos)
            if brackets and brackets[-1] == "{" and previous in ("LBRACE", "COMMA")
            else None
        )
        if key is not None and not _PLAIN_KEY.fullmatch(key[1]):
            kind, value, end = "NAME", key[1].rstrip(), key.start(1) + len(key[1].rstrip())
        elif known is not None:
            kind, value, end = "NAME", " ".join(known[0].split()), known.end()
        elif char.isdigit() or (char == "." and pos + 1 < size and text[pos + 1].isdigit()):
            match = _NUMBER.match(text, pos)
            assert match is not None
            kind, value, end = "NUMBER", match[0], match.end()
        elif char == '"':
            match = _STRING.match(text, pos)
            if match is None:
                line, column = _position(text, pos)
                raise FeelSyntaxError(text, line, column, "unterminated string")
            kind, value, end = "STRING", unescape(match[1]), match.end()
        elif char == "@" and text.startswith('@"', pos):
            match = _STRING.match(text, pos + 1)
            if match is None:
                line, column = _position(text, pos)
                raise FeelSyntaxError(text, line, column, "unterminated temporal literal")
            kind, value, end = "TEMPORAL", unescape(match[1]), match.end()
        elif char == "`":
            close = text.find("`", pos + 1)
            if close <= pos + 1:
                line, column = _position(text, pos)
                raise FeelSyntaxError(text, line, column, "unterminated `name`")
            # Whitespace runs collapse as in unquoted names: `foo   bar` is `foo bar`.
            quoted = text[pos + 1 : close]
            kind, value, end = "NAME", " ".join(quoted.split()) or quoted, close + 1
        elif _WORD.match(text, pos):
            kind, value, end = _name(text, pos)
            if kind in ("AND", "OR") and previous not in _VALUE_END and _opens_call(text, end):
                kind = "NAME"  # the list functions and(...) / or(...)
        else:
            for literal, punct in _PUNCT:
                if text.startswith(literal, pos):
                    kind, value, end = punct, literal, pos + len(literal)
                    break
            else:
                line, column = _position(text, pos)
                raise FeelSyntaxError(text, line, column, f"unexpected character {char!r}")
            _track(brackets, kind)
            if kind == "DOTDOT":
                in_range = True
            elif kind == "RSQB" and previous not in _VALUE_END and previous != "LSQB":
                kind = "RANGE_OPEN_START"  # `]1..5]`: a `]` where an operand starts
            elif kind in ("RPAR", "RSQB"):
                in_range = False
            elif kind == "LSQB" and in_range and previous in _VALUE_END and _closes(text, end):
                # `[1..5[` : a `[` that ends a range is an open end, not a filter.
                kind, in_range = "RANGE_OPEN_END", False
        yield make(kind, value, pos, end)
        previous = kind
        pos = end


def _track(brackets: list[str], kind: str) -> None:
    """Keep the stack of open brackets (ranges may mix them: `[1..5)`)."""
    if kind in ("LBRACE", "LSQB", "LPAR"):
        brackets.append("{" if kind == "LBRACE" else "(")
    elif kind == "RBRACE":
        while brackets and brackets.pop() != "{":
            pass
    elif kind in ("RPAR", "RSQB") and brackets and brackets[-1] == "(":
        brackets.pop()


def _opens_call(text: str, pos: int) -> bool:
    return text[pos:].lstrip().startswith("(")


def _closes(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip()
    return not rest or rest[0] in ",)]"


def _name(text: str, pos: int) -> tuple[str, str, int]:
    special = _SPECIAL.match(text, pos)
    if special:
        words = special[0].split()
        if words == ["instance", "of"]:
            return "INSTANCE_OF", "instance of", special.end()
        return "NAME", " ".join(words), special.end()
    word = _WORD.match(text, pos)
    assert word is not None
    if word[0] in KEYWORDS:
        return KEYWORDS[word[0]], word[0], word.end()
    words = [word[0]]
    end = word.end()
    while True:
        following = _NEXT_WORD.match(text, end)
        if following is None or following[1] in _STOPS or following[1] == "instance":
            break
        words.append(following[1])
        end = following.end()
    return "NAME", " ".join(words), end
