"""What goes wrong on the way and how people put it right.

A hearing roll that breaks the composition rule is sent back for recomposition; an expert who
declares a conflict is replaced by a redraw; a task left lying is reminded and then escalated;
an invalid registration is refused with the reasons and nothing is stored.
"""

from __future__ import annotations

import json
from datetime import date

from process_case import Desk
from process_register import import_register, item_of
from process_staff import RECOMPOSED, Story, hearing_roll

from workers.experts.models import ExpertConflict, ExpertOpinion, PanelMember
from workers.hearings.models import Hearing, HearingAttendee
from workers.items.models import Item
from workers.ledger.models import LedgerEntry, Notification


async def test_hearing_composition_violated_then_recomposed(desk: Desk) -> None:
    await desk.start()
    story = Story(sensitive=True, bad_hearing_roll=True)
    await desk.play(story.answer, before=import_register(desk), until="Task_RecomposeHearing")

    [task] = await desk.open_tasks("Task_RecomposeHearing")
    violations = json.loads((await desk.task_variables(task))["hearingViolations"])
    assert any("利益群体代表" in v and "40%" in v for v in violations), violations
    item = item_of(desk)
    assert desk.count(Hearing, Hearing.item_id == item.id) == 0, "nothing scheduled yet"

    await desk.play(story.answer, until="Task_SummariseOpinions")
    # recomposition goes straight back to scheduling: the roll is not prepared a second time
    assert desk.who_did("Task_PrepareHearing") == ["responsible-subject"]
    assert desk.who_did("Task_RecomposeHearing") == ["responsible-subject"]
    # the third-party recorder (DOMAIN.md §5.6) writes the record, not the responsible subject
    assert desk.who_did("Task_RecordHearing") == ["hearing-staff"]
    [hearing] = desk.rows(Hearing, Hearing.item_id == item.id)
    # announced 2026-12-07 with ten days' notice, not before the preferred 2026-12-21, a weekday
    assert hearing.hearing_date >= date(2026, 12, 21) and hearing.hearing_date.weekday() < 5
    # the hearing is held with the recomposed roll
    attendees = desk.rows(HearingAttendee, HearingAttendee.hearing_id == hearing.id)
    recomposed = hearing_roll(RECOMPOSED)["attendees"]
    assert sorted(a.name for a in attendees) == sorted(p["name"] for p in recomposed)


async def test_expert_declaring_a_conflict_is_replaced_by_a_redraw(desk: Desk) -> None:
    await desk.start()
    story = Story(expert_conflict=True)
    await desk.play(story.answer, before=import_register(desk), until="Task_PanelOpinion")

    experts = desk.who_did("Task_ExpertOpinion")
    assert len(experts) == 6, "five drawn experts and one replacement answered"
    conflicted = int(experts[0].removeprefix("expert-"))
    item = item_of(desk)
    [conflict] = desk.rows(ExpertConflict, ExpertConflict.expert_id == conflicted)
    assert conflict.item_id == item.id
    [replaced] = desk.rows(PanelMember, PanelMember.expert_id == conflicted)
    assert replaced.replaced_by is not None and f"expert-{replaced.replaced_by}" in experts
    opinions = {o.expert_id for o in desk.rows(ExpertOpinion)}
    assert len(opinions) == 5 and conflicted not in opinions and replaced.replaced_by in opinions
    assert desk.passed("Task_RedrawExpert") == 1


async def test_overdue_task_is_reminded_then_escalated(desk: Desk) -> None:
    await desk.start()
    [task] = await desk.open_tasks("Task_RegisterItem")

    desk.advance_days(5)  # the registration's due date
    await desk.job_done("Task_RegisterItem_Reminder")
    notices = desk.rows(Notification, order=[Notification.id])
    assert [(n.kind, n.group) for n in notices] == [("reminder", "responsible-subject")]
    assert "登记重大事项与评估责任主体" in notices[0].text
    assert [t["userTaskKey"] for t in await desk.open_tasks()] == [task["userTaskKey"]]

    desk.advance_days(3)
    await desk.job_done("Task_RegisterItem_Escalation")
    notices = desk.rows(Notification, order=[Notification.id])
    assert [(n.kind, n.group) for n in notices] == [
        ("reminder", "responsible-subject"),
        ("escalation", "political-legal-commission"),
    ]

    # the reminder did not take the task away: it is still done, and the case goes on
    exempt = Story(item_name="白银区人民路沿街店铺招牌统一更换", households=0, land_taking=False)
    assert await desk.play(exempt.answer) == "EndEvent_Exempt"
    assert desk.who_did("Task_RegisterItem") == ["responsible-subject"]


async def test_invalid_registration_is_refused_and_nothing_stored(desk: Desk) -> None:
    await desk.start()
    [task] = await desk.open_tasks("Task_RegisterItem")
    story = Story()
    # submitted past the form's checks (e.g. through the API): unknown area, phone not a number
    await desk.complete(task, story.registration(jurisdiction="兰州市", contactPhone="请来电"))

    [again] = await desk.open_tasks("Task_RegisterItem")
    assert again["userTaskKey"] != task["userTaskKey"]
    errors = json.loads((await desk.task_variables(again))["validationErrors"])
    messages = {e["field"]: e["message"] for e in errors}
    assert messages == {"jurisdiction": "应为白银市或其下辖县区之一", "contactPhone": "格式不正确"}
    assert "兰州市" not in json.dumps(errors, ensure_ascii=False), "messages never echo values"
    assert desk.count(Item) == 0 and desk.count(LedgerEntry) == 0

    await desk.complete(again, story.registration())
    await desk.open_tasks("Task_DraftPlan")
    assert [i.name for i in desk.rows(Item)] == [story.item_name]
