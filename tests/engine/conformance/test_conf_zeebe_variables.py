"""Zeebe engine-suite behaviours: variables and mappings.

Ported from Zeebe's own engine tests (camunda/camunda, zeebe/engine/src/test/java/io/camunda/
zeebe/engine/processing/…) and the 8.8 docs they implement, observed through pyzeebe. Each test
names the Zeebe test (class.method), source or doc section it comes from; time moves with the
engine clock.
"""

from __future__ import annotations

from conf_bpmn import (
    chain,
    end,
    inp,
    io,
    model,
    out,
    service,
    start,
    sub,
)
from conf_support import Conf, variables_of

# --- variables (processing/variable/mapping/…) -------------------------------------------------


async def test_none_end_event_output_mappings_write_the_process_scope(conf: Conf) -> None:
    """NoneEndEventOutputMappingTest.shouldApplyOutputMappings: output mappings of a none end
    event create process variables (``decimal(x / 3, 2)``, a nested ``z.y`` target)."""
    await conf.deploy(
        model(
            "P_EndOut",
            start(),
            end("End", ext=io(out("=decimal(x / 3, 2)", "third"), out("=y", "z.y"))),
            chain("Start", "End"),
        )
    )
    key = await conf.start("P_EndOut", x=1, y=2, z={"x": 1})
    await conf.completed(key)
    found = conf.variables(key)
    assert found["third"] == 0.33
    assert found["z"] == {"x": 1, "y": 2}


def _mapped_sub(process_id: str, *mappings: str) -> str:
    return model(
        process_id,
        start(),
        sub(
            "Sub",
            start("SubStart"),
            service("Task", "task"),
            end("SubEnd"),
            chain("SubStart", "Task", "SubEnd"),
            ext=io(*mappings),
        ),
        end(),
        chain("Start", "Sub", "End"),
    )


async def test_completing_a_job_with_an_existing_local_value_creates_no_global(
    conf: Conf,
) -> None:
    """JobCompletionVariableScopeTest.shouldNotCreateGlobalVariableWhenCompletingJobWith
    LocalScopedVariable: ``x`` exists once, CREATED in the sub-process scope; no root ``x``."""
    await conf.deploy(_mapped_sub("P_JobScope", inp("=1", "x")))
    key = await conf.start("P_JobScope")
    sub_key = (await conf.active(key, "Sub")).key
    await conf.work("task", x=1)
    await conf.completed(key)
    xs = [
        (r.intent, r.value["scopeKey"])
        for r in conf.records(key, "VARIABLE")
        if r.value["name"] == "x"
    ]
    assert xs == [("CREATED", sub_key)]


async def test_input_mappings_see_earlier_targets_but_not_later_ones(conf: Conf) -> None:
    """ActivityInputMappingTest (regression camunda#11789 and the forward-reference case):
    mappings run in modeling order, nested targets interleaved with plain ones; a target shadows
    the scope variable for later mappings; a reference to a later target is null."""
    await conf.deploy(
        _mapped_sub(
            "P_InOrder",
            inp("=late", "early"),
            inp("=1", "late"),
            inp("=1", "obj.first"),
            inp("=2", "x"),
            inp("=x", "flat"),
            inp("=flat", "obj.second"),
        )
    )
    key = await conf.start("P_InOrder", x=1)
    sub_key = (await conf.active(key, "Sub")).key
    await conf.work("task")
    await conf.completed(key)
    assert conf.scoped(key, sub_key) == {
        "early": None,
        "late": 1,
        "obj": {"first": 1, "second": 2},
        "x": 2,
        "flat": 2,
    }
    assert conf.variables(key) == {"x": 1}


async def test_static_input_mapping_sources_are_strings(conf: Conf) -> None:
    """ActivityInputMappingTest: a source without ``=`` is a static string, even when it looks
    like a number, boolean or null."""
    await conf.deploy(
        _mapped_sub(
            "P_InStatic", inp("1", "num"), inp("true", "bool"), inp("null", "nul"), inp("a b", "s")
        )
    )
    key = await conf.start("P_InStatic")
    seen = variables_of(await conf.work("task"))
    await conf.completed(key)
    assert (seen["num"], seen["bool"], seen["nul"], seen["s"]) == ("1", "true", "null", "a b")


async def test_temporal_mapping_results_are_stored_as_iso_text(conf: Conf) -> None:
    """NoneEndEventOutputMappingTest / ActivityInputMappingTest (temporal cases): FEEL temporal
    values are stored as their ISO 8601 text, zone and offset included."""
    cases = {
        "t": ("=time(a)", "04:20:00@Europe/Berlin"),
        "lt": ("=time(b)", "04:20"),  # as Zeebe: seconds omitted when zero
        "d": ("=date(c)", "2021-02-24"),
        "ldt": ('=date and time("2021-02-24T04:20:00")', "2021-02-24T04:20:00"),
        "dt": ('=date and time("2021-02-24T04:20:42+01:00")', "2021-02-24T04:20:42+01:00"),
        "dtd": ('=duration("P1DT18H56M33S")', "P1DT18H56M33S"),
        "ymd": ('=duration("P2Y3M")', "P2Y3M"),
    }
    await conf.deploy(
        model(
            "P_Temporal",
            start(),
            end("End", ext=io(*(out(source, target) for target, (source, _) in cases.items()))),
            chain("Start", "End"),
        )
    )
    key = await conf.start("P_Temporal", a="04:20:00@Europe/Berlin", b="04:20", c="2021-02-24")
    await conf.completed(key)
    found = conf.variables(key)
    assert {name: found[name] for name in cases} == {n: text for n, (_, text) in cases.items()}
