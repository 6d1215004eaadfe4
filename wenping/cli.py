"""The one console command, ``wenping``, with a subcommand per part of the system.

Settings are read once here and passed down; logging is configured once here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wenping.logging import configure_logging
from wenping.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wenping", description="稳评 — wenping")
    sub = parser.add_subparsers(dest="command", required=True)

    deploy = sub.add_parser("deploy", help="deploy bpmn/ dmn/ forms/ to ZEEBE_ADDRESS")
    deploy.add_argument("paths", nargs="*", help="files to deploy (default: all models)")

    sub.add_parser("up", help="engine + deploy + workers + web app on the embedded defaults")
    sub.add_parser("worker", help="run the job workers against ZEEBE_ADDRESS")
    sub.add_parser("web", help="serve the staff web app (http://127.0.0.1:8000)")
    sub.add_parser("demo", help="一个演示事项走完全流程 (one demo item end to end)")

    engine = sub.add_parser("engine", help="the embedded engine")
    engine_sub = engine.add_subparsers(dest="engine_command", required=True)
    engine_sub.add_parser("run", help="serve gRPC (26500) and REST (8080) until stopped")
    history = engine_sub.add_parser("history", help="print the record log of a process instance")
    history.add_argument("key", type=int, help="process instance key")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wenping`` command."""
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    if args.command == "deploy":
        from wenping.deploy import deploy_models

        return deploy_models(settings, args.paths)
    if args.command == "engine":
        return _engine(settings, args)
    if args.command == "up":
        from wenping.up import run_up

        return run_up(settings)
    if args.command == "worker":
        import asyncio

        from workers.app import run

        asyncio.run(run(settings.workers))
        return 0
    if args.command == "demo":
        from wenping.demo import run_demo

        return run_demo(settings)
    if args.command == "web":
        from wenping.web_cmd import run_web

        return run_web(settings)
    raise AssertionError(f"unhandled command {args.command}")


def _engine(settings: Settings, args: argparse.Namespace) -> int:
    if args.engine_command == "run":
        from engine.server import run_forever

        return run_forever(settings.engine)
    if args.engine_command == "history":
        from engine.history import print_history

        if print_history(settings.engine, args.key, sys.stdout) == 0:
            sys.stderr.write(f"没有找到流程实例 {args.key} 的记录 (no records for this key)\n")
            return 1
        return 0
    raise AssertionError(f"unhandled engine command {args.engine_command}")


if __name__ == "__main__":
    sys.exit(main())
