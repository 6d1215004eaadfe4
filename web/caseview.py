"""One case as its page shows it: diagram marks, stage timeline, who took it, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from web.camunda import JsonDict
from web.stages import STAGE_NAMES, stage_of_name
from web.users import GROUP_LABELS
from web.workspace import Case, Workspace, parse_time

TAKE_CASE_ELEMENTS = ("Task_CityLeaderTakesCase", "Task_CountyLeaderTakesCase",
                      "Task_TownshipScreening")  # fmt: skip
"""The colour-escalation tasks in which a leader or township takes the case (包案)."""

STATE_LABELS = {"ACTIVE": "进行中", "COMPLETED": "已完成", "TERMINATED": "已终止",
                "CREATED": "待办理", "CANCELED": "已取消"}  # fmt: skip


@dataclass(frozen=True)
class StageStep:
    stage: int
    name: str
    status: str  # done | active | pending
    started: datetime | None
    ended: datetime | None


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    what: str
    state: str


@dataclass(frozen=True)
class CaseView:
    case: Case
    instance: JsonDict
    steps: tuple[StageStep, ...]
    completed_elements: tuple[str, ...]
    active_elements: tuple[str, ...]
    incident_elements: tuple[str, ...]
    incidents: tuple[JsonDict, ...]
    open_tasks: tuple[JsonDict, ...]
    history: tuple[HistoryLine, ...]
    taken_by: str
    taken_group: str


def _steps(elements: list[JsonDict], case: Case, finished: bool) -> tuple[StageStep, ...]:
    found: dict[int, JsonDict] = {}
    for element in elements:
        stage = stage_of_name(element.get("elementName"))
        if stage is not None and element.get("type") == "SUB_PROCESS":
            found[stage] = element  # a repeated stage (re-assessment): the latest run counts
    steps = []
    for stage in STAGE_NAMES:
        found_element = found.get(stage)
        if found_element is None:
            reached = stage == 9 and finished and (case.stage or 0) >= 8
            status = "done" if reached else "pending"
            steps.append(StageStep(stage, STAGE_NAMES[stage], status, None, None))
            continue
        state = found_element.get("state")
        status = "active" if state == "ACTIVE" else "done" if state == "COMPLETED" else "pending"
        steps.append(StageStep(stage, STAGE_NAMES[stage], status,
                               parse_time(found_element.get("startDate")),
                               parse_time(found_element.get("endDate"))))  # fmt: skip
    return tuple(steps)


def _history(tasks: list[JsonDict]) -> tuple[HistoryLine, ...]:
    lines = []
    for task in tasks:
        created = parse_time(task.get("creationDate"))
        done = parse_time(task.get("completionDate"))
        groups = "、".join(GROUP_LABELS.get(g, g) for g in task.get("candidateGroups") or [])
        if created:
            lines.append(HistoryLine(created, groups or "—", f"任务“{task.get('name')}”创建",
                                     STATE_LABELS["CREATED"]))  # fmt: skip
        if done:
            state = STATE_LABELS.get(str(task.get("state")), str(task.get("state")))
            who = task.get("assignee") or "—"
            lines.append(HistoryLine(done, who, f"任务“{task.get('name')}”", state))
    return tuple(sorted(lines, key=lambda line: line.when))


async def build_case_view(ws: Workspace, case: Case) -> CaseView:
    """Read everything the case page shows from the engine (the case is already authorised)."""
    client = ws.client
    instance = await client.get_process_instance(case.key)
    elements = await client.element_instances(case.key)
    children = await client.search_process_instances({"parentProcessInstanceKey": case.key})
    instance_keys = [case.key, *(str(c["processInstanceKey"]) for c in children)]
    tasks = await client.search_user_tasks(
        {"processInstanceKey": {"$in": instance_keys}},
        sort=[{"field": "creationDate", "order": "ASC"}],
        limit=1000,
    )
    incidents = await client.incidents(case.key)
    taken = next(
        (t for t in reversed(tasks) if t.get("elementId") in TAKE_CASE_ELEMENTS and
         t.get("assignee")), None)  # fmt: skip
    routing = case.variables.get("routing")
    leader_group = routing.get("caseLeaderGroup") if isinstance(routing, dict) else None
    finished = instance.get("state") == "COMPLETED"
    steps = _steps(elements, case, finished)
    running = [step.stage for step in steps if step.status == "active"]
    return CaseView(
        case=case.at_stage(max(running)) if running else case,
        instance=instance,
        steps=steps,
        completed_elements=tuple(
            str(e["elementId"]) for e in elements if e.get("state") == "COMPLETED"
        ),
        active_elements=tuple(str(e["elementId"]) for e in elements if e.get("state") == "ACTIVE"),
        incident_elements=tuple(str(i["elementId"]) for i in incidents),
        incidents=tuple(incidents),
        open_tasks=tuple(t for t in tasks if t.get("state") == "CREATED"),
        history=_history(tasks),
        taken_by=str(taken["assignee"]) if taken else "",
        taken_group=GROUP_LABELS.get(str(leader_group), str(leader_group or "")),
    )
