"""The public entry points: compile once (cached), evaluate many times."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from engine.clock import Clock
from engine.feel import compiler_ext, compiler_postfix  # noqa: F401 - register their rules
from engine.feel.compiler import Code, compile_node, subtrees
from engine.feel.errors import FeelEvaluationError, FeelSyntaxError
from engine.feel.grammar import parse
from engine.feel.scope import DEFAULT_ENV, Env, Scope
from engine.feel.unary import Matcher, build_matcher

_CACHE_SIZE = 4096


class CompiledExpression:
    """A parsed and compiled FEEL expression.

    Evaluate it against a mapping of variable names to FEEL values (convert JSON variables with
    :func:`engine.feel.to_feel`). Put :class:`~engine.feel.values.FeelFunction` values in the
    mapping to make business knowledge models and decision services callable by name. A
    ``collections.ChainMap`` works as a layered context.
    """

    __slots__ = ("_code", "_env", "text")

    def __init__(self, text: str, code: Code) -> None:
        self.text = text
        self._code = code
        self._env = Env(DEFAULT_ENV.clock, text)

    def evaluate(self, context: Mapping[str, Any], *, clock: Clock | None = None) -> Any:
        """The value of the expression; null where FEEL's rules give null.

        Raises :class:`FeelEvaluationError` only where Camunda fails an evaluation.
        ``clock`` feeds ``now()`` and ``today()`` (the engine passes its injectable clock).
        """
        env = self._env if clock is None else Env(clock, self.text)
        try:
            return self._code(Scope(context, None, env))
        except FeelEvaluationError as exc:
            if not exc.expression:
                exc.expression = self.text
            raise
        except RecursionError:
            raise FeelEvaluationError(
                "FEEL evaluation exceeded the recursion limit", self.text
            ) from None

    def __repr__(self) -> str:
        return f"CompiledExpression({self.text!r})"


class CompiledUnaryTests:
    """Compiled unary tests (a decision table input entry)."""

    __slots__ = ("_env", "_matcher", "text")

    def __init__(self, text: str, matcher: Matcher) -> None:
        self.text = text
        self._matcher = matcher
        self._env = Env(DEFAULT_ENV.clock, text)

    def matches(
        self, input_value: Any, context: Mapping[str, Any], *, clock: Clock | None = None
    ) -> bool:
        """Whether ``input_value`` satisfies the tests; a null result does not match."""
        env = self._env if clock is None else Env(clock, self.text)
        try:
            return self._matcher(input_value, context, env)
        except FeelEvaluationError as exc:
            if not exc.expression:
                exc.expression = self.text
            raise
        except RecursionError:
            raise FeelEvaluationError(
                "FEEL evaluation exceeded the recursion limit", self.text
            ) from None

    def __repr__(self) -> str:
        return f"CompiledUnaryTests({self.text!r})"


@lru_cache(maxsize=_CACHE_SIZE)
def compile_expression(text: str, names: frozenset[str] = frozenset()) -> CompiledExpression:
    """Parse and compile an expression; raises :class:`FeelSyntaxError` naming the position.

    ``names``: variable names in scope that FEEL cannot read unaided because they contain a
    keyword, a digit word or an operator character (``values in a list``, ``Date-Time``). The
    DMN engine passes the names of its inputs, decisions and knowledge models.
    """
    return CompiledExpression(text, _compile(parse(text, "start", names), text))


def _compile(tree: Any, text: str) -> Code:
    try:
        return compile_node(tree)
    except RecursionError:
        raise FeelSyntaxError(text, 1, 1, "the expression is nested too deeply") from None


def _match_any(input_value: Any, context: Mapping[str, Any], env: Env) -> bool:
    return True


@lru_cache(maxsize=_CACHE_SIZE)
def compile_unary_tests(text: str, names: frozenset[str] = frozenset()) -> CompiledUnaryTests:
    """Parse and compile unary tests (``-``, ``< 18``, ``[1..5)``, ``"a","b"``, ``not(...)``).

    ``names`` as for :func:`compile_expression`.
    """
    if text.strip() in ("", "-"):
        return CompiledUnaryTests(text, _match_any)
    tree = parse(text, "tests", names)
    try:
        return CompiledUnaryTests(text, build_matcher(subtrees(tree)))
    except RecursionError:
        raise FeelSyntaxError(text, 1, 1, "the expression is nested too deeply") from None


def evaluate(text: str, context: Mapping[str, Any], *, clock: Clock | None = None) -> Any:
    """Compile (cached) and evaluate an expression."""
    return compile_expression(text).evaluate(context, clock=clock)
