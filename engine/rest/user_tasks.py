"""``/v2/user-tasks``: search, read, assign, unassign, update and complete user tasks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from engine.errors import FailedPrecondition, NotFound
from engine.query.projection import iso_with_offset_to_ms
from engine.rest.body import Fields
from engine.rest.context import (
    Context,
    Endpoint,
    item_response,
    no_content,
    parse_search,
    path_key,
    search_response,
    truncate_values,
)
from engine.rest.problems import bad_request

_KEY = "userTaskKey"


def _changeset(body: Fields) -> dict[str, Any]:
    """The attributes Camunda lets PATCH change; ``null`` or absent keeps the current value."""
    changes = body.get_obj("changeset")
    if changes is None:
        return {}
    out: dict[str, Any] = {}
    for name in ("dueDate", "followUpDate"):
        if changes.has(name):
            value = changes.get_str(name)
            # "" resets the date, as in Camunda; anything else must carry an offset.
            if value and iso_with_offset_to_ms(value) is None:
                raise bad_request(f"changeset.{name}: expected an ISO 8601 date-time with offset")
            out[name] = value
    for name in ("candidateGroups", "candidateUsers"):
        values = changes.get_str_list(name)
        if values is not None:
            out[name] = values
    if changes.has("priority"):
        out["priority"] = changes.get_int("priority", minimum=0, maximum=100)
    return out


def endpoints(ctx: Context) -> list[Endpoint]:
    engine, query, call = ctx.engine, ctx.query, ctx.call

    async def command(key: int, verb: str, fn: Callable[[], None]) -> Response:
        """Run a user-task command. Zeebe forgets a task once it is completed or canceled and
        answers NOT_FOUND; issue 4 wants such conflicts as 409, and the search tables still know
        the task, so a known but finished task is reported as a conflict."""
        try:
            await call(fn)
        except NotFound:
            task = await call(lambda: query.get_user_task(key))
            if task is None or task["state"] == "CREATED":
                raise
            raise FailedPrecondition(
                f"Expected to {verb} user task with key '{key}', but it is {task['state']}"
            ) from None
        return no_content()

    async def search(request: Request) -> Response:
        flt, sort, page = parse_search(await ctx.body(request))
        return search_response(await call(lambda: query.search_user_tasks(flt, sort, page)))

    async def get(request: Request) -> Response:
        key = path_key(request, _KEY)
        task = await call(lambda: query.get_user_task(key))
        if task is None:
            raise NotFound(f"user task {key} not found")
        return item_response(task)

    async def form(request: Request) -> Response:
        key = path_key(request, _KEY)
        found = await call(lambda: query.get_user_task_form(key))
        if found is None:
            return no_content()
        # Camunda 8.8's FormResult.schema is "the form schema as a JSON document serialized as
        # a string", which is what its gateway sends.
        return item_response({**found, "schema": json.dumps(found["schema"], ensure_ascii=False)})

    async def variables(request: Request) -> Response:
        key = path_key(request, _KEY)
        truncate = truncate_values(request)
        flt, sort, page = parse_search(await ctx.body(request))
        result = await call(
            lambda: query.search_user_task_variables(key, flt, sort, page, truncate=truncate)
        )
        return search_response(result)

    async def assign(request: Request) -> Response:
        key = path_key(request, _KEY)
        body = (await ctx.body(request)).only("assignee", "allowOverride", "action")
        assignee = body.get_str("assignee", required=True, nonempty=True)
        allow = body.get_bool("allowOverride", default=True)
        action = body.get_str("action")
        return await command(
            key,
            "assign",
            lambda: engine.assign_user_task(
                key, assignee=assignee, allow_override=allow, action=action
            ),
        )

    async def unassign(request: Request) -> Response:
        key = path_key(request, _KEY)
        return await command(key, "unassign", lambda: engine.unassign_user_task(key, action=""))

    async def update(request: Request) -> Response:
        key = path_key(request, _KEY)
        body = (await ctx.body(request)).only("changeset", "action")
        changes = _changeset(body)
        action = body.get_str("action")
        if not changes and not action:
            # Camunda's request validator refuses an update that changes nothing (400).
            raise bad_request(
                'No update data provided. Provide at least an "action" or a non-null value '
                'for a supported attribute in the "changeset".'
            )
        return await command(
            key, "update", lambda: engine.update_user_task(key, changes, action=action)
        )

    async def complete(request: Request) -> Response:
        key = path_key(request, _KEY)
        body = (await ctx.body(request)).only("variables", "action")
        variables = body.variables()
        action = body.get_str("action")
        return await command(
            key,
            "complete",
            lambda: engine.complete_user_task(key, variables=variables, action=action),
        )

    base = "/v2/user-tasks"
    tag = "User task"
    return [
        Endpoint("POST", f"{base}/search", "searchUserTasks", "Search user tasks", search, tag,
                 request="UserTaskSearchQuery", response="UserTaskSearchQueryResult"),
        Endpoint("GET", f"{base}/{{userTaskKey}}", "getUserTask", "Get user task", get, tag,
                 response="UserTaskResult", errors=(400, 401, 404, 500), params=(_KEY,)),
        Endpoint("PATCH", f"{base}/{{userTaskKey}}", "updateUserTask", "Update user task",
                 update, tag, request="UserTaskUpdateRequest", status=204,
                 errors=(400, 404, 409, 500, 503), params=(_KEY,)),
        Endpoint("GET", f"{base}/{{userTaskKey}}/form", "getUserTaskForm", "Get user task form",
                 form, tag, response="FormResult", errors=(400, 404, 500), params=(_KEY,)),
        Endpoint("POST", f"{base}/{{userTaskKey}}/variables/search", "searchUserTaskVariables",
                 "Search user task variables", variables, tag,
                 request="UserTaskVariableSearchQueryRequest",
                 response="VariableSearchQueryResult", errors=(400, 404, 500), params=(_KEY,)),
        Endpoint("POST", f"{base}/{{userTaskKey}}/assignment", "assignUserTask",
                 "Assign user task", assign, tag, request="UserTaskAssignmentRequest",
                 status=204, errors=(400, 404, 409, 500, 503), params=(_KEY,)),
        Endpoint("DELETE", f"{base}/{{userTaskKey}}/assignee", "unassignUserTask",
                 "Unassign user task", unassign, tag, status=204,
                 errors=(400, 404, 409, 500, 503), params=(_KEY,)),
        Endpoint("POST", f"{base}/{{userTaskKey}}/completion", "completeUserTask",
                 "Complete user task", complete, tag, request="UserTaskCompletionRequest",
                 status=204, errors=(400, 404, 409, 500, 503), params=(_KEY,)),
    ]  # fmt: skip
