"""Timers, messages and signals: catch events, boundary events, start events, event gateways."""

import pytest

from engine.errors import AlreadyExists

from .support import END, START, Harness, bpmn, chain, flow, service

MESSAGES = (
    '<bpmn:message id="Msg_Reply" name="reply"><bpmn:extensionElements>'
    '<zeebe:subscription correlationKey="=caseId"/></bpmn:extensionElements></bpmn:message>'
    '<bpmn:message id="Msg_Start" name="case-filed"/>'
    '<bpmn:signal id="Sig_Stop" name="stop-all"/>'
)


def _event(tag: str, event_id: str, definition: str, attrs: str = "") -> str:
    return f'<bpmn:{tag} id="{event_id}" {attrs}>{definition}</bpmn:{tag}>'


def _catch(event_id: str, definition: str) -> str:
    return _event("intermediateCatchEvent", event_id, definition)


def _msg(ref: str) -> str:
    return f'<bpmn:messageEventDefinition messageRef="{ref}"/>'


SIGNAL = '<bpmn:signalEventDefinition signalRef="Sig_Stop"/>'


def _timer(kind: str, value: str) -> str:
    return (
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


def test_intermediate_timer_fires_when_the_clock_passes_its_due_date(h: Harness) -> None:
    wait = _catch("wait", _timer("timeDuration", "PT15M"))
    h.deploy(bpmn(chain(START, wait, END)))
    pi = h.start()
    h.advance(14 * 60_000)
    assert not h.completed(pi)
    h.advance(60_000)
    assert h.completed(pi)
    intents = [r.intent for r in h.records(pi) if r.value_type == "TIMER"]
    assert intents == ["CREATED", "TRIGGERED"]


def test_tick_reports_time_until_next_due_work(h: Harness) -> None:
    timer = _timer("timeDuration", '=duration("PT" + string(seconds) + "S")')
    wait = f'<bpmn:intermediateCatchEvent id="wait">{timer}</bpmn:intermediateCatchEvent>'
    h.deploy(bpmn(chain(START, wait, END)))
    h.start(seconds=10)
    remaining = h.engine.tick()
    assert remaining is not None and 9_000 < remaining <= 10_000


def test_interrupting_timer_boundary_cancels_the_task(h: Harness) -> None:
    boundary = _event(
        "boundaryEvent", "late", _timer("timeDuration", "PT1H"), 'attachedToRef="task"'
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    service("task", "work"),
                    END,
                    boundary,
                    service("escalate", "escalate"),
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("late", "escalate"),
                ]
            )
        )
    )
    pi = h.start()
    h.advance(3_600_000)
    assert h.elements(pi, "ELEMENT_TERMINATED") == ["task"]
    assert h.jobs("work") == [] and len(h.jobs("escalate")) == 1


def test_non_interrupting_cycle_boundary_repeats(h: Harness) -> None:
    boundary = (
        f'<bpmn:boundaryEvent id="remind" attachedToRef="task" cancelActivity="false">'
        f"{_timer('timeCycle', 'R3/PT1M')}</bpmn:boundaryEvent>"
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    service("task", "work"),
                    END,
                    boundary,
                    '<bpmn:endEvent id="reminded"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("remind", "reminded"),
                ]
            )
        )
    )
    pi = h.start()
    for _ in range(5):
        h.advance(60_000)
    assert h.elements(pi, "ELEMENT_COMPLETED").count("reminded") == 3
    h.engine.complete_job(h.job("work").key, {})
    assert h.completed(pi)


def test_timer_start_event_creates_instances(h: Harness) -> None:
    start = f'<bpmn:startEvent id="start">{_timer("timeCycle", "R2/PT1H")}</bpmn:startEvent>'
    h.deploy(bpmn(chain(start, service("task", "work"), END)))
    h.advance(3_600_000)
    h.advance(3_600_000)
    h.advance(3_600_000)
    assert len(h.jobs("work")) == 2


