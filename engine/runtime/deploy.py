"""Deployments: parse every resource first (all or nothing), then version and record them.

As Zeebe: versions count per id (and tenant); a resource identical to the latest version of its
id (same checksum and name) is a duplicate and keeps that version and key, unless the deployment
also holds a new or changed resource: then every resource gets a new version (resources deployed
together are versioned together); new process versions replace the previous version's timer start
events. Definitions enter the repository only once the
deployment is committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.api import (
    DeployedDecision,
    DeployedDecisionRequirements,
    DeployedForm,
    DeployedProcess,
    DeploymentResult,
    JsonDict,
    Resource,
)
from engine.errors import EngineError, InvalidArgument
from engine.model.specs import EventType, Process
from engine.runtime.context import IncidentRaised
from engine.runtime.deploy_dmn import deploy_drg, deploy_form
from engine.runtime.entities import NO_KEY, Timer
from engine.runtime.repository import (
    ProcessDefinition,
)
from engine.store import ResourceRow

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


@dataclass(frozen=True)
class ParsedResource:
    resource: Resource
    kind: str  # bpmn | dmn | form
    checksum: str
    value: Any  # BpmnResource | DecisionRequirements | form dict


def parse_form(content: bytes, resource_name: str) -> dict[str, Any]:
    """A form resource: a JSON object with a string ``id``."""
    try:
        form = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise InvalidArgument(
            f"'{resource_name}'{where}: the form is not valid JSON: {exc}"
        ) from exc
    if not isinstance(form, dict) or not isinstance(form.get("id"), str) or not form["id"]:
        raise InvalidArgument(
            f"'{resource_name}': a form must be a JSON object with a non-empty string 'id'"
        )
    return form


def _parse(resource: Resource) -> ParsedResource:
    name = resource.name
    checksum = hashlib.sha256(resource.content).hexdigest()
    lower = name.lower()
    if lower.endswith((".bpmn", ".xml")):
        from engine.model import parse_bpmn

        return ParsedResource(resource, "bpmn", checksum, parse_bpmn(resource.content, name))
    if lower.endswith(".dmn"):
        from engine.dmn import parse_dmn

        return ParsedResource(resource, "dmn", checksum, parse_dmn(resource.content, name))
    if lower.endswith(".form"):
        return ParsedResource(resource, "form", checksum, parse_form(resource.content, name))
    raise InvalidArgument(
        f"Expected to deploy resources with the extension .bpmn, .dmn or .form, but resource "
        f"'{name}' has none of these"
    )


def executable_processes(bpmn: Any) -> tuple[Process, ...]:
    processes: tuple[Process, ...] = bpmn.processes
    return processes


_MAX_NAME = 512  # engine_resources.resource_name


class Deployer:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx
        self.pending_versions: dict[tuple[str, str, str], int] = {}
        self.version_all = False

    def deploy(self, resources: Sequence[Resource], tenant_id: str) -> DeploymentResult:
        if not resources:
            raise InvalidArgument("Expected to deploy at least one resource, but none given")
        parsed: list[ParsedResource] = []
        problems: list[str] = []
        for resource in resources:
            # The store keeps names as text of at most 512 characters (PostgreSQL text
            # cannot hold U+0000): refuse what it could not store, naming the resource.
            if "\x00" in resource.name or len(resource.name) > _MAX_NAME:
                shown = resource.name[:80].replace("\x00", "\\0")
                problems.append(
                    f"Expected a resource name of at most {_MAX_NAME} characters without NUL "
                    f"characters, but got '{shown}' ({len(resource.name)} characters)"
                )
                continue
            try:
                parsed.append(_parse(resource))
            except EngineError as exc:
                problems.append(exc.message)
        self._check_duplicate_ids(parsed, problems)
        if problems:
            raise InvalidArgument("\n".join(problems))
        self.pending_versions = {}
        # As Zeebe: a deployment with at least one new or changed resource versions all its
        # resources together (duplicates get a new version too), so that bindingType
        # "deployment" finds them; a deployment of duplicates only changes nothing.
        self.version_all = False
        self.version_all = not all(self._is_duplicate(item, tenant_id) for item in parsed)
        deployment_key = self.ctx.state.new_key()
        processes: list[DeployedProcess] = []
        drgs: list[DeployedDecisionRequirements] = []
        decisions: list[DeployedDecision] = []
        forms: list[DeployedForm] = []
        for item in parsed:
            if item.kind == "bpmn":
                for process in executable_processes(item.value):
                    processes.append(self._process(item, process, tenant_id, deployment_key))
            elif item.kind == "dmn":
                drg, drg_decisions = deploy_drg(self, item, tenant_id, deployment_key)
                drgs.append(drg)
                decisions.extend(drg_decisions)
            else:
                forms.append(deploy_form(self, item, tenant_id, deployment_key))
        value: JsonDict = {
            "resources": [{"resourceName": r.name} for r in resources],
            "processesMetadata": [
                {
                    "bpmnProcessId": p.bpmn_process_id,
                    "version": p.version,
                    "processDefinitionKey": p.process_definition_key,
                    "resourceName": p.resource_name,
                    "tenantId": tenant_id,
                }
                for p in processes
            ],
            "decisionRequirementsMetadata": [
                {
                    "decisionRequirementsId": d.dmn_decision_requirements_id,
                    "decisionRequirementsVersion": d.version,
                    "decisionRequirementsKey": d.decision_requirements_key,
                    "resourceName": d.resource_name,
                    "tenantId": tenant_id,
                }
                for d in drgs
            ],
            "decisionsMetadata": [
                {
                    "decisionId": d.dmn_decision_id,
                    "version": d.version,
                    "decisionKey": d.decision_key,
                    "decisionRequirementsKey": d.decision_requirements_key,
                    "tenantId": tenant_id,
                }
                for d in decisions
            ],
            "formMetadata": [
                {
                    "formId": f.form_id,
                    "version": f.version,
                    "formKey": f.form_key,
                    "resourceName": f.resource_name,
                    "tenantId": tenant_id,
                }
                for f in forms
            ],
            "tenantId": tenant_id,
        }
        self.ctx.write("DEPLOYMENT", "CREATED", deployment_key, value)
        return DeploymentResult(
            key=deployment_key,
            processes=tuple(processes),
            decisions=tuple(decisions),
            decision_requirements=tuple(drgs),
            forms=tuple(forms),
            tenant_id=tenant_id,
        )

    def _check_duplicate_ids(self, parsed: list[ParsedResource], problems: list[str]) -> None:
        seen: dict[tuple[str, str], str] = {}
        for item in parsed:
            if item.kind == "bpmn":
                ids = [("process", p.id) for p in executable_processes(item.value)]
            elif item.kind == "dmn":
                ids = [("decision requirements", item.value.id)]
                ids += [("decision", d) for d in item.value.decisions]
            else:
                ids = [("form", item.value["id"])]
            for ident in ids:
                other = seen.get(ident)
                if other is not None:
                    problems.append(
                        f"Expected the {ident[0]} ids to be unique within a deployment but found "
                        f"a duplicated id '{ident[1]}' in the resources '{other}' and "
                        f"'{item.resource.name}'."
                    )
                seen[ident] = item.resource.name

    def _is_duplicate(self, item: ParsedResource, tenant: str) -> bool:
        if item.kind == "bpmn":
            return all(
                self.duplicate_of("process", process.id, tenant, item) is not None
                for process in executable_processes(item.value)
            )
        if item.kind == "dmn":
            return self.duplicate_of("drg", item.value.id, tenant, item) is not None
        return self.duplicate_of("form", item.value["id"], tenant, item) is not None

    def duplicate_of(
        self, kind: str, resource_id: str, tenant: str, item: ParsedResource
    ) -> int | None:
        """The key of the latest version if ``item`` repeats it unchanged (same checksum and
        name) and the deployment is not versioned as a whole."""
        if self.version_all:
            return None
        key = self.ctx.repo.latest_key(kind, resource_id, tenant)
        if key is None:
            return None
        tables: dict[str, Any] = {
            "process": self.ctx.repo.processes,
            "form": self.ctx.repo.forms,
            "drg": self.ctx.repo.drgs,
        }
        latest = tables[kind][key]
        same = latest.checksum == item.checksum and latest.resource_name == item.resource.name
        return key if same else None

    def version(self, kind: str, resource_id: str, tenant: str) -> int:
        # Several deployments may come in one command sequence before the repository is
        # updated (after commit); count the versions this command already handed out.
        pending = self.pending_versions.get((kind, resource_id, tenant), 0)
        version = max(self.ctx.repo.next_version(kind, resource_id, tenant), pending + 1)
        self.pending_versions[(kind, resource_id, tenant)] = version
        return version

    def _process(
        self, item: ParsedResource, process: Process, tenant: str, deployment_key: int
    ) -> DeployedProcess:
        name = item.resource.name
        duplicate = self.duplicate_of("process", process.id, tenant, item)
        if duplicate is not None:
            existing = self.ctx.repo.processes[duplicate]
            return DeployedProcess(process.id, existing.version, existing.key, name, tenant)
        definition = ProcessDefinition(
            key=self.ctx.state.new_key(),
            bpmn_process_id=process.id,
            version=self.version("process", process.id, tenant),
            resource_name=name,
            checksum=item.checksum,
            tenant_id=tenant,
            deployment_key=deployment_key,
            process=process,
            xml=item.resource.content,
        )
        self.ctx.write(
            "PROCESS",
            "CREATED",
            definition.key,
            {
                "bpmnProcessId": process.id,
                "version": definition.version,
                "processDefinitionKey": definition.key,
                "resourceName": name,
                "checksum": item.checksum,
                "resource": item.resource.content.decode("utf-8", errors="replace"),
                "versionTag": process.version_tag or "",
                "deploymentKey": deployment_key,
                "tenantId": tenant,
            },
        )
        self.ctx.resource_rows.append(
            ResourceRow(
                key=definition.key,
                kind="process",
                resource_id=process.id,
                version=definition.version,
                resource_name=name,
                checksum=item.checksum,
                deployment_key=deployment_key,
                tenant_id=tenant,
                parent_key=NO_KEY,
                payload="{}",
                content=item.resource.content,
            )
        )
        self._replace_start_timers(definition)
        self.ctx.defer(lambda: self.ctx.repo.add_process(definition))
        return DeployedProcess(process.id, definition.version, definition.key, name, tenant)

    def _replace_start_timers(self, definition: ProcessDefinition) -> None:
        """Timer start events of the new latest version replace those of older versions."""
        events = self.b.events
        for old_key in self.ctx.repo.version_keys(
            "process", definition.bpmn_process_id, definition.tenant_id
        ):
            for timer_key in self.ctx.state.index("timer_by_definition", old_key):
                timer = self.ctx.state.get(Timer, timer_key)
                if timer is not None and timer.element_instance_key == NO_KEY:
                    events.cancel_timer(timer)
        self.open_start_timers(definition)

    def open_start_timers(self, definition: ProcessDefinition) -> None:
        for start in definition.process.start_events(definition.process.id):
            if start.event_type is not EventType.TIMER or start.timer is None:
                continue
            try:
                due, repetitions, cycle = self.b.events.first_due(start.timer, None)
            except IncidentRaised as exc:
                # No instance yet to hold an incident: the deployment itself is invalid.
                raise InvalidArgument(
                    f"'{definition.resource_name}': timer start event '{start.id}' "
                    f"(line {start.line}): {exc.message}"
                ) from exc
            self.b.events.create_timer(
                Timer(
                    key=NO_KEY,
                    due_date=due,
                    element_id=start.id,
                    process_definition_key=definition.key,
                    repetitions=repetitions,
                    cycle=cycle,
                    tenant_id=definition.tenant_id,
                )
            )
