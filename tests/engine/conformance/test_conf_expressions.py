"""Expressions and incidents: evaluation failures become incidents that resolve after a fix;
conditions; and a pyzeebe ZeebeWorker's failure handling against the engine.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/expressions/,
https://docs.camunda.io/docs/8.8/components/concepts/incidents/,
https://docs.camunda.io/docs/8.8/components/modeler/bpmn/exclusive-gateways/
"""

from __future__ import annotations

import json
from typing import Any

from conf_bpmn import (
    catch,
    chain,
    end,
    flow,
    gateway,
    headers,
    inp,
    io,
    message,
    message_ref,
    model,
    script,
    service,
    start,
    timer,
)
from conf_support import Conf, variables_of
from zeebe_suite import MODELS


async def test_a_correlation_key_that_is_no_string_or_number_is_an_incident(conf: Conf) -> None:
    """message-events#messages + incidents: the correlationKey must be a string or number; the
    incident is resolved after the variable is set and the subscription then opens."""
    await conf.deploy(
        model(
            "P_NoKey",
            start(),
            catch("Wait", message_ref("Msg")),
            end(),
            chain("Start", "Wait", "End"),
            defs=[message("Msg", "paid", "=orderId")],
        )
    )
    key = await conf.start("P_NoKey")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "Wait"
    await conf.set_variables(key, orderId="o-1")
    await conf.resolve(incident.key)
    await conf.active(key, "Wait")
    await conf.publish("paid", "o-1")
    await conf.completed(key)


async def test_resolving_without_fixing_the_cause_raises_a_new_incident(conf: Conf) -> None:
    """incidents#resolving: "If the problem still exists, a new incident is created." """
    await conf.deploy(
        model(
            "P_Again",
            start(),
            catch("Wait", message_ref("Msg")),
            end(),
            chain("Start", "Wait", "End"),
            defs=[message("Msg", "paid", "=orderId")],
        )
    )
    key = await conf.start("P_Again")
    first = await conf.incident(key)
    await conf.resolve(first.key)
    await conf.record(key, "INCIDENT", "RESOLVED")

    def second_incident(engine: Any) -> bool:
        created = [
            r for r in engine.history(key) if r.value_type == "INCIDENT" and r.intent == "CREATED"
        ]
        return len(created) == 2 and created[1].key != first.key

    await conf.zeebe.harness.wait_until(second_incident, what="a second incident")