def test_message_catch_correlates_by_key_once_per_instance(h: Harness) -> None:
    catch = _catch("wait", _msg("Msg_Reply"))
    h.deploy(bpmn(chain(START, catch, END), extra=MESSAGES))
    a = h.start(caseId="A")
    b = h.start(caseId="B")
    h.engine.publish_message(
        name="reply", correlation_key="A", time_to_live_ms=0, variables={"answer": "yes"}
    )
    assert h.completed(a) and not h.completed(b)
    assert h.variables(a)["answer"] == "yes"
    correlated = [
        r
        for r in h.records(a)
        if r.value_type == "MESSAGE_SUBSCRIPTION" and r.intent == "CORRELATED"
    ]
    assert len(correlated) == 1


def test_buffered_message_correlates_when_the_subscription_opens(h: Harness) -> None:
    catch = '<bpmn:receiveTask id="wait" messageRef="Msg_Reply"/>'
    h.deploy(bpmn(chain(START, service("before", "before"), catch, END), extra=MESSAGES))
    pi = h.start(caseId="C")
    h.engine.publish_message(
        name="reply", correlation_key="C", time_to_live_ms=60_000, message_id="m-1"
    )
    with pytest.raises(AlreadyExists, match="m-1"):
        h.engine.publish_message(
            name="reply", correlation_key="C", time_to_live_ms=60_000, message_id="m-1"
        )
    h.engine.complete_job(h.job("before").key, {})
    assert h.completed(pi)


def test_expired_message_no_longer_correlates(h: Harness) -> None:
    catch = '<bpmn:receiveTask id="wait" messageRef="Msg_Reply"/>'
    h.deploy(bpmn(chain(START, service("before", "before"), catch, END), extra=MESSAGES))
    pi = h.start(caseId="D")
    key = h.engine.publish_message(name="reply", correlation_key="D", time_to_live_ms=1_000)
    h.advance(1_000)
    h.engine.complete_job(h.job("before").key, {})
    assert not h.completed(pi)
    expired = [r for r in h.engine.history(-1) if r.intent == "EXPIRED" and r.key == key]
    assert len(expired) == 1


def test_message_start_event_and_message_boundary(h: Harness) -> None:
    start = _event("startEvent", "start", _msg("Msg_Start"))
    boundary = (
        '<bpmn:boundaryEvent id="withdrawn" attachedToRef="task">'
        '<bpmn:messageEventDefinition messageRef="Msg_Reply"/></bpmn:boundaryEvent>'
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    start,
                    service("task", "work"),
                    END,
                    boundary,
                    '<bpmn:endEvent id="closed"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("withdrawn", "closed"),
                ]
            ),
            extra=MESSAGES,
        )
    )
    h.engine.publish_message(
        name="case-filed", correlation_key="", time_to_live_ms=0, variables={"caseId": "Z"}
    )
    job = h.job("work")
    assert job.variables == {"caseId": "Z"}
    h.engine.publish_message(name="reply", correlation_key="Z", time_to_live_ms=0)
    assert h.elements(job.process_instance_key, "ELEMENT_COMPLETED")[-2:] == ["closed", "p"]


def test_signal_broadcast_reaches_catch_events_and_start_events(h: Harness) -> None:
    catch = _catch("wait", SIGNAL)
    h.deploy(bpmn(chain(START, catch, END), extra=MESSAGES))
    start = _event("startEvent", "s", SIGNAL)
    h.deploy(bpmn(chain(start, service("audit", "audit"), END), "q", extra=MESSAGES), "q.bpmn")
    first, second = h.start(), h.start()
    h.engine.broadcast_signal(signal_name="stop-all", variables={"why": "drill"})
    assert h.completed(first) and h.completed(second)
    assert h.job("audit").variables == {"why": "drill"}


def test_signal_end_event_broadcasts(h: Harness) -> None:
    catch = _catch("wait", SIGNAL)
    h.deploy(bpmn(chain(START, catch, END), extra=MESSAGES))
    thrower = (
        '<bpmn:endEvent id="end"><bpmn:signalEventDefinition signalRef="Sig_Stop"/></bpmn:endEvent>'
    )
    h.deploy(bpmn(chain(START, thrower), "q", extra=MESSAGES), "q.bpmn")
    waiting = h.start()
    h.start("q")
    assert h.completed(waiting)


