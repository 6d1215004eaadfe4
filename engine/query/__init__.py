"""Search tables for the Camunda REST API v2, projected from the engine's record log.

:func:`query_exporter` writes the ``q_*`` tables inside the engine's committing transaction;
:class:`QueryService` reads them with SQL filters, sorting and paging. The tables are a
projection: when missing or of an older schema version they are rebuilt from the record log
(:mod:`engine.query.rebuild`). Text is stored so that PostgreSQL never refuses it (unbounded,
U+0000 as U+FFFD, hash indexes for unbounded text): see :mod:`engine.query.tables`.
"""

from __future__ import annotations

from engine.api import Exporter
from engine.query.exporter import QueryExporter
from engine.query.projection import VARIABLE_TRUNCATION_THRESHOLD
from engine.query.service import QueryService


def query_exporter() -> Exporter:
    """A new exporter writing the search tables (creates them on first use)."""
    return QueryExporter()


__all__ = ["VARIABLE_TRUNCATION_THRESHOLD", "QueryExporter", "QueryService", "query_exporter"]
