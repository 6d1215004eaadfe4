"""The FEEL grammar (LALR, lark) and the parse entry points.

Precedence follows feel-scala's parser: textual expressions (if, for, some/every, function) <
``or`` < ``and`` < comparison (``= != < <= > >=``, ``between``, ``in``, ``instance of``) <
``+ -`` < ``* /`` < ``**`` < unary ``-`` < postfix (path, filter, invocation) < primary.
A comparison operator without a left operand (``< 18``) compares the input value ``?``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from engine.feel.errors import FeelSyntaxError
from engine.feel.lexer import known_names_pattern, tokenize

GRAMMAR = r"""
%declare NUMBER STRING TEMPORAL NAME IF THEN ELSE FOR RETURN SOME EVERY SATISFIES FUNCTION
%declare AND OR IN BETWEEN TRUE FALSE NULL EXTERNAL INSTANCE_OF
%declare DOTDOT POW LE GE NE DOT STAR SLASH PLUS MINUS LT GT EQ LPAR RPAR LSQB RSQB
%declare LBRACE RBRACE COMMA COLON QMARK RANGE_OPEN_START RANGE_OPEN_END

start: expression
tests: expression (COMMA expression)*

?expression: textual | disjunction
?textual: IF expression THEN expression ELSE expression       -> if_expr
        | FOR iterators RETURN expression                     -> for_expr
        | SOME iterators SATISFIES expression                 -> some_expr
        | EVERY iterators SATISFIES expression                -> every_expr
        | FUNCTION LPAR [params] RPAR expression              -> function_def
        | FUNCTION LPAR [params] RPAR EXTERNAL context        -> external_def
iterators: iterator (COMMA iterator)*
iterator: NAME IN sum DOTDOT sum                              -> iter_range
        | NAME IN sum                                         -> iter_list
params: param (COMMA param)*
param: NAME [COLON type]
type: NAME (DOT NAME)*                                        -> simple_type
    | (NULL | FUNCTION)                                       -> keyword_type
    | FUNCTION LT [type (COMMA type)*] GT MINUS GT type       -> function_type
    | NAME LT type (COMMA type)* GT                           -> generic_type
    | NAME LT NAME COLON type (COMMA NAME COLON type)* GT     -> context_type

?disjunction: conjunction | disjunction OR conjunction        -> or_expr
?conjunction: comparison | conjunction AND comparison         -> and_expr
?comparison: sum
           | sum compop sum                                   -> compare
           | sum BETWEEN sum AND sum                          -> between
           | sum IN in_rhs                                    -> in_expr
           | sum INSTANCE_OF type                             -> instance_of
           | compop sum                                       -> unary_compare
!compop: EQ | NE | LT | LE | GT | GE
in_rhs: LPAR expression (COMMA expression)+ RPAR              -> in_list
      | sum                                                   -> in_single
      | compop sum                                            -> in_compare

?sum: product | sum PLUS product -> add | sum MINUS product -> sub
?product: power | product STAR power -> mul | product SLASH power -> div
?power: unary | power POW unary -> pow
?unary: postfix | MINUS unary -> neg
?postfix: primary
        | postfix DOT NAME                                    -> path
        | postfix LSQB expression RSQB                        -> filter
        | postfix LPAR [args] RPAR                            -> call
args: expression (COMMA expression)*                          -> positional
    | NAME COLON expression (COMMA NAME COLON expression)*    -> named

?primary: NUMBER                                              -> number
        | STRING                                              -> string
        | TEMPORAL                                            -> temporal
        | TRUE                                                -> true
        | FALSE                                               -> false
        | NULL                                                -> null
        | NAME                                                -> var
        | QMARK                                               -> input
        | LSQB [expression (COMMA expression)*] RSQB          -> list
        | context
        | LPAR expression RPAR
        | range
context: LBRACE [entry (COMMA entry)*] RBRACE
entry: (NAME | STRING) COLON expression
range: (LSQB | LPAR | RANGE_OPEN_START) sum DOTDOT sum (RSQB | RPAR | RANGE_OPEN_END)
"""


_NAMES: ContextVar[re.Pattern[str] | None] = ContextVar("feel_known_names", default=None)


class _FeelLexer(Lexer):
    """Adapter: lark's interface-0 custom lexer around :func:`tokenize`."""

    def __init__(self, lexer_conf: Any) -> None:
        self.lexer_conf = lexer_conf

    def lex(self, data: Any, parser_state: Any = None) -> Iterator[Token]:
        return tokenize(data, _NAMES.get())


_PARSER = Lark(
    GRAMMAR,
    parser="lalr",
    lexer=_FeelLexer,
    start=["start", "tests"],
    maybe_placeholders=True,
    strict=True,  # a shift/reduce conflict in the grammar fails at import, never silently
)


def parse(text: str, start: str = "start", names: frozenset[str] = frozenset()) -> Tree[Token]:
    """Parse an expression (``start``) or a comma-separated list of unary tests (``tests``).

    ``names`` are variable names in scope that contain spaces around keywords, digits or
    operator characters; they lex as one name.
    """
    names_token = _NAMES.set(known_names_pattern(names) if names else None)
    try:
        tree: Tree[Token] = _PARSER.parse(text, start=start)
    except UnexpectedEOF as exc:
        line, column = _end(text)
        raise FeelSyntaxError(text, line, column, f"unexpected end of expression ({exc})") from None
    except UnexpectedToken as exc:
        token = exc.token
        if token.type == "$END":
            line, column = _end(text)
            raise FeelSyntaxError(text, line, column, "unexpected end of expression") from None
        raise FeelSyntaxError(
            text, token.line or 1, token.column or 1, f"unexpected {token.value!r}"
        ) from None
    except UnexpectedCharacters as exc:
        raise FeelSyntaxError(text, exc.line, exc.column, "unexpected character") from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark parse failures
        raise FeelSyntaxError(text, exc.line, exc.column, "invalid expression") from None
    finally:
        _NAMES.reset(names_token)
    return tree


def _end(text: str) -> tuple[int, int]:
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    return line, column
