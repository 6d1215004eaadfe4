"""The REST and query packages expose a small, deliberate surface."""

from __future__ import annotations

import engine.query
import engine.rest


def test_rest_public_names() -> None:
    assert sorted(engine.rest.__all__) == [
        "Caller", "ExposureError", "check_exposure", "create_app", "is_loopback",
    ]  # fmt: skip
    for name in engine.rest.__all__:
        assert getattr(engine.rest, name).__doc__, name


def test_query_public_names() -> None:
    assert sorted(engine.query.__all__) == [
        "QueryExporter", "QueryService", "VARIABLE_TRUNCATION_THRESHOLD", "query_exporter",
    ]  # fmt: skip
