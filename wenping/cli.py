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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wenping`` command."""
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    if args.command == "deploy":
        from wenping.deploy import deploy_models

        return deploy_models(settings, args.paths)
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
