"""Exclusive, parallel and inclusive gateways as Zeebe runs them."""

from .support import END, START, Harness, bpmn, flow, service


def _exclusive(default: bool) -> bytes:
    gateway = (
        '<bpmn:exclusiveGateway id="gw" default="gw_low"/>'
        if default
        else '<bpmn:exclusiveGateway id="gw"/>'
    )
    return bpmn(
        "\n".join(
            [
                START,
                gateway,
                service("high", "high"),
                service("low", "low"),
                '<bpmn:endEvent id="end"/>',
                flow("start", "gw"),
                flow("gw", "high", "=score &gt; 50", "gw_high"),
                flow("gw", "low", None if default else "=score &lt;= 50", "gw_low"),
                flow("high", "end"),
                flow("low", "end"),
            ]
        )
    )


def test_exclusive_gateway_takes_first_true_condition(h: Harness) -> None:
    h.deploy(_exclusive(default=False))
    pi = h.start(score=80)
    assert len(h.jobs("high")) == 1 and h.jobs("low") == []
    assert h.elements(pi, "SEQUENCE_FLOW_TAKEN") == ["start_gw", "gw_high"]


def test_exclusive_gateway_default_flow(h: Harness) -> None:
    h.deploy(_exclusive(default=True))
    h.start(score=10)
    assert len(h.jobs("low")) == 1


def test_a_null_condition_is_an_incident_resolved_by_fixing_variables(h: Harness) -> None:
    h.deploy(_exclusive(default=False))
    pi = h.start()  # score missing: the first condition is null, not a boolean
    [incident] = h.incidents(pi)
    # Zeebe: a failed boolean evaluation is an EXTRACT_VALUE_ERROR, passed on by the gateway.
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert "'BOOLEAN', but was 'NULL'" in incident.value["errorMessage"]
    assert incident.value["elementId"] == "gw"
    h.engine.set_variables(pi, {"score": 99}, local=False)
    h.engine.resolve_incident(incident.key)
    assert h.incidents(pi) == []
    assert len(h.jobs("high")) == 1


def test_parallel_gateway_forks_and_joins(h: Harness) -> None:
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    '<bpmn:parallelGateway id="fork"/>',
                    service("a", "a"),
                    service("b", "b"),
                    '<bpmn:parallelGateway id="join"/>',
                    service("after", "after"),
                    END,
                    flow("start", "fork"),
                    flow("fork", "a"),
                    flow("fork", "b"),
                    flow("a", "join"),
                    flow("b", "join"),
                    flow("join", "after"),
                    flow("after", "end"),
                ]
            )
        )
    )
    pi = h.start()
    h.engine.complete_job(h.job("a").key, {"fromA": 1})
    assert h.jobs("after") == []  # the join waits for b
    h.engine.complete_job(h.job("b").key, {"fromB": 2})
    h.engine.complete_job(h.job("after").key, {})
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED").count("join") == 1
    assert h.variables(pi) == {"fromA": 1, "fromB": 2}


def _inclusive() -> bytes:
    return bpmn(
        "\n".join(
            [
                START,
                '<bpmn:inclusiveGateway id="fork" default="fork_c"/>',
                service("a", "a"),
                service("b", "b"),
                service("c", "c"),
                '<bpmn:inclusiveGateway id="join"/>',
                service("after", "after"),
                END,
                flow("start", "fork"),
                flow("fork", "a", "=x &gt; 1", "fork_a"),
                flow("fork", "b", "=x &gt; 2", "fork_b"),
                flow("fork", "c", None, "fork_c"),
                flow("a", "join"),
                flow("b", "join"),
                flow("c", "join"),
                flow("join", "after"),
                flow("after", "end"),
            ]
        )
    )


def test_inclusive_gateway_takes_every_true_flow_and_joins_them(h: Harness) -> None:
    h.deploy(_inclusive())
    pi = h.start(x=5)
    a, b = h.job("a"), h.job("b")
    assert h.jobs("c") == []
    h.engine.complete_job(a.key, {})
    assert h.jobs("after") == []
    h.engine.complete_job(b.key, {})
    h.engine.complete_job(h.job("after").key, {})
    assert h.completed(pi)


def test_inclusive_join_fires_when_only_one_branch_was_taken(h: Harness) -> None:
    h.deploy(_inclusive())
    pi = h.start(x=0)
    h.engine.complete_job(h.job("c").key, {})
    h.engine.complete_job(h.job("after").key, {})
    assert h.completed(pi)
