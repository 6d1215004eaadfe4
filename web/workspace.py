"""What the pages need from the engine, with the user's remit enforced on every read.

Everything goes through :class:`~web.camunda.CamundaClient`. A task or case outside the user's
remit is reported as :class:`NotVisible`, and the pages answer it exactly like an unknown key, so
a URL typed by hand reveals nothing about cases elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from web.camunda import CamundaClient, JsonDict
from web.stages import StageMap, parse_stage_map, stage_of_name
from web.users import COUNTIES, User

CASE_VARIABLES = (
    "jurisdiction",
    "township",
    "itemName",
    "itemId",
    "itemType",
    "riskLevel",
    "routing",
    "colour",
    "currentStage",
    "filingNumber",
    "itemStatus",
)
"""Root-scope variables the pages show; names from workers/VARIABLES.md and the models."""

COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "green": "绿色"}
_LEVEL_COLOUR = {"high": "red", "medium": "yellow", "low": "green", "高": "red", "中": "yellow",
                 "低": "green"}  # fmt: skip


MAX_CACHED_INSTANCES = 100_000


class NotVisible(Exception):
    """The task or case does not exist or lies outside the user's remit (answered as 404)."""


class TaskClosed(NotVisible):
    """The user's task was completed or canceled meanwhile (by someone else, or the process)."""


class View(StrEnum):
    """Which tasks the inbox lists."""

    ALL = "all"
    MINE = "mine"
    GROUPS = "groups"
    UNASSIGNED = "unassigned"


class SortField(StrEnum):
    CREATED = "creationDate"
    DUE = "dueDate"
    PRIORITY = "priority"
    NAME = "name"


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters and sort order, as chosen on the page."""

    view: View = View.ALL
    overdue: bool = False
    stage: int | None = None
    colour: str | None = None
    county: str | None = None
    due_before: date | None = None
    sort: SortField = SortField.CREATED
    descending: bool = False


@dataclass(frozen=True)
class Case:
    """The root process instance of an item and the variables that place it."""

    key: str
    variables: Mapping[str, Any]
    running_stage: int | None = None

    @property
    def jurisdiction(self) -> str | None:
        value = self.variables.get("jurisdiction")
        return value if isinstance(value, str) else None

    @property
    def township(self) -> str | None:
        value = self.variables.get("township")
        return value if isinstance(value, str) and value else None

    @property
    def item_name(self) -> str:
        value = self.variables.get("itemName")
        return value if isinstance(value, str) and value else f"事项（流程实例 {self.key}）"

    @property
    def colour(self) -> str | None:
        routing = self.variables.get("routing")
        if isinstance(routing, Mapping) and routing.get("colour") in COLOUR_LABELS:
            return str(routing["colour"])
        if self.variables.get("colour") in COLOUR_LABELS:
            return str(self.variables["colour"])
        level = self.variables.get("riskLevel")
        return _LEVEL_COLOUR.get(level) if isinstance(level, str) else None

    @property
    def stage(self) -> int | None:
        """The stage under way (from the diagram when known, else the recorded one)."""
        if self.running_stage is not None:
            return self.running_stage
        value = self.variables.get("currentStage")
        return value if isinstance(value, int) and 1 <= value <= 9 else None

    def at_stage(self, stage: int) -> Case:
        """This case, known to be running ``stage``."""
        return Case(self.key, self.variables, stage)


@dataclass(frozen=True)
class TaskRow:
    """One line of the inbox."""

    task: JsonDict
    case: Case
    stage: int | None
    overdue: bool

    @property
    def key(self) -> str:
        return str(self.task["userTaskKey"])


def parse_time(text: object) -> datetime | None:
    """An ISO 8601 date-time from the engine, as an aware datetime; None if absent or odd."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def may_act_on(user: User, task: Mapping[str, Any]) -> bool:
    """Whether the task is the user's: assigned to them, or offered to them or their groups."""
    if task.get("assignee") == user.username:
        return True
    if user.username in (task.get("candidateUsers") or []):
        return True
    return bool(user.groups.intersection(task.get("candidateGroups") or []))


