"""One item's case on the real models, the real workers and the engine's REST API.

:class:`Desk` plays the staff: every round it looks for open tasks, finds each in its candidate
group's inbox (``POST /v2/user-tasks/search``), claims it for a named person and completes it with
what that person types into the form. Workers are the real ``workers.app`` worker on a fresh
domain database. Nothing sleeps: deadlines are reached by moving the engine's clock, and waits
wake on the engine's own records (:class:`Watch`, an exporter), bounded by ``WAIT_S``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.api import Record
from engine.testing import EngineHarness
from workers.db import transaction

T = TypeVar("T")

PROCESS_ID = "Process_RiskAssessment"
DAY_MS = 86_400_000
WAIT_S = 30.0

# Who sits at each desk: the person who claims that candidate group's tasks.
STAFF = {
    "responsible-subject": "白银区住建局-李明",
    "political-legal-commission": "市委政法委-赵敏",
    "development-reform-commission": "市发改委-孙强",
    "general-office": "市政府办-周静",
    "city-leader": "分管副市长-王建国",
    "county-leader": "白银区分管副区长-陈伟",
    "township-street": "四龙路街道-刘芳",
    "functional-departments": "市司法局-何平",
    "county-departments": "白银区信访局-马超",
    "grand-mediation-centre": "市大调解中心-郭燕",
    "county-government": "白银区政府-高磊",
    "hearing-staff": "市司法局（第三方）-冯静",
}


class Watch:
    """An exporter keeping what tests wait for: open user tasks, ended instances, incidents and
    completed jobs. Waiters wake on each committed batch of records instead of polling."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self.open_tasks: set[int] = set()
        self.ended: set[int] = set()
        self.incidents: dict[int, str] = {}
        self.jobs_completed: Counter[str] = Counter()

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        with self._cond:
            for r in records:
                if r.record_type != "EVENT":
                    continue
                kind = (r.value_type, r.intent)
                if kind == ("USER_TASK", "CREATED"):
                    self.open_tasks.add(r.key)
                elif r.value_type == "USER_TASK" and r.intent in ("COMPLETED", "CANCELED"):
                    self.open_tasks.discard(r.key)
                elif kind == ("INCIDENT", "CREATED"):
                    self.incidents[r.key] = (
                        f"{r.value.get('elementId')}: {r.value.get('errorMessage')}"
                    )
                elif kind == ("INCIDENT", "RESOLVED"):
                    self.incidents.pop(r.key, None)
                elif kind == ("JOB", "COMPLETED"):
                    self.jobs_completed[r.value.get("elementId", "")] += 1
                elif (
                    kind == ("PROCESS_INSTANCE", "ELEMENT_COMPLETED")
                    and r.value.get("bpmnElementType") == "PROCESS"
                ):
                    self.ended.add(r.key)
            self._generation += 1
            self._cond.notify_all()

    async def until(self, predicate: Callable[[], T], what: str) -> T:
        """Await a truthy ``predicate()``; fail naming ``what`` (and any incident) after
        ``WAIT_S``. ``predicate`` reads this watch's fields; it runs under its lock."""
        deadline = time.monotonic() + WAIT_S
        while True:
            with self._cond:
                value = predicate()
                generation = self._generation
                incidents = list(self.incidents.values())
            if value:
                return value
            assert not incidents, f"incident while waiting for {what}: {incidents}"
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out waiting for {what}"
            await asyncio.to_thread(self._wait_beyond, generation, remaining)

    def open_now(self) -> set[int]:
        """The keys of the user tasks open right now."""
        with self._cond:
            return set(self.open_tasks)

    def _wait_beyond(self, generation: int, timeout_s: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._generation != generation, timeout_s)


@dataclass(frozen=True)
class Done:
    """A user task a staff member completed."""

    element_id: str
    group: str
    assignee: str
    variables: dict[str, Any]


Answer = Callable[[dict[str, Any], int], dict[str, Any]]
"""``(task, round)`` → the form's variables; ``round`` counts earlier tasks of that element."""


