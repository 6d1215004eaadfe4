"""What the diagrams promise a process owner, checked on the graph of the main and sub-processes.

The DMN row tests show which risk level gives which route; these tests show that each route goes
where DOMAIN.md §3 says, and nowhere else.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable

from lxml import etree

from .modelfiles import BPMN_DIR, parse, q

MAIN = parse(BPMN_DIR / "risk-assessment.bpmn")
ESCALATION = parse(BPMN_DIR / "colour-escalation.bpmn")
HEARING = parse(BPMN_DIR / "hearing.bpmn")
STAGES = [f"第{n}环节" for n in "一二三四五六七八"]


def _graph(root: etree._Element, skip: Iterable[str] = ()) -> dict[str, list[str]]:
    """Successors of each element at the top level of the process (sub-processes are nodes)."""
    process = root.find(q("bpmn:process"))
    assert process is not None
    skipped = set(skip)
    graph: dict[str, list[str]] = {}
    for flow in process.iterchildren(q("bpmn:sequenceFlow")):
        if flow.get("id") not in skipped:
            graph.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    return graph


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in graph.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _flows_from(root: etree._Element, source: str) -> list[etree._Element]:
    return [f for f in root.iter(q("bpmn:sequenceFlow")) if f.get("sourceRef") == source]


def _condition(flow: etree._Element) -> str:
    cond = flow.find(q("bpmn:conditionExpression"))
    return "" if cond is None else (cond.text or "")


def _stage(name_prefix: str) -> str:
    hits = [
        s.get("id", "")
        for s in MAIN.iter(q("bpmn:subProcess"))
        if (s.get("name") or "").startswith(name_prefix)
    ]
    assert len(hits) == 1, name_prefix
    return hits[0]


def test_stages_one_to_eight_follow_each_other() -> None:
    graph = _graph(MAIN)
    ids = [_stage(s) for s in STAGES]
    for earlier, later in itertools.pairwise(ids):
        assert later in _reachable(graph, earlier), f"{later} does not follow {earlier}"
    # the first stage is entered straight from the start event
    assert _graph(MAIN)["StartEvent_ItemProposed"] == [ids[0]]


def test_only_the_approve_route_reaches_approval_and_filing() -> None:
    approve = [f for f in _flows_from(MAIN, "Gateway_ResultGate") if '"approve"' in _condition(f)]
    assert len(approve) == 1
    archive = _stage("第八环节")
    assert approve[0].get("targetRef") == archive
    without = _graph(MAIN, skip=[approve[0].get("id", "")])
    assert archive not in _reachable(without, "StartEvent_ItemProposed")


def test_medium_risk_is_mitigated_and_reassessed_from_stage_five() -> None:
    mitigate = [f for f in _flows_from(MAIN, "Gateway_ResultGate") if '"mitigate"' in _condition(f)]
    assert len(mitigate) == 1
    graph = _graph(MAIN)
    after = _reachable(graph, mitigate[0].get("targetRef", ""))
    assert "Task_Mitigate" in after
    assert _stage("第五环节") in after
    # it never skips straight to approval: the gate decides again after re-assessment
    direct = _graph(MAIN, skip=["Flow_ColourRouting_ColourEscalation"])
    assert _stage("第八环节") not in _reachable(direct, "Task_Mitigate")


def test_high_risk_stops_or_reassesses_after_substantial_change() -> None:
    gate = MAIN.find(f".//{q('bpmn:exclusiveGateway')}[@id='Gateway_ResultGate']")
    assert gate is not None
    high = [f for f in _flows_from(MAIN, gate.get("id", "")) if f.get("id") == gate.get("default")]
    assert high and high[0].get("targetRef") == "Task_DecideHighRisk"
    graph = _graph(MAIN)
    after = _reachable(graph, "Task_DecideHighRisk")
    assert "EndEvent_Stopped" in after
    assert _stage("第二环节") in after


def test_exempt_items_end_without_assessment() -> None:
    exempt = [
        f
        for f in _flows_from(MAIN, "Gateway_AssessmentRequired")
        if "assessmentRequired = false" in _condition(f)
    ]
    assert len(exempt) == 1
    after = _reachable(_graph(MAIN), exempt[0].get("targetRef", ""))
    assert "EndEvent_Exempt" in after
    assert _stage("第二环节") not in after


def test_especially_major_items_go_to_the_review_meeting() -> None:
    flows = _flows_from(MAIN, "Gateway_EspeciallyMajor")
    to_review = [f for f in flows if f.get("targetRef") == "Task_ReviewMeeting"]
    assert len(to_review) == 1 and "especiallyMajor" in _condition(to_review[0])
    review = MAIN.find(f".//{q('bpmn:userTask')}[@id='Task_ReviewMeeting']")
    assert review is not None
    groups = review.find(f".//{q('zeebe:assignmentDefinition')}")
    assert groups is not None and groups.get("candidateGroups") == "political-legal-commission"


def _branch_tasks(colour: str) -> list[str]:
    """User tasks reached from the colour gateway's branch before the branches merge again."""
    flow = next(
        f
        for f in _flows_from(ESCALATION, "Gateway_WarningColour")
        if f'"{colour}"' in _condition(f) or (colour == "green" and not _condition(f))
    )
    graph = _graph(ESCALATION)
    after_merge = _reachable(graph, "Gateway_WarningHandled")
    seen = _reachable(graph, flow.get("targetRef", "")) - after_merge
    names = {t.get("id"): t.get("name", "") for t in ESCALATION.iter(q("bpmn:userTask"))}
    return sorted(names[s] for s in seen if s in names)


def test_red_warning_starts_five_responses_in_parallel() -> None:
    tasks = _branch_tasks("red")
    assert len(tasks) == 5
    for words in ("市委、市政府分管领导包案", "大调解", "应急预案", "政策法律", "安抚"):
        assert any(words in t for t in tasks), words
    fork = _flows_from(ESCALATION, "Gateway_RedFork")
    assert len(fork) == 5


def test_yellow_warning_goes_to_the_county() -> None:
    tasks = _branch_tasks("yellow")
    assert len(tasks) == 2 and all("县区" in t for t in tasks)


def test_green_warning_goes_to_the_township() -> None:
    assert _branch_tasks("green") == ["乡镇街道排查化解、教育疏导"]


def test_recomposed_hearing_roll_goes_straight_back_to_scheduling() -> None:
    """The recomposed attendee list is the one checked: preparation is not asked for again."""
    graph = _graph(HEARING)
    [boundary] = [
        b.get("id", "")
        for b in HEARING.iter(q("bpmn:boundaryEvent"))
        if b.get("attachedToRef") == "Task_ScheduleHearing"
    ]
    assert graph[boundary] == ["Task_RecomposeHearing"]
    after = _reachable(graph, "Task_RecomposeHearing")
    assert "Task_ScheduleHearing" in after
    assert "Task_PrepareHearing" not in after
    # the first roll is checked by the same scheduling task
    assert "Task_ScheduleHearing" in _reachable(graph, "Task_PrepareHearing")