def test_event_based_gateway_takes_the_first_event(h: Harness) -> None:
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    '<bpmn:eventBasedGateway id="gw"/>',
                    _catch("answered", _msg("Msg_Reply")),
                    _catch("timeout", _timer("timeDuration", "PT1H")),
                    '<bpmn:endEvent id="ok"/>',
                    '<bpmn:endEvent id="late"/>',
                    flow("start", "gw"),
                    flow("gw", "answered"),
                    flow("gw", "timeout"),
                    flow("answered", "ok"),
                    flow("timeout", "late"),
                ]
            ),
            extra=MESSAGES,
        )
    )
    fast = h.start(caseId="F")
    slow = h.start(caseId="S")
    h.engine.publish_message(name="reply", correlation_key="F", time_to_live_ms=0)
    h.advance(3_600_000)
    assert h.elements(fast, "ELEMENT_COMPLETED")[-2:] == ["ok", "p"]
    assert h.elements(slow, "ELEMENT_COMPLETED")[-2:] == ["late", "p"]
    # the losing timer of the fast instance was cancelled
    assert [r.intent for r in h.records(fast) if r.value_type == "TIMER"] == ["CREATED", "CANCELED"]


def test_interrupting_message_event_sub_process(h: Harness) -> None:
    esp = (
        '<bpmn:subProcess id="withdraw" triggeredByEvent="true">'
        + _event("startEvent", "on_reply", _msg("Msg_Reply"))
        + '<bpmn:endEvent id="w_end"/>'
        + flow("on_reply", "w_end")
        + "</bpmn:subProcess>"
    )
    h.deploy(bpmn(chain(START, service("task", "work"), END) + esp, extra=MESSAGES))
    pi = h.start(caseId="W")
    h.engine.publish_message(name="reply", correlation_key="W", time_to_live_ms=0)
    assert h.completed(pi)
    assert "task" in h.elements(pi, "ELEMENT_TERMINATED")
    assert h.jobs("work") == []


def test_message_start_runs_one_instance_per_correlation_key_at_a_time(h: Harness) -> None:
    start = _event("startEvent", "start", _msg("Msg_Start"))
    h.deploy(bpmn(chain(start, service("task", "work"), END), extra=MESSAGES))
    for key in ("K1", "K1", "K2"):
        h.engine.publish_message(name="case-filed", correlation_key=key, time_to_live_ms=0)
    jobs = h.jobs("work")
    assert len(jobs) == 2
    for job in jobs:
        h.engine.complete_job(job.key, {})
    h.engine.publish_message(name="case-filed", correlation_key="K1", time_to_live_ms=0)
    assert len(h.jobs("work")) == 1  # the first K1 instance ended: a new one may start


def test_new_version_replaces_timer_start_events(h: Harness) -> None:
    start = _event("startEvent", "start", _timer("timeCycle", "R1/PT1H"))
    h.deploy(bpmn(chain(start, service("task", "v1"), END)))
    h.deploy(bpmn(chain(start, service("task", "v2"), END)))
    h.advance(3_600_000)
    assert h.jobs("v1") == [] and len(h.jobs("v2")) == 1


def test_non_interrupting_event_sub_process_runs_beside_the_main_flow(h: Harness) -> None:
    esp = (
        '<bpmn:subProcess id="note" triggeredByEvent="true">'
        + _event("startEvent", "on_reply", _msg("Msg_Reply"), 'isInterrupting="false"')
        + service("record", "record")
        + flow("on_reply", "record")
        + "</bpmn:subProcess>"
    )
    h.deploy(bpmn(chain(START, service("task", "work"), END) + esp, extra=MESSAGES))
    pi = h.start(caseId="N")
    for _ in range(2):
        h.engine.publish_message(name="reply", correlation_key="N", time_to_live_ms=0)
    assert len(h.jobs("record")) == 2
    assert len(h.jobs("work")) == 1
    assert not h.completed(pi)


