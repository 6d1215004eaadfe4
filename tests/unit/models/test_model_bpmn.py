"""Model hygiene for bpmn/: references resolve, user tasks are complete, Camunda-style ids."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.model import parse_bpmn
from workers.job_types import JobType
from workers.ledger.service import STAGE_NAMES

from .modelfiles import (
    bpmn_files,
    dmn_files,
    flow_nodes,
    form_files,
    load_form,
    local_name,
    parse,
    q,
)

BPMN = bpmn_files()
ID_PREFIXES = (
    "Process_",
    "StartEvent_",
    "EndEvent_",
    "Task_",
    "Gateway_",
    "SubProcess_",
    "CallActivity_",
    "Timer_",
    "Boundary_",
    "Flow_",
    "Error_",
    "ErrorEventDefinition_",
    "TimerEventDefinition_",
    "Definitions_",
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ids(path: Path) -> str:
    return path.name


def _owner(extension: etree._Element) -> str:
    """Id of the BPMN element an extension element belongs to (element/extensionElements/x)."""
    for ancestor in extension.iterancestors():
        if ancestor.get("id"):
            return ancestor.get("id", "")
    return ""


def test_models_exist() -> None:
    names = {p.name for p in BPMN}
    assert {
        "risk-assessment.bpmn",
        "hearing.bpmn",
        "demonstration-meeting.bpmn",
        "expert-review.bpmn",
        "colour-escalation.bpmn",
    } <= names


@pytest.mark.parametrize("path", BPMN, ids=_ids)
def test_embedded_engine_accepts_the_model(path: Path) -> None:
    resource = parse_bpmn(path.read_bytes(), path.name)
    assert resource.processes


@pytest.mark.parametrize("path", BPMN, ids=_ids)
def test_service_task_types_are_known_job_types(path: Path) -> None:
    known = {t.value for t in JobType}
    used = [(_owner(d), d.get("type")) for d in parse(path).iter(q("zeebe:taskDefinition"))]
    assert used, "every model has at least one service task"
    unknown = [(el, t) for el, t in used if t not in known]
    assert not unknown, f"{path.name}: job types not in workers/job_types.py: {unknown}"


def test_every_form_id_exists_in_forms() -> None:
    form_ids = {load_form(f)["id"] for f in form_files()}
    missing = [
        (p.name, _owner(d), d.get("formId"))
        for p in BPMN
        for d in parse(p).iter(q("zeebe:formDefinition"))
        if d.get("formId") not in form_ids
    ]
    assert not missing, f"formIds without a form in forms/: {missing}"


def test_every_called_decision_exists_in_dmn() -> None:
    decisions = {d.get("id") for f in dmn_files() for d in parse(f).iter(q("dmn:decision"))}
    called = [
        (p.name, d.get("decisionId"))
        for p in BPMN
        for d in parse(p).iter(q("zeebe:calledDecision"))
    ]
    assert called
    missing = [c for c in called if c[1] not in decisions]
    assert not missing, f"calledDecision without a decision in dmn/: {missing}"


def test_every_called_process_exists_in_bpmn() -> None:
    processes = {pr.get("id") for p in BPMN for pr in parse(p).iter(q("bpmn:process"))}
    called = [
        (p.name, c.get("processId")) for p in BPMN for c in parse(p).iter(q("zeebe:calledElement"))
    ]
    assert called
    missing = [c for c in called if c[1] not in processes]
    assert not missing, f"called processes that do not exist: {missing}"


def test_ids_are_unique_and_process_ids_unique_across_files() -> None:
    process_ids: Counter[str] = Counter()
    for p in BPMN:
        ids = Counter(el.get("id") for el in parse(p).iter() if el.get("id"))
        dupes = [i for i, n in ids.items() if n > 1]
        assert not dupes, f"{p.name}: duplicate ids {dupes}"
        process_ids.update(pr.get("id", "") for pr in parse(p).iter(q("bpmn:process")))
    assert all(n == 1 for n in process_ids.values()), process_ids


@pytest.mark.parametrize("path", BPMN, ids=_ids)
def test_ids_are_camunda_style_and_names_chinese(path: Path) -> None:
    root = parse(path)
    bad_ids = [
        el.get("id")
        for el in root.iter()
        if el.get("id")
        and etree.QName(el).namespace == "http://www.omg.org/spec/BPMN/20100524/MODEL"
        and not (el.get("id") or "").startswith(ID_PREFIXES)
    ]
    assert not bad_ids, f"{path.name}: ids without a Camunda-style prefix: {bad_ids}"
    tasks = [n for n in flow_nodes(root) if local_name(n).endswith(("Task", "Activity"))]
    unnamed = [n.get("id") for n in tasks if not CJK.search(n.get("name", ""))]
    assert not unnamed, f"{path.name}: tasks without a Chinese name: {unnamed}"


@pytest.mark.parametrize("path", BPMN, ids=_ids)
def test_errors_have_err_codes_and_boundaries_resolve(path: Path) -> None:
    root = parse(path)
    errors = {e.get("id"): e.get("errorCode", "") for e in root.iter(q("bpmn:error"))}
    assert all(re.fullmatch(r"ERR_[A-Z_]+", c) for c in errors.values()), errors
    refs = [d.get("errorRef") for d in root.iter(q("bpmn:errorEventDefinition"))]
    assert all(r in errors for r in refs), f"{path.name}: unresolved errorRef in {refs}"


def _user_tasks() -> list[Any]:
    out = []
    for p in BPMN:
        root = parse(p)
        out += [
            pytest.param(p.name, root, t, id=t.get("id")) for t in root.iter(q("bpmn:userTask"))
        ]
    return out


@pytest.mark.parametrize(("name", "root", "task"), _user_tasks())
def test_user_task_is_complete(name: str, root: etree._Element, task: etree._Element) -> None:
    """Camunda user task with a form, candidate groups, a due date, a reminder and an escalation."""
    tid = task.get("id")
    assert task.find(f".//{q('zeebe:userTask')}") is not None, f"{tid}: not a Camunda user task"
    assert task.find(f".//{q('zeebe:formDefinition')}") is not None, f"{tid}: no linked form"
    assignment = task.find(f".//{q('zeebe:assignmentDefinition')}")
    assert assignment is not None and assignment.get("candidateGroups"), f"{tid}: no groups"
    schedule = task.find(f".//{q('zeebe:taskSchedule')}")
    assert schedule is not None and schedule.get("dueDate"), f"{tid}: no due date"
    timers = [
        b
        for b in root.iter(q("bpmn:boundaryEvent"))
        if b.get("attachedToRef") == tid and b.find(q("bpmn:timerEventDefinition")) is not None
    ]
    assert len(timers) == 2, f"{tid}: expected a reminder and an escalation timer"
    assert all(b.get("cancelActivity") == "false" for b in timers), f"{tid}: timers interrupt"
    kinds = set()
    for timer in timers:
        target = _next_node(root, timer)
        task_def = target.find(f".//{q('zeebe:taskDefinition')}")
        assert task_def is not None and task_def.get("type") == JobType.NOTIFY, tid
        headers = {h.get("key"): h.get("value") for h in target.iter(q("zeebe:header"))}
        kinds.add(headers.get("notifyKind"))
    assert kinds == {"reminder", "escalation"}, f"{tid}: {kinds}"


def _next_node(root: etree._Element, node: etree._Element) -> etree._Element:
    flows = [f for f in root.iter(q("bpmn:sequenceFlow")) if f.get("sourceRef") == node.get("id")]
    assert len(flows) == 1, node.get("id")
    target = flows[0].get("targetRef")
    return next(n for n in flow_nodes(root) if n.get("id") == target)


@pytest.mark.parametrize("path", BPMN, ids=_ids)
def test_gateway_branches_have_conditions_or_default(path: Path) -> None:
    root = parse(path)
    for gw in root.iter(q("bpmn:exclusiveGateway")):
        out = [f for f in root.iter(q("bpmn:sequenceFlow")) if f.get("sourceRef") == gw.get("id")]
        if len(out) < 2:
            continue
        default = gw.get("default")
        unconditioned = [
            f.get("id")
            for f in out
            if f.find(q("bpmn:conditionExpression")) is None and f.get("id") != default
        ]
        assert default and not unconditioned, f"{gw.get('id')}: {unconditioned}, {default=}"


def test_stage_notes_add_to_the_stage_name_instead_of_repeating_it() -> None:
    """The ledger line is ``进入第N环节：<stage name>（<note>）``: a note that restates the stage
    name would print it twice, so a stage task carries only a note that says something more."""
    stage_tasks = 0
    for path in BPMN:
        for task_def in parse(path).iter(q("zeebe:taskDefinition")):
            if task_def.get("type") != JobType.RECORD_STAGE:
                continue
            stage_tasks += 1
            owner = task_def.getparent()
            assert owner is not None
            headers = {h.get("key"): h.get("value", "") for h in owner.iter(q("zeebe:header"))}
            stage_name = STAGE_NAMES[int(headers["stage"])]
            note = headers.get("stageNote")
            if note is None:
                continue
            assert note, f"{_owner(task_def)}: empty stageNote"
            assert note not in stage_name and stage_name not in note, _owner(task_def)
    assert stage_tasks >= 8, "one ledger line per stage of the main process"
