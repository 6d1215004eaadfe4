"""Variable scopes, propagation and input/output mappings (Zeebe's rules)."""

import json

import pytest

from .support import END, START, Harness, bpmn, chain, service


def _mapped(inputs: str = "", outputs: str = "") -> bytes:
    io = f"<zeebe:ioMapping>{inputs}{outputs}</zeebe:ioMapping>"
    return bpmn(chain(START, service("task", "work", io), END))


def test_input_mappings_create_local_variables_visible_to_the_job(h: Harness) -> None:
    h.deploy(
        _mapped(
            inputs='<zeebe:input source="=order.total * 2" target="doubled"/>'
            '<zeebe:input source="=order.id" target="ref.id"/>'
        )
    )
    pi = h.start(order={"id": "A1", "total": 21})
    job = h.job("work")
    assert job.variables["doubled"] == 42
    assert job.variables["ref"] == {"id": "A1"}
    h.engine.complete_job(job.key, {})
    assert set(h.variables(pi)) == {"order"}  # local variables do not leak


def test_without_output_mappings_job_variables_propagate_to_root(h: Harness) -> None:
    h.deploy(_mapped())
    pi = h.start(a=1)
    h.engine.complete_job(h.job("work").key, {"a": 2, "b": 3})
    assert h.variables(pi) == {"a": 2, "b": 3}


def test_with_output_mappings_only_mapped_values_leave_the_task(h: Harness) -> None:
    h.deploy(_mapped(outputs='<zeebe:output source="=result.score" target="score"/>'))
    pi = h.start()
    h.engine.complete_job(h.job("work").key, {"result": {"score": 7}, "noise": True})
    assert h.variables(pi) == {"score": 7}


def test_job_variable_updates_a_local_input_variable_not_the_root(h: Harness) -> None:
    h.deploy(_mapped(inputs='<zeebe:input source="=1" target="counter"/>'))
    pi = h.start(counter=100)
    h.engine.complete_job(h.job("work").key, {"counter": 5})
    assert h.variables(pi) == {"counter": 100}


def test_output_mapping_failure_is_an_incident_and_resolving_retries_it(h: Harness) -> None:
    h.deploy(_mapped(outputs='<zeebe:output source="=assert(total, total &gt; 0)" target="t"/>'))
    pi = h.start(total=0)
    h.engine.complete_job(h.job("work").key, {})
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert "assert(total, total > 0)" in incident.value["errorMessage"]
    assert not h.completed(pi)
    h.engine.set_variables(pi, {"total": 3}, local=False)
    h.engine.resolve_incident(incident.key)
    assert h.completed(pi)
    assert h.variables(pi) == {"total": 3, "t": 3}


def test_input_mapping_failure_keeps_the_element_activating_until_resolved(h: Harness) -> None:
    h.deploy(_mapped(inputs='<zeebe:input source="=assert(x, x != null)" target="y"/>'))
    pi = h.start()
    [incident] = h.incidents(pi)
    assert incident.value["elementId"] == "task"
    assert h.jobs("work") == []
    h.engine.set_variables(pi, {"x": 1}, local=False)
    h.engine.resolve_incident(incident.key)
    assert h.job("work").variables["y"] == 1


def test_set_variables_local_and_propagated(h: Harness) -> None:
    h.deploy(_mapped(inputs='<zeebe:input source="=0" target="local"/>'))
    pi = h.start(shared=1)
    job = h.job("work")
    h.engine.set_variables(job.element_instance_key, {"local": 9, "fresh": 1}, local=True)
    h.engine.set_variables(job.element_instance_key, {"shared": 2, "local": 10}, local=False)
    h.engine.fail_job(job.key, retries=1)
    job = h.job("work")
    assert job.variables["local"] == 10 and job.variables["fresh"] == 1
    assert h.variables(pi) == {"shared": 2}
    updates = [r.intent for r in h.records(pi) if r.value_type == "VARIABLE_DOCUMENT"]
    assert updates == ["UPDATED", "UPDATED"]


def test_input_mappings_see_earlier_mappings(h: Harness) -> None:
    h.deploy(
        _mapped(
            inputs='<zeebe:input source="=base + 1" target="first"/>'
            '<zeebe:input source="=first * 10" target="second"/>'
        )
    )
    h.start(base=1)
    assert h.job("work").variables["second"] == 20


def test_nested_output_target_merges_into_the_existing_context(h: Harness) -> None:
    h.deploy(_mapped(outputs='<zeebe:output source="=level" target="risk.level"/>'))
    pi = h.start(risk={"score": 80})
    h.engine.complete_job(h.job("work").key, {"level": "high"})
    assert h.variables(pi)["risk"] == {"score": 80, "level": "high"}


def test_a_value_stored_in_an_older_float_spelling_is_not_updated_by_itself(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Releases before orjson stored 1e-07 and 1e+16; setting the same numbers again must not
    # write VARIABLE UPDATED records (a listener would see changes that are none).
    h.deploy(_mapped())
    monkeypatch.setattr(
        "engine.runtime.variables.json_dumps", lambda v: json.dumps(v, separators=(",", ":"))
    )
    pi = h.start(tiny=1e-07, huge=1e16, other=0.5)
    monkeypatch.undo()
    h.engine.complete_job(h.job("work").key, {"tiny": 1e-07, "huge": 1e16, "other": 0.25})
    updated = [
        r.value["name"]
        for r in h.records(pi)
        if r.value_type == "VARIABLE" and r.intent == "UPDATED"
    ]
    assert updated == ["other"]
    assert h.variables(pi) == {"tiny": 1e-07, "huge": 1e16, "other": 0.25}


def test_a_stored_nan_set_to_null_is_an_update(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    # Older releases could store NaN (a client's JSON may carry it); null is another value.
    h.deploy(_mapped())
    monkeypatch.setattr("engine.runtime.variables.json_dumps", lambda v: json.dumps(v))
    pi = h.start(readings=[float("nan"), 1e-07])
    monkeypatch.undo()
    h.engine.complete_job(h.job("work").key, {"readings": [None, 1e-07]})
    updated = [
        r.value["name"]
        for r in h.records(pi)
        if r.value_type == "VARIABLE" and r.intent == "UPDATED"
    ]
    assert updated == ["readings"]
    assert h.variables(pi) == {"readings": [None, 1e-07]}