def test_timer_boundary_on_multi_instance_body_interrupts_all_inner_instances(
    h: Harness,
) -> None:
    task = (
        '<bpmn:serviceTask id="task"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="work"/></bpmn:extensionElements>'
        "<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>"
        '<zeebe:loopCharacteristics inputCollection="=[1,2,3]" inputElement="i"/>'
        "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>"
    )
    boundary = _event(
        "boundaryEvent", "late", _timer("timeDuration", "PT1H"), 'attachedToRef="task"'
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    task,
                    END,
                    boundary,
                    '<bpmn:endEvent id="late_end"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("late", "late_end"),
                ]
            )
        )
    )
    pi = h.start()
    assert len(h.jobs("work")) == 3
    timers = [r for r in h.records(pi) if r.value_type == "TIMER"]
    assert len(timers) == 1  # one subscription, on the body
    h.advance(3_600_000)
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_TERMINATED").count("task") == 4  # 3 inner + the body


def test_timer_date_and_wakeup_listener(h: Harness) -> None:
    woken: list[int] = []
    h.engine.add_wakeup_listener(lambda: woken.append(1))
    wait = _catch("wait", _timer("timeDate", "=due"))
    h.deploy(bpmn(chain(START, wait, END)))
    pi = h.start(due="2099-01-01T00:00:00Z")
    assert woken == [1]  # the engine had nothing scheduled before: the loop must re-plan
    h.start(due="2098-01-01T00:00:00Z")
    assert woken == [1, 1]  # earlier than anything scheduled
    h.start(due="2099-06-01T00:00:00Z")
    assert woken == [1, 1]  # later: no need to wake up
    assert not h.completed(pi)


def test_bad_timer_expression_is_an_incident(h: Harness) -> None:
    wait = _catch("wait", _timer("timeDuration", "=wait"))
    h.deploy(bpmn(chain(START, wait, END)))
    pi = h.start(wait="soon")
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "wait"
    h.engine.set_variables(pi, {"wait": "PT1S"}, local=False)
    h.engine.resolve_incident(incident.key)
    h.advance(1_000)
    assert h.completed(pi)
    assert [r.intent for r in h.records(pi) if r.value_type == "TIMER"] == [
        "CREATED",
        "TRIGGERED",
    ]


def test_signal_boundary_interrupts_a_user_task(h: Harness) -> None:
    task = (
        '<bpmn:userTask id="task"><bpmn:extensionElements><zeebe:userTask/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    boundary = _event("boundaryEvent", "stopped", SIGNAL, 'attachedToRef="task"')
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    task,
                    END,
                    boundary,
                    '<bpmn:endEvent id="stop_end"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("stopped", "stop_end"),
                ]
            ),
            extra=MESSAGES,
        )
    )
    pi = h.start()
    h.engine.broadcast_signal(signal_name="stop-all")
    assert h.completed(pi)
    intents = [r.intent for r in h.records(pi) if r.value_type == "USER_TASK"]
    assert intents == ["CREATING", "CREATED", "CANCELING", "CANCELED"]


def test_buffered_message_starts_the_next_instance_once_the_first_ends(h: Harness) -> None:
    start = _event("startEvent", "start", _msg("Msg_Start"))
    h.deploy(bpmn(chain(start, service("task", "work"), END), extra=MESSAGES))
    h.engine.publish_message(
        name="case-filed", correlation_key="K", time_to_live_ms=60_000, variables={"n": 1}
    )
    h.engine.publish_message(
        name="case-filed", correlation_key="K", time_to_live_ms=60_000, variables={"n": 2}
    )
    first = h.job("work")
    assert first.variables == {"n": 1} and h.jobs("work") == []
    h.engine.complete_job(first.key, {})
    second = h.job("work")
    assert second.variables == {"n": 2}
    h.engine.complete_job(second.key, {})
    assert h.jobs("work") == []  # each buffered message started the process once
