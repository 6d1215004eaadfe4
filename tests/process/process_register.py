"""The stakeholder register staff import before the visits (here: a generated demo register)."""

from __future__ import annotations

from typing import Any

from process_case import Desk

from workers.db import transaction
from workers.demo.data import seed_register
from workers.items.models import Item
from workers.stakeholders import service as stakeholders


def item_of(desk: Desk) -> Item:
    """The case's item as the workers stored it."""
    [item] = desk.rows(Item, Item.process_instance_key == desk.process_instance_key)
    return item


def import_register(desk: Desk) -> Any:
    """A ``before`` hook: import the register when the plan is drafted (once per item)."""

    async def hook(task: dict[str, Any]) -> None:
        if task["elementId"] != "Task_DraftPlan":
            return
        item = item_of(desk)
        with transaction(desk.db) as session:
            if stakeholders.register_size(session=session, item_id=item.id) == 0:
                seed_register(
                    session=session, item_id=item.id, households=item.affected_households, seed=7
                )

    return hook