class Workspace:
    """Engine reads and commands on behalf of one signed-in user at a time."""

    def __init__(self, client: CamundaClient, *, now: Callable[[], datetime]) -> None:
        self.client = client
        self.now = now
        self._stage_maps: dict[str, StageMap] = {}
        self._parents: dict[str, str | None] = {}
        self._definition_ids: dict[str, str] = {}

    # --- structure (immutable, so cached) ---------------------------------------------------

    async def stage_map(self, definition_key: str) -> StageMap:
        if definition_key not in self._stage_maps:
            xml = await self.client.process_definition_xml(definition_key)
            self._stage_maps[definition_key] = parse_stage_map(xml)
        return self._stage_maps[definition_key]

    async def root_of(self, instance_key: str) -> str:
        """The root process instance (the case) of an instance, following call activities."""
        key = instance_key
        for _ in range(20):  # call depth of the models is 2; this only stops a cycle
            if key not in self._parents:
                if len(self._parents) > MAX_CACHED_INSTANCES:
                    self._parents.clear()  # parent links never change; forgetting is only a cost
                    self._definition_ids.clear()
                instance = await self.client.get_process_instance(key)
                parent = instance.get("parentProcessInstanceKey")
                self._parents[key] = str(parent) if parent else None
                self._definition_ids[key] = str(instance.get("processDefinitionKey") or "")
            parent_key = self._parents[key]
            if parent_key is None:
                return key
            key = parent_key
        return key

    async def task_stage(self, task: Mapping[str, Any], root_key: str, case: Case) -> int | None:
        """The stage of a task: from its own diagram, or the call activity that started it."""
        own = await self.stage_map(str(task["processDefinitionKey"]))
        if task.get("elementId") in own.elements:
            return own.elements[str(task["elementId"])]
        if str(task.get("processInstanceKey")) != root_key:
            await self.root_of(root_key)
            root_definition = self._definition_ids.get(root_key)
            if root_definition:
                called = (await self.stage_map(root_definition)).called
                process_id = str(task.get("processDefinitionId"))
                if process_id in called:
                    return called[process_id]
        return case.stage

    # --- cases ------------------------------------------------------------------------------

    async def active_stages(self) -> dict[str, int]:
        """The stage each running case is in, read from its active stage sub-process."""
        stages: dict[str, int] = {}
        for element in await self.client.active_sub_processes():
            stage = stage_of_name(element.get("elementName"))
            key = str(element.get("processInstanceKey"))
            if stage is not None and stage > stages.get(key, 0):
                stages[key] = stage
        return stages

    async def cases(self, root_keys: Iterable[str]) -> dict[str, Case]:
        keys = list(dict.fromkeys(root_keys))
        found = await self.client.instance_variables(keys, CASE_VARIABLES)
        return {k: Case(k, found.get(k, {})) for k in keys}

    async def case_for(self, user: User, key: str) -> Case:
        """The case with root instance ``key`` if the user may see it; NotVisible otherwise."""
        if not key.isdigit():
            raise NotVisible(key)
        root = await self.root_of(key)
        if root != key:
            raise NotVisible(key)  # a child instance is shown through its case
        case = (await self.cases([key]))[key]
        if not user.may_see_case(case.jurisdiction, case.township):
            raise NotVisible(key)
        return case

    # --- tasks ------------------------------------------------------------------------------

    async def task_for(self, user: User, key: str) -> tuple[JsonDict, Case]:
        """An open task of the user's, with its case; NotVisible otherwise."""
        if not key.isdigit():
            raise NotVisible(key)
        task = await self.client.get_user_task(key)
        if not may_act_on(user, task):
            raise NotVisible(key)
        root = await self.root_of(str(task["processInstanceKey"]))
        case = (await self.cases([root]))[root]
        if not user.may_see_case(case.jurisdiction, case.township):
            raise NotVisible(key)
        if task.get("state") != "CREATED":
            raise TaskClosed(key)
        return task, case

    async def inbox(self, user: User, flt: InboxFilter, *, limit: int = 200) -> list[TaskRow]:
        """The user's open tasks that pass the filter, sorted as asked."""
        base: dict[str, Any] = {"state": "CREATED"}
        if flt.due_before is not None:
            end = datetime.combine(flt.due_before, time.max, tzinfo=UTC)
            base["dueDate"] = {"$lte": iso(end)}
        if flt.overdue:
            base["dueDate"] = {"$lt": iso(self.now())}
        county = flt.county if flt.county in COUNTIES else None
        if not user.is_city:
            county = user.jurisdiction  # only their own unit, whatever the page asked for
        if county is not None:
            base["processInstanceVariables"] = [
                {"name": "jurisdiction", "value": _json_text(county)}
            ]
        sort = [{"field": flt.sort.value, "order": "DESC" if flt.descending else "ASC"}]
        searches: list[dict[str, Any]] = []
        if flt.view in (View.ALL, View.MINE):
            searches.append({**base, "assignee": user.username})
        if flt.view in (View.ALL, View.GROUPS, View.UNASSIGNED) and user.groups:
            offered = {**base, "candidateGroup": {"$in": sorted(user.groups)}}
            if flt.view is View.UNASSIGNED:
                offered["assignee"] = {"$exists": False}
            searches.append(offered)
        if flt.view in (View.ALL, View.GROUPS, View.UNASSIGNED):
            personal = {**base, "candidateUser": user.username}
            if flt.view is View.UNASSIGNED:
                personal["assignee"] = {"$exists": False}
            searches.append(personal)
        tasks: dict[str, JsonDict] = {}
        for search in searches:
            for task in await self.client.search_user_tasks(search, sort=sort, limit=limit):
                tasks.setdefault(str(task["userTaskKey"]), task)
        return await self._rows(user, flt, tasks.values())

    async def _rows(self, user: User, flt: InboxFilter, tasks: Iterable[JsonDict]) -> list[TaskRow]:
        visible = [t for t in tasks if may_act_on(user, t)]
        roots = {str(t["userTaskKey"]): await self.root_of(str(t["processInstanceKey"]))
                 for t in visible}  # fmt: skip
        cases = await self.cases(roots.values())
        now = self.now()
        rows: list[TaskRow] = []
        for task in visible:
            case = cases[roots[str(task["userTaskKey"])]]
            if not user.may_see_case(case.jurisdiction, case.township):
                continue
            if flt.county and case.jurisdiction != flt.county:
                continue
            if flt.colour and case.colour != flt.colour:
                continue
            stage = await self.task_stage(task, case.key, case)
            if flt.stage is not None and stage != flt.stage:
                continue
            due = parse_time(task.get("dueDate"))
            rows.append(TaskRow(task, case, stage, overdue=due is not None and due < now))
        return _sorted(rows, flt)

    async def overdue_by_unit(self, user: User) -> dict[str, int]:
        """How many open tasks are overdue per unit within the user's remit (any group's)."""
        flt = {"state": "CREATED", "dueDate": {"$lt": iso(self.now())}}
        tasks = await self.client.search_user_tasks(flt, limit=1000)
        roots = [await self.root_of(str(t["processInstanceKey"])) for t in tasks]
        cases = await self.cases(roots)
        counts: dict[str, int] = {}
        for root in roots:
            case = cases[root]
            if user.may_see_case(case.jurisdiction, case.township):
                unit = case.jurisdiction or "未登记"
                counts[unit] = counts.get(unit, 0) + 1
        return counts

    # --- commands ---------------------------------------------------------------------------

    async def claim(self, user: User, key: str) -> None:
        """Assign the task to the user; a task someone else holds is not taken over."""
        await self.task_for(user, key)
        await self.client.assign_user_task(key, user.username, allow_override=False)

    async def release(self, user: User, key: str) -> None:
        """Give the task back to its candidate groups (only the holder may)."""
        task, _case = await self.task_for(user, key)
        if task.get("assignee") != user.username:
            raise NotVisible(key)
        await self.client.unassign_user_task(key)

    async def complete(self, user: User, key: str, variables: JsonDict) -> Case:
        """Complete the task as the user (claiming it first, as Tasklist does)."""
        task, case = await self.task_for(user, key)
        if task.get("assignee") != user.username:
            await self.client.assign_user_task(key, user.username, allow_override=False)
        await self.client.complete_user_task(key, variables)
        return case


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sorted(rows: Sequence[TaskRow], flt: InboxFilter) -> list[TaskRow]:
    def key(row: TaskRow) -> tuple[int, Any]:
        value = row.task.get(flt.sort.value)
        if flt.sort in (SortField.CREATED, SortField.DUE):
            moment = parse_time(value)
            return (0, moment.timestamp()) if moment else (1, 0.0)
        return (0, value) if value is not None else (1, 0)

    present = [r for r in rows if key(r)[0] == 0]
    absent = [r for r in rows if key(r)[0] == 1]  # tasks without the field always come last
    present.sort(key=key, reverse=flt.descending)
    return present + absent
