"""The DMN TCK runner: reads ``dmn-tck/TestCases`` and evaluates each case with engine.dmn.

Like Camunda's runner it evaluates each result node's decision by name, treats a failed
evaluation as a null result (so ``errorResult`` cases expecting null pass), parses models
leniently (a broken expression fails only the decisions that use it) and counts a test case as
passed when all its result nodes match.
"""

from __future__ import annotations

import csv
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from engine.dmn import DecisionRequirements, evaluate_decision_feel, parse_dmn
from engine.dmn.drg import Decision
from engine.dmn.evaluator import invoke_decision_service
from engine.dmn.model import BoxedContext, EvaluationFailure, Expression, Literal

from .values import convert, describe, equal

TCK_ROOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "dmn-tck"
TEST_CASES = TCK_ROOT / "TestCases"
CAMUNDA_RESULTS = TCK_ROOT / "TestResults" / "CamundaDmnScala" / "1.9.0" / "tck_results.csv"
LEVELS = ("compliance-level-2", "compliance-level-3")
CASE_TIMEOUT_S = 5.0


@dataclass(frozen=True, order=True)
class CaseId:
    """A test case as the TCK results CSV names it."""

    folder: str  # e.g. compliance-level-2/0004-simpletable-U
    test_file: str  # file name without .xml
    case_id: str

    def __str__(self) -> str:
        return f"{self.folder}/{self.test_file}#{self.case_id}"

    @property
    def level(self) -> str:
        return self.folder.split("/")[0]


@dataclass(frozen=True)
class CaseResult:
    case: CaseId
    passed: bool
    reason: str = ""
    feel: tuple[str, ...] = field(default=())  # FEEL texts of the decisions that failed


class CaseTimeout(Exception):
    pass


def camunda_passing() -> set[CaseId]:
    """The cases Camunda's DMN engine passes (tck_results.csv rows marked SUCCESS)."""
    passing: set[CaseId] = set()
    with CAMUNDA_RESULTS.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if len(row) >= 4 and row[3] == "SUCCESS":
                passing.add(CaseId(row[0], row[1], row[2]))
    return passing


