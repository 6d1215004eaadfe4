"""``python -m tests.tck.run [--all] [--failures] [--check]``: run the DMN TCK and report.

By default runs the cases Camunda's engine passes (its tck_results.csv); ``--all`` runs every
compliance-level-2 and -3 case. ``--failures`` lists each failing case with its reason;
``--check`` exits 1 unless every level-2 case passes and at least 95% of Camunda's cases pass.
Also rewrites ``tests/FEEL-GAPS.md``-style data for the FEEL engineer with ``--gaps``.
"""

from __future__ import annotations

import argparse
import sys
import time

from .gaps import write_gaps
from .runner import Summary, camunda_passing, run
from .summary import TARGET_RATE, write_summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.tck.run")
    parser.add_argument("--all", action="store_true", help="run every case, not only Camunda's")
    parser.add_argument("--failures", action="store_true", help="list failing cases with reasons")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the targets hold")
    parser.add_argument("--gaps", action="store_true", help="rewrite tests/tck/FEEL-GAPS.md")
    parser.add_argument("--filter", default="", help="only cases whose id contains this text")
    args = parser.parse_args(argv)

    selection = None if args.all else camunda_passing()
    started = time.perf_counter()
    results = run(selection, args.filter)
    label = "all level-2 and -3 cases" if args.all else "cases Camunda passes"
    if args.filter:
        label += f" matching '{args.filter}'"
    summary = Summary(tuple(results), time.perf_counter() - started, label)
    if args.failures:
        for result in sorted(summary.results, key=lambda r: r.case):
            if not result.passed:
                print(f"FAIL {result.case}: {result.reason}")
                for text in result.feel:
                    print(f"     FEEL: {text}")
    if not args.all and not args.filter:
        write_summary(summary)
    if args.gaps and not args.all and not args.filter:
        write_gaps(summary)
    print(summary.text())
    if args.check:
        l2, n2 = summary.level("compliance-level-2")
        rate = summary.passed / len(summary.results) if summary.results else 0.0
        if l2 < n2 or rate < TARGET_RATE:
            print(f"targets not met: level 2 {l2}/{n2}, rate {rate:.3f} < {TARGET_RATE}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
