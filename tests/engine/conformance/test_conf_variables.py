"""Variables: scopes, propagation, local variables, input/output mappings.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/variables/
"""

from __future__ import annotations

import grpc
from conf_bpmn import chain, end, inp, io, model, out, service, start, sub, throw
from conf_support import Conf, rpc_code, variables_of
from pyzeebe.proto import gateway_pb2 as pb


async def test_job_variables_propagate_to_the_scope_that_defines_them(conf: Conf) -> None:
    """#variable-propagation: a variable is updated in the nearest scope that holds it, else
    created in the root scope; the sub-process's local variables are discarded when it ends."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Task_A", "a"),
        end("SubEnd"),
        chain("SubStart", "Task_A", "SubEnd"),
        ext=io(inp("=0", "counter")),
    )
    await conf.deploy(
        model(
            "P_Prop",
            start(),
            inner,
            service("Task_B", "b"),
            end(),
            chain("Start", "Sub", "Task_B", "End"),
        )
    )
    key = await conf.start("P_Prop")
    await conf.work("a", counter=5, fresh="new")
    job_b = await conf.job("b")
    seen = variables_of(job_b)
    assert seen["fresh"] == "new"
    assert "counter" not in seen  # it lived (and was updated) in the sub-process scope only
    sub_key = (await conf.active(key, "Sub")).key
    assert conf.scoped(key, sub_key)["counter"] == 5


async def test_a_local_variable_covers_the_one_of_a_higher_scope(conf: Conf) -> None:
    """#variable-scopes: a same-named lower-scope variable covers the higher one, only there."""
    await conf.deploy(
        model(
            "P_Cover",
            start(),
            service("Task_A", "a", io(inp('="local"', "b"))),
            service("Task_B", "b"),
            end(),
            chain("Start", "Task_A", "Task_B", "End"),
        )
    )
    await conf.start("P_Cover", b="root")
    assert variables_of(await conf.work("a"))["b"] == "local"
    assert variables_of(await conf.job("b"))["b"] == "root"