def _test_files() -> Iterator[tuple[str, Path]]:
    for level in LEVELS:
        for folder in sorted((TEST_CASES / level).iterdir()):
            if folder.is_dir():
                for test_file in sorted(folder.glob("*-test-*.xml")):
                    yield f"{level}/{folder.name}", test_file


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop a runaway case (signal based, so only on the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    # pytest-timeout may have its own alarm running: keep what is left of it.
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def run(selection: set[CaseId] | None = None, contains: str = "") -> list[CaseResult]:
    """Run the TCK cases (all of levels 2 and 3, or only ``selection``; only ids that contain
    ``contains``)."""
    results: list[CaseResult] = []
    models: dict[Path, DecisionRequirements | str] = {}
    for folder, test_file in _test_files():
        document = etree.parse(str(test_file))
        root = document.getroot()
        namespace = etree.QName(root).namespace
        cases = root.findall(f"{{{namespace}}}testCase")
        wanted = [
            c
            for c in cases
            if (selection is None or _case(folder, test_file, c) in selection)
            and contains in str(_case(folder, test_file, c))
        ]
        if not wanted:
            continue
        model_name = (root.findtext(f"{{{namespace}}}modelName") or "").strip()
        model_path = test_file.parent / model_name
        if model_path not in models:
            models[model_path] = _load(model_path)
        model = models[model_path]
        for case in wanted:
            case_id = CaseId(folder, test_file.stem, case.get("id") or "")
            if isinstance(model, str):
                results.append(CaseResult(case_id, False, model))
                continue
            try:
                with _time_limit(CASE_TIMEOUT_S):
                    results.append(_run_case(case_id, case, namespace or "", model))
            except CaseTimeout:
                results.append(CaseResult(case_id, False, f"timed out after {CASE_TIMEOUT_S}s"))
    if selection is not None:
        # Camunda's list is from an older TCK revision; a case it names that no longer exists
        # counts as not passed, so the rate stays over all of Camunda's cases.
        found = {r.case for r in results}
        results.extend(
            CaseResult(c, False, "case not in TestCases (removed from the TCK since)")
            for c in sorted(selection - found)
            if contains in str(c)
        )
    return results


def _case(folder: str, test_file: Path, case: etree._Element) -> CaseId:
    return CaseId(folder, test_file.stem, case.get("id") or "")


def _load(path: Path) -> DecisionRequirements | str:
    try:
        return parse_dmn(path.read_bytes(), path.name, strict=False)
    except Exception as error:
        return f"model does not load: {getattr(error, 'message', error)}"


def _run_case(
    case_id: CaseId, case: etree._Element, namespace: str, model: DecisionRequirements
) -> CaseResult:
    kind = case.get("type") or "decision"
    variables = {
        node.get("name") or "": convert(node) for node in case.findall(f"{{{namespace}}}inputNode")
    }
    if kind == "decisionService":
        return _run_service(case_id, case, namespace, model, variables)
    if kind != "decision":
        return CaseResult(case_id, False, f"test type '{kind}' is not run")
    for node in case.findall(f"{{{namespace}}}resultNode"):
        name = node.get("name") or ""
        decision = model.decision_by_name(name)
        if decision is None:
            return CaseResult(case_id, False, f"no decision named '{name}'")
        expected = convert(node.find(f"{{{namespace}}}expected"))
        try:
            outcome = evaluate_decision_feel(model, decision.id, variables)
        except Exception as error:  # a crash in the engine is a failed case, not a failed run
            return CaseResult(
                case_id,
                False,
                f"'{name}' raised {type(error).__name__}: {error}",
                feel_texts(model, decision),
            )
        actual = outcome.output if outcome.ok else None
        if not equal(expected, actual):
            why = f": {outcome.failure_message}" if not outcome.ok else ""
            return CaseResult(
                case_id,
                False,
                f"'{name}' expected {describe(expected)} but got {describe(actual)}{why}",
                feel_texts(model, decision),
            )
    return CaseResult(case_id, True)


def _run_service(
    case_id: CaseId,
    case: etree._Element,
    namespace: str,
    model: DecisionRequirements,
    variables: dict[str, Any],
) -> CaseResult:
    name = case.get("invocableName") or ""
    service = next((s for s in model.decision_services.values() if s.name == name), None)
    if service is None:
        return CaseResult(case_id, False, f"no decision service named '{name}'")
    try:
        result: Any = invoke_decision_service(model, service, variables)
    except EvaluationFailure:
        result = None
    single = len(service.output_decisions) == 1
    for node in case.findall(f"{{{namespace}}}resultNode"):
        expected = convert(node.find(f"{{{namespace}}}expected"))
        key = node.get("name") or ""
        actual = result if single or not isinstance(result, dict) else result.get(key)
        if not equal(expected, actual):
            return CaseResult(
                case_id,
                False,
                f"service '{name}' result '{key}' expected {describe(expected)} but got "
                f"{describe(actual)}",
            )
    return CaseResult(case_id, True)


def feel_texts(model: DecisionRequirements, decision: Decision) -> tuple[str, ...]:
    """The FEEL texts of a decision's literal expressions and context entries (for gap lists)."""
    texts: list[str] = []

    def collect(expression: Expression | None) -> None:
        if isinstance(expression, Literal):
            texts.append(" ".join(expression.text.split()))
        elif isinstance(expression, BoxedContext):
            for entry in expression.entries:
                collect(entry.value)

    collect(decision.logic)
    return tuple(t for t in texts if t)[:5]


@dataclass(frozen=True)
class Summary:
    results: tuple[CaseResult, ...]
    seconds: float
    label: str = "cases Camunda passes"

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def level(self, level: str) -> tuple[int, int]:
        chosen = [r for r in self.results if r.case.level == level]
        return sum(r.passed for r in chosen), len(chosen)

    def text(self) -> str:
        total = len(self.results)
        rate = 100.0 * self.passed / total if total else 0.0
        l2, n2 = self.level("compliance-level-2")
        l3, n3 = self.level("compliance-level-3")
        return (
            f"DMN TCK ({self.label}): {self.passed}/{total} passed ({rate:.1f}%); "
            f"compliance-level-2 {l2}/{n2}, compliance-level-3 {l3}/{n3}; {self.seconds:.1f}s"
        )


def run_camunda_selection() -> Summary:
    """Run the cases Camunda passes and time the run."""
    started = time.perf_counter()
    results = run(camunda_passing())
    return Summary(tuple(results), time.perf_counter() - started)
