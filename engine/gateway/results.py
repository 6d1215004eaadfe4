"""CreateProcessInstanceWithResult's answer when the instance finished inside its own creation."""

from __future__ import annotations

import asyncio
import json

from engine import api
from engine.errors import FailedPrecondition


def result_from_history(
    engine: api.EngineApi, created: api.ProcessInstanceCreated, fetch: tuple[str, ...]
) -> asyncio.Future[api.ProcessInstanceResult]:
    """A resolved future built from the instance's record log.

    An instance without wait states completes inside the create command, before anything could
    wait on it; the runtime then no longer knows it as active, but its records hold the final
    process-scope variables.
    """
    key = created.process_instance_key
    future: asyncio.Future[api.ProcessInstanceResult] = asyncio.get_running_loop().create_future()
    variables: api.JsonDict = {}
    completed = False
    for record in engine.history(key):
        value = record.value
        if record.value_type == "VARIABLE" and value.get("scopeKey") == key:
            variables[value["name"]] = json.loads(value["value"])
        elif (
            record.value_type == "PROCESS_INSTANCE"
            and record.intent == "ELEMENT_COMPLETED"
            and record.key == key
        ):
            completed = True
    if completed:
        chosen = {k: v for k, v in variables.items() if not fetch or k in fetch}
        future.set_result(api.ProcessInstanceResult(created=created, variables=chosen))
    else:
        future.set_exception(
            FailedPrecondition(f"Process instance '{key}' ended without completing")
        )
    return future
