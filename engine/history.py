"""``wenping engine history KEY``: print the record log of a process instance.

Reads the store directly and read-only (no engine lock), so it works while the engine runs.
One line per record: position, time (UTC), value type, intent, element id, key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TextIO

import sqlalchemy

from engine.errors import NotFound
from engine.store import create_sql_engine, read_history, sqlite_path
from wenping.settings import EngineSettings


def print_history(settings: EngineSettings, key: int, out: TextIO) -> int:
    """Print the records of process instance ``key`` (and its children); return their number."""
    url = sqlalchemy.make_url(settings.database_url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise NotFound(f"No engine store at '{path}'")
    engine = create_sql_engine(
        settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    try:
        if not sqlalchemy.inspect(engine).has_table("engine_records"):
            raise NotFound(f"'{url.render_as_string(hide_password=True)}' holds no engine records")
        records = read_history(engine, key)
    finally:
        engine.dispose()
    out.write(
        f"{'POSITION':>10} {'TIME':<24} {'VALUE TYPE':<28} {'INTENT':<24} {'ELEMENT':<24} KEY\n"
    )
    for record in records:
        moment = datetime.fromtimestamp(record.timestamp // 1000, UTC)
        stamp = f"{moment:%Y-%m-%dT%H:%M:%S}.{record.timestamp % 1000:03d}Z"
        element = str(record.value.get("elementId", "") or "-")
        kind = record.value_type
        if record.record_type == "COMMAND_REJECTION":
            kind += " (rejected)"
        out.write(
            f"{record.position:>10} {stamp:<24} "
            f"{kind:<28} {record.intent:<24} {element:<24} {record.key}\n"
        )
    return len(records)
