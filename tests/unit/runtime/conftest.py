from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import Harness, harness


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    with harness(tmp_path) as running:
        yield running
