"""Sampling benchmark: a stratified sample from a 100,000-household register.

Run: ``.venv/bin/python -m bench.sampling``. The baseline, measured in the same run, is the floor
any sampler has to pay: reading the register's (id, group, stance) rows from the same database and
drawing ``random.sample`` over them. The ratio ``draw_sample / baseline`` says how much the real
sampler (strata, opposers first, reasons, stored sample) adds on top; lower is better.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from workers.db import connect
from workers.demo.data import seed_register
from workers.items import service as items
from workers.items.models import ItemCreate
from workers.stakeholders import service as stakeholders
from workers.stakeholders.models import Household

HOUSEHOLDS = 100_000
ROUNDS = 3


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        factory = connect(f"sqlite:///{Path(tmp) / 'bench.db'}")
        data = ItemCreate.model_validate(
            {
                "itemName": "基准测试项目（演示）",
                "itemType": "project",
                "jurisdiction": "白银区",
                "responsibleUnit": "白银区住房和城乡建设局",
                "township": "人民路街道",
                "affectedHouseholds": HOUSEHOLDS,
                "sensitive": True,
            }
        )
        with factory() as s, s.begin():
            item_id = items.register(session=s, data=data, process_instance_key=None).id
        start = time.perf_counter()
        with factory() as s, s.begin():
            seed_register(session=s, item_id=item_id, households=HOUSEHOLDS, seed=5)
        load_s = time.perf_counter() - start

        baseline, real = [], []
        for round_ in range(ROUNDS):
            start = time.perf_counter()
            with factory() as s:
                rows = s.execute(
                    select(Household.id, Household.group, Household.stance).where(
                        Household.item_id == item_id
                    )
                ).all()
                random.Random(round_).sample(rows, 5_000)
            baseline.append(time.perf_counter() - start)

            start = time.perf_counter()
            with factory() as s, s.begin():
                stakeholders.draw_sample(
                    session=s, item_id=item_id, visit_ratio=0.05, min_count=250, seed=round_
                )
            real.append(time.perf_counter() - start)

    base, draw = statistics.median(baseline), statistics.median(real)
    print(f"register of {HOUSEHOLDS:,} households loaded in {load_s:.2f} s")
    print(f"baseline (read rows + random.sample): {base * 1000:8.1f} ms")
    print(f"draw_sample (strata, opposers first): {draw * 1000:8.1f} ms")
    print(f"ratio draw_sample / baseline:         {draw / base:8.2f}")


if __name__ == "__main__":
    main()