async def test_a_job_type_expression_without_a_value_is_an_incident(conf: Conf) -> None:
    """service-tasks#task-definition + incidents: the type expression must yield a non-empty
    string; otherwise an incident until the variable is fixed."""
    await conf.deploy(
        model(
            "P_NoType",
            start(),
            service("Task", '="work-" + kind'),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    key = await conf.start("P_NoType")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "Task"
    await conf.set_variables(key, kind="mail")
    await conf.resolve(incident.key)
    await conf.work("work-mail")
    await conf.completed(key)


async def test_the_default_flow_condition_is_not_evaluated(conf: Conf) -> None:
    """exclusive-gateways: the default flow is taken when no other condition is fulfilled; a
    condition on the default flow is ignored."""
    await conf.deploy(
        model(
            "P_Default",
            start(),
            gateway("exclusive", "Gw", default="Flow_Gw_EndDefault"),
            end("EndBig"),
            end("EndDefault"),
            chain("Start", "Gw"),
            flow("Gw", "EndBig", "=amount > 100"),
            flow("Gw", "EndDefault", "=false"),
        )
    )
    key = await conf.start("P_Default", amount=5)
    await conf.completed(key)
    assert "EndDefault" in conf.elements(key)


async def test_expressions_build_lists_and_contexts(conf: Conf) -> None:
    """expressions + FEEL: mappings may build contexts, lists, filters and use built-ins."""
    mapping = io(
        inp("={name: upper case(customer.name), total: sum(items.price)}", "summary"),
        inp("=items[price > 10].id", "expensive"),
        inp('=if count(items) > 2 then "many" else "few"', "size"),
    )
    await conf.deploy(
        model(
            "P_Feel",
            start(),
            service("Task", "work", mapping),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    items = [{"id": "a", "price": 5}, {"id": "b", "price": 20}, {"id": "c", "price": 15}]
    await conf.start("P_Feel", customer={"name": "Li"}, items=items)
    seen = variables_of(await conf.job("work"))
    assert seen["summary"] == {"name": "LI", "total": 40}
    assert seen["expensive"] == ["b", "c"]
    assert seen["size"] == "many"


async def test_a_script_task_writes_its_result_variable(conf: Conf) -> None:
    """script-tasks: the FEEL expression's result is stored in the result variable and
    propagated like a job result."""
    await conf.deploy(
        model(
            "P_Script",
            start(),
            script("Calc", "=a * b", "product"),
            service("After", "after"),
            end(),
            chain("Start", "Calc", "After", "End"),
        )
    )
    await conf.start("P_Script", a=6, b=7)
    assert variables_of(await conf.job("after"))["product"] == 42


async def test_a_pyzeebe_handler_exception_fails_the_job_with_one_retry_less(conf: Conf) -> None:
    """job-workers#completing-or-failing-jobs through pyzeebe's ZeebeWorker: an exception in the
    handler sends FailJob with retries - 1; at zero an incident is raised."""
    await conf.deploy(
        model(
            "P_Worker",
            start(),
            service("Task", "flaky", retries="2"),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    worker = conf.zeebe.worker()

    # pyzeebe types its decorator with a ParamSpec mypy resolves to Never.
    @worker.task(  # type: ignore[arg-type]
        task_type="flaky", max_jobs_to_activate=1, max_running_jobs=2
    )
    async def flaky() -> None:
        raise RuntimeError("backend down")

    key = await conf.start("P_Worker")
    async with conf.zeebe.working(worker):
        incident = await conf.incident(key)
    failed = conf.records(key, "JOB", "FAILED")
    assert [r.value["retries"] for r in failed] == [1, 0]
    assert incident.value["errorType"] == "JOB_NO_RETRIES"
    assert "backend down" in incident.value["errorMessage"]


async def test_a_pyzeebe_worker_result_is_merged_into_the_instance(conf: Conf) -> None:
    """job-workers: the handler's returned dict completes the job; the variables are merged."""
    await conf.deploy(
        model(
            "P_WorkerOk",
            start(),
            service("Task", "double"),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    worker = conf.zeebe.worker()

    @worker.task(  # type: ignore[arg-type]
        task_type="double", max_jobs_to_activate=4, max_running_jobs=8
    )
    async def double(n: int) -> dict[str, Any]:
        return {"n": n * 2}

    async with conf.zeebe.working(worker):
        result = await conf.client.run_process_with_result("P_WorkerOk", {"n": 21}, timeout=10_000)
    assert result.variables == {"n": 42}


def rule_task(process_id: str, decision_id: str) -> str:
    called = f'<zeebe:calledDecision decisionId="{decision_id}" resultVariable="risk"/>'
    task = (
        f'<bpmn:businessRuleTask id="Rule"><bpmn:extensionElements>{called}'
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )
    return model(
        process_id,
        start(),
        task,
        service("After", "after"),
        end(),
        chain("Start", "Rule", "After", "End"),
    )


async def test_a_business_rule_task_stores_the_decision_result(conf: Conf) -> None:
    """business-rule-tasks: the called decision's result is stored in resultVariable."""
    await conf.client.deploy_resource(str(MODELS / "risk_level.dmn"))
    await conf.deploy(rule_task("P_Rule", "Decision_RiskLevel"))
    await conf.start("P_Rule", score=80)
    assert variables_of(await conf.job("after"))["risk"] == "high"


async def test_an_unknown_called_decision_is_an_incident(conf: Conf) -> None:
    """business-rule-tasks + incidents: a decision that cannot be found raises an incident on
    the task (CALLED_DECISION_ERROR)."""
    await conf.deploy(rule_task("P_RuleMissing", "Decision_Nope"))
    key = await conf.start("P_RuleMissing")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "CALLED_DECISION_ERROR"
    assert incident.value["elementId"] == "Rule"
    assert "Decision_Nope" in incident.value["errorMessage"]


async def test_feel_now_reads_the_engine_clock(conf: Conf) -> None:
    """Zeebe evaluates FEEL's ``now()`` against the engine clock (ZeebeFeelEngineClock over the
    engine's InstantSource — the clock zeebe-process-test moves with increaseTime and the 8.8 REST
    API pins with PUT /v2/clock), so a timer ``now() + PT1H`` is due one engine-hour later and
    timers "never trigger earlier than the due date" (timer-events#timers)."""
    await conf.deploy(
        model(
            "P_Now",
            start(),
            catch("Timer", timer(date='=now() + duration("PT1H")')),
            service("After", "after"),
            end(),
            chain("Start", "Timer", "After", "End"),
        )
    )
    conf.advance(5 * 3_600_000)
    key = await conf.start("P_Now")
    await conf.record(key, "TIMER", "CREATED")
    assert await conf.none_available("after")
    conf.advance(3_600_000)
    await conf.job("after")


async def test_a_condition_with_a_non_boolean_result_is_an_extract_value_incident(
    conf: Conf,
) -> None:
    """A condition must evaluate to a boolean (exclusive-gateways#conditions); Zeebe's
    ExpressionProcessor.evaluateBooleanExpression fails with ErrorType.EXTRACT_VALUE_ERROR
    ("Expected result of the expression 'x' to be 'BOOLEAN', but was 'STRING'.") and
    ExclusiveGatewayProcessor passes that failure on unchanged; CONDITION_ERROR is only for "no
    outgoing flow chosen"."""
    await conf.deploy(
        model(
            "P_NonBool",
            start(),
            gateway("exclusive", "Gw"),
            end("A"),
            end("B"),
            chain("Start", "Gw"),
            flow("Gw", "A", "=x"),
            flow("Gw", "B", "=x = false"),
        )
    )
    key = await conf.start("P_NonBool", x="yes")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert "BOOLEAN" in incident.value["errorMessage"]


async def test_custom_headers_are_static_even_when_they_look_like_expressions(
    conf: Conf,
) -> None:
    """job-workers (custom headers: "additional static metadata that is defined in the
    process"): a header value starting with ``=`` is not evaluated."""
    await conf.deploy(
        model(
            "P_Headers",
            start(),
            service("Task", "work", headers(template="=a + 1", plain="x")),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    await conf.start("P_Headers", a=1)
    job = await conf.job("work")
    assert json.loads(job.customHeaders) == {"template": "=a + 1", "plain": "x"}


async def test_a_retries_expression_must_yield_a_number(conf: Conf) -> None:
    """service-tasks#task-definition: retries may be an expression resulting in a number; else
    an EXTRACT_VALUE_ERROR incident, resolved after the variable is fixed."""
    await conf.deploy(
        model(
            "P_BadRetries",
            start(),
            service("Task", "work", retries="=tries"),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    key = await conf.start("P_BadRetries", tries="many")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    await conf.set_variables(key, tries=4)
    await conf.resolve(incident.key)
    assert (await conf.job("work")).retries == 4