@dataclass
class Desk:
    """The staff and the engine's REST API for one case."""

    harness: EngineHarness
    watch: Watch
    rest: httpx.AsyncClient
    db: sessionmaker[Session]
    done: list[Done] = field(default_factory=list)
    process_instance_key: int = 0

    # --- REST ---------------------------------------------------------------------------------

    async def start(self, variables: dict[str, Any] | None = None) -> int:
        """Start a case as the web app does (``POST /v2/process-instances``)."""
        body = {"processDefinitionId": PROCESS_ID, "variables": variables or {}}
        response = await self.rest.post("/v2/process-instances", json=body)
        assert response.status_code == 200, response.text
        self.process_instance_key = int(response.json()["processInstanceKey"])
        return self.process_instance_key

    async def search(self, **flt: Any) -> list[dict[str, Any]]:
        """User tasks matching ``flt`` (Camunda's filter names)."""
        response = await self.rest.post(
            "/v2/user-tasks/search", json={"filter": flt, "page": {"limit": 1000}}
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def inbox(self, task: dict[str, Any]) -> str:
        """The desk that sees ``task``: its expert's own inbox, else its first candidate group."""
        users: list[str] = task["candidateUsers"]
        group: str = task["candidateGroups"][0]
        mine = await (
            self.search(candidateUser=users[0], state="CREATED")
            if users
            else self.search(candidateGroup=group, state="CREATED")
        )
        assert task["userTaskKey"] in {t["userTaskKey"] for t in mine}, task["elementId"]
        return users[0] if users else group

    async def complete(self, task: dict[str, Any], variables: dict[str, Any]) -> None:
        """Claim ``task`` for the person at its desk and complete it with ``variables``."""
        desk = await self.inbox(task)
        assignee = STAFF.get(desk, desk)
        key = task["userTaskKey"]
        claimed = await self.rest.post(
            f"/v2/user-tasks/{key}/assignment", json={"assignee": assignee}
        )
        assert claimed.status_code == 204, claimed.text
        completed = await self.rest.post(
            f"/v2/user-tasks/{key}/completion", json={"variables": variables}
        )
        assert completed.status_code == 204, completed.text
        self.done.append(Done(task["elementId"], desk, assignee, variables))

    async def task_variables(self, task: dict[str, Any]) -> dict[str, Any]:
        """What the form of ``task`` is opened with (values as JSON text, as in Camunda)."""
        response = await self.rest.post(
            f"/v2/user-tasks/{task['userTaskKey']}/variables/search", json={}
        )
        assert response.status_code == 200, response.text
        return {v["name"]: v["value"] for v in response.json()["items"]}

    async def state(self) -> str:
        """The case's state as Operate shows it (ACTIVE, COMPLETED, TERMINATED)."""
        response = await self.rest.get(f"/v2/process-instances/{self.process_instance_key}")
        assert response.status_code == 200, response.text
        state: str = response.json()["state"]
        return state

    # --- waiting ------------------------------------------------------------------------------

    async def open_tasks(self, element_id: str | None = None) -> list[dict[str, Any]]:
        """Wait until some task (of ``element_id``, if given) is open; return those open ones."""
        await self.watch.until(lambda: self.watch.open_tasks, "an open task")
        while True:
            # Taken before the search: the search exports what is pending (to the watch too),
            # so a task opened after the search changes the watch from this snapshot.
            known = self.watch.open_now()
            tasks = [
                t
                for t in await self.search(state="CREATED")
                if element_id in (None, t["elementId"])
            ]
            if tasks:
                return tasks

            def changed(known: set[int] = known) -> bool:
                return self.watch.open_tasks != known

            await self.watch.until(changed, f"an open task {element_id}")

    async def finished(self) -> str:
        """Wait until the case has ended; return the end event it reached (REST agrees)."""
        pi = self.process_instance_key
        await self.watch.until(lambda: pi in self.watch.ended, "the case to end")
        assert await self.state() == "COMPLETED"
        ends = self.ended_at()
        assert len(ends) == 1, ends
        return ends[0]

    async def job_done(self, element_id: str, count: int = 1) -> None:
        """Wait until ``count`` jobs of ``element_id`` were completed by the workers."""
        await self.watch.until(
            lambda: self.watch.jobs_completed[element_id] >= count,
            f"{count} completed job(s) of {element_id}",
        )

    async def play(
        self,
        answer: Answer,
        *,
        until: str | None = None,
        before: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> str | None:
        """Complete open tasks with ``answer`` until the case ends (return its end event) or
        until a task of element ``until`` is open (return ``None``, leaving it open).

        ``before(task)`` runs before each task is completed (e.g. to let its deadline pass).
        """
        pi = self.process_instance_key
        while True:
            await self.watch.until(
                lambda: self.watch.open_tasks or pi in self.watch.ended,
                "an open task or the end of the case",
            )
            expected = self.watch.open_now()
            if not expected:
                return await self.finished()
            found = await self.search(state="CREATED")
            # The inbox shows every task the engine has opened: the search first exports every
            # acknowledged record, so a task the watch saw open is either found or was closed
            # meanwhile (and the watch, exported with the search tables, knows it by now).
            missing = expected - {int(t["userTaskKey"]) for t in found}
            assert not missing & self.watch.open_now(), (missing, found)
            for task in sorted(found, key=lambda t: int(t["userTaskKey"])):
                if task["elementId"] == until:
                    return None
                assert task["dueDate"], f"{task['elementId']} has no due date"
                if before is not None:
                    await before(task)
                rounds = sum(d.element_id == task["elementId"] for d in self.done)
                await self.complete(task, answer(task, rounds))

    # --- the engine's record log (harness.history) ---------------------------------------------

    def records(self, value_type: str, intent: str, element_id: str | None = None) -> list[Record]:
        """Records of the case and its called processes."""
        return [
            r
            for r in self.harness.history(self.process_instance_key)
            if r.value_type == value_type
            and r.intent == intent
            and element_id in (None, r.value.get("elementId"))
        ]

    def passed(self, element_id: str) -> int:
        """How often the case completed ``element_id``."""
        return len(self.records("PROCESS_INSTANCE", "ELEMENT_COMPLETED", element_id))

    def ended_at(self) -> list[str]:
        """The end events that completed the case itself (not a called process)."""
        return [
            r.value["elementId"]
            for r in self.records("PROCESS_INSTANCE", "ELEMENT_COMPLETED")
            if r.value.get("bpmnElementType") == "END_EVENT"
            and r.value.get("flowScopeKey") == self.process_instance_key
        ]

    def advance_days(self, days: float) -> None:
        """Let ``days`` pass on the engine's clock; due timers have fired when this returns."""
        self.harness.advance_clock(int(days * DAY_MS))

    # --- staff-facing views -------------------------------------------------------------------

    def who_did(self, element_id: str) -> list[str]:
        """The desks (candidate group or expert) that completed ``element_id``, in order."""
        return [d.group for d in self.done if d.element_id == element_id]

    def count(self, model: Any, *where: Any) -> int:
        """Rows of a domain table (``model``) matching ``where``."""
        with transaction(self.db) as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def rows(self, model: type[T], *where: Any, order: Sequence[Any] = ()) -> list[T]:
        """Domain rows of ``model`` matching ``where``."""
        with transaction(self.db) as session:
            return list(session.scalars(select(model).where(*where).order_by(*order)))