async def test_input_mapping_targets_build_nested_objects(conf: Conf) -> None:
    """#input-mappings example: targets ``sender.name`` and ``sender.iban`` build one object."""
    mapping = io(inp("=customer", "sender.name"), inp("=iban", "sender.iban"))
    await conf.deploy(
        model(
            "P_Nested",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    await conf.start("P_Nested", customer="John", iban="DE456")
    assert variables_of(await conf.job("a"))["sender"] == {"name": "John", "iban": "DE456"}


async def test_input_mapping_of_a_missing_variable_or_property_is_null(conf: Conf) -> None:
    """#input-mappings: if the variable or nested property doesn't exist, the value is null."""
    mapping = io(inp("=customer.address.city", "city"), inp("=unknown", "other"))
    await conf.deploy(
        model(
            "P_Null",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    await conf.start("P_Null", customer={"name": "John"})
    seen = variables_of(await conf.job("a"))
    assert seen["city"] is None and seen["other"] is None


async def test_input_mappings_apply_in_order(conf: Conf) -> None:
    """#input-mappings: mappings are evaluated in order; a source sees an earlier target."""
    mapping = io(inp("=price * 2", "doubled"), inp("=doubled + 1", "plusOne"))
    await conf.deploy(
        model(
            "P_Order",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    await conf.start("P_Order", price=10)
    seen = variables_of(await conf.job("a"))
    assert (seen["doubled"], seen["plusOne"]) == (20, 21)


async def test_output_mappings_merge_only_mapped_results(conf: Conf) -> None:
    """#output-mappings: with output mappings the job variables stay local to the task and only
    the mapped ones reach the parent scope."""
    mapping = io(out("=result.status", "paymentStatus"), out("=result.transactionId", "tx"))
    await conf.deploy(
        model(
            "P_Out",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    key = await conf.start("P_Out")
    await conf.work("a", result={"status": "Ok", "transactionId": "t-789"}, noise=1)
    await conf.completed(key)
    root = conf.variables(key)
    assert (root["paymentStatus"], root["tx"]) == ("Ok", "t-789")
    assert "result" not in root and "noise" not in root


async def test_output_mapping_to_a_nested_target_keeps_sibling_properties(conf: Conf) -> None:
    """#nested-variables-in-mappings: an output target ``order.status`` sets only that property."""
    mapping = io(out("=status", "order.status"))
    await conf.deploy(
        model(
            "P_OutNested",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    key = await conf.start("P_OutNested", order={"id": "o-1", "status": "new"})
    await conf.work("a", status="shipped")
    await conf.completed(key)
    assert conf.variables(key)["order"] == {"id": "o-1", "status": "shipped"}


async def test_sub_process_output_mapping_propagates_its_local_variables(conf: Conf) -> None:
    """#output-mappings: a sub-process has no result; output mappings lift local variables."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Task_A", "a"),
        end("SubEnd"),
        chain("SubStart", "Task_A", "SubEnd"),
        ext=io(inp("=0", "total"), out("=total", "grandTotal")),
    )
    await conf.deploy(model("P_SubOut", start(), inner, end(), chain("Start", "Sub", "End")))
    key = await conf.start("P_SubOut")
    await conf.work("a", total=42)
    await conf.completed(key)
    root = conf.variables(key)
    assert root["grandTotal"] == 42 and "total" not in root


async def test_variable_values_keep_their_json_types(conf: Conf) -> None:
    """#variable-values: strings, numbers, booleans, arrays, objects and null are JSON values."""
    await conf.deploy(
        model("P_Types", start(), service("Task_A", "a"), end(), chain("Start", "Task_A", "End"))
    )
    values = {
        "s": "John Doe",
        "i": 123,
        "f": 0.23,
        "big": 9_007_199_254_740_993,
        "b": False,
        "a": ["item1", "item2"],
        "o": {"orderNumber": "A12BH98", "amount": 185.34},
        "n": None,
    }
    await conf.start("P_Types", **values)
    assert variables_of(await conf.job("a")) == values


async def test_fail_job_variables_are_local_to_the_task(conf: Conf) -> None:
    """job-workers#completing-or-failing-jobs: failing with variables creates them only in the
    task's local scope."""
    await conf.deploy(
        model(
            "P_FailVars",
            start(),
            service("Task_A", "a"),
            service("Task_B", "b"),
            end(),
            chain("Start", "Task_A", "Task_B", "End"),
        )
    )
    key = await conf.start("P_FailVars")
    job = await conf.job("a")
    await conf.stub.FailJob(
        pb.FailJobRequest(
            jobKey=job.key, retries=2, errorMessage="half done", variables='{"part": 1}'
        )
    )
    again = await conf.job("a")
    assert variables_of(again)["part"] == 1
    assert conf.scoped(key, again.elementInstanceKey)["part"] == 1
    await conf.complete(again)
    assert "part" not in variables_of(await conf.job("b"))


async def test_set_variables_local_and_propagated_as_the_proto_describes(conf: Conf) -> None:
    """gateway-service#setvariables-rpc: local=true writes into the given scope only; local=false
    propagates to the scope that defines the variable (here the root)."""
    await conf.deploy(
        model("P_SetVars", start(), service("Task_A", "a"), end(), chain("Start", "Task_A", "End"))
    )
    key = await conf.start("P_SetVars", foo=2)
    task = await conf.active(key, "Task_A")
    await conf.set_variables(task.key, local=False, foo=5)
    assert conf.scoped(key, key)["foo"] == 5 and "foo" not in conf.scoped(key, task.key)
    await conf.set_variables(task.key, local=True, foo=7)
    assert conf.scoped(key, key)["foo"] == 5 and conf.scoped(key, task.key)["foo"] == 7
    assert variables_of(await conf.job("a"))["foo"] == 7


async def test_create_with_result_returns_every_root_variable_when_none_are_named(
    conf: Conf,
) -> None:
    """gateway-service#createprocessinstancewithresult-rpc: empty fetchVariables → all root
    variables; local variables of finished scopes are not part of it."""
    await conf.deploy(
        model(
            "P_Result",
            start(),
            service("Task_A", "a", io(inp("=1", "tmp"))),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    pending = conf.client.run_process_with_result("P_Result", {"x": 1}, timeout=10_000)
    import asyncio

    running = asyncio.ensure_future(pending)
    await conf.work("a", y=2)
    result = await running
    assert result.variables == {"x": 1, "y": 2}


async def test_job_results_update_a_local_variable_of_the_task_first(conf: Conf) -> None:
    """#variable-propagation: propagation ends at the first scope holding the name — here the
    task's own input-mapped local variable, which is discarded with the task."""
    await conf.deploy(
        model(
            "P_LocalFirst",
            start(),
            service("Task_A", "a", io(inp('="local"', "b"))),
            service("Task_B", "b"),
            end(),
            chain("Start", "Task_A", "Task_B", "End"),
        )
    )
    await conf.start("P_LocalFirst", b="root")
    await conf.work("a", b="new", c=1)
    seen = variables_of(await conf.job("b"))
    assert (seen["b"], seen["c"]) == ("root", 1)


async def test_a_none_throw_event_output_mapping_creates_variables(conf: Conf) -> None:
    """#variable-propagation-by-bpmn-element: throw events propagate only mapped variables."""
    await conf.deploy(
        model(
            "P_NoneThrow",
            start(),
            throw("Mark", "", ext=io(out("=1 + 1", "two"))),
            service("Task_B", "b"),
            end(),
            chain("Start", "Mark", "Task_B", "End"),
        )
    )
    await conf.start("P_NoneThrow")
    assert variables_of(await conf.job("b"))["two"] == 2


async def test_input_mapping_without_a_source_maps_the_target_to_null(conf: Conf) -> None:
    """#input-mappings: "You can leave the source empty to map the target variable to null."
    Example row: source (not provided), target ``customer`` → ``customer: null``."""
    mapping = io(inp(None, "customer"))
    await conf.deploy(
        model(
            "P_NoSource",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    await conf.start("P_NoSource", customer={"name": "John"})
    assert variables_of(await conf.job("a"))["customer"] is None


async def test_chinese_text_values_survive_mappings(conf: Conf) -> None:
    """#variable-values: strings are JSON strings, any Unicode text (this project's data)."""
    mapping = io(inp('=projectName + "（稳评）"', "title"))
    await conf.deploy(
        model(
            "P_Text",
            start(),
            service("Task_A", "a", mapping),
            end(),
            chain("Start", "Task_A", "End"),
        )
    )
    await conf.start("P_Text", projectName="城东棚户区改造")
    assert variables_of(await conf.job("a"))["title"] == "城东棚户区改造（稳评）"


async def test_a_mapping_target_must_be_a_plain_path(conf: Conf) -> None:
    r"""#variable-names: a target is a variable name or nested path of ASCII letters, digits and
    ``_`` — Zeebe rejects the deployment otherwise (pattern ``[a-zA-Z_][a-zA-Z0-9_]*(\.…)*``)."""
    xml = model(
        "P_BadTarget",
        start(),
        service("Task_A", "a", io(inp("=1", "标题"))),
        end(),
        chain("Start", "Task_A", "End"),
    )
    request = pb.DeployResourceRequest(resources=[pb.Resource(name="t.bpmn", content=xml.encode())])
    code, details = await rpc_code(conf.stub.DeployResource(request))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "Task_A" in details


async def test_output_mappings_can_read_the_tasks_local_input_variables(conf: Conf) -> None:
    """#output-mappings: output mappings are evaluated in the element's scope, which holds its
    input-mapped locals; only the targets reach the parent."""
    mapping = io(inp("=41 + 1", "x"), out("=x", "y"))
    await conf.deploy(
        model(
            "P_OutLocal",
            start(),
            service("Task_A", "a", mapping),
            service("Task_B", "b"),
            end(),
            chain("Start", "Task_A", "Task_B", "End"),
        )
    )
    await conf.start("P_OutLocal")
    await conf.work("a")
    seen = variables_of(await conf.job("b"))
    assert seen["y"] == 42 and "x" not in seen
