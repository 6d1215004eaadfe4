"""Deployed definitions in memory: processes, forms, decision requirements and decisions.

Filled from the ``engine_resources`` rows on open (re-parsing the stored content) and by
deployments. Versions count per id and tenant and are never reused, even after a deletion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from engine.model.specs import Binding, BindingType, Element, Process


@dataclass(frozen=True)
class ProcessDefinition:
    key: int
    bpmn_process_id: str
    version: int
    resource_name: str
    checksum: str
    tenant_id: str
    deployment_key: int
    process: Process
    xml: bytes

    def element(self, element_id: str) -> Element:
        return self.process.elements[element_id]

    @property
    def version_tag(self) -> str | None:
        return self.process.version_tag


@dataclass(frozen=True)
class FormDefinition:
    key: int
    form_id: str
    version: int
    resource_name: str
    checksum: str
    tenant_id: str
    deployment_key: int
    json_text: str

    @cached_property
    def version_tag(self) -> str | None:
        """The form's ``versionTag`` (a top-level field of the form JSON), if any."""
        try:
            tag = json.loads(self.json_text).get("versionTag")
        except (ValueError, AttributeError):
            return None
        return tag if isinstance(tag, str) and tag else None


@dataclass(frozen=True)
class DrgDefinition:
    key: int
    drg_id: str
    name: str
    version: int
    resource_name: str
    checksum: str
    tenant_id: str
    deployment_key: int
    drg: Any  # engine.dmn.DecisionRequirements
    content: bytes


@dataclass(frozen=True)
class DecisionDefinition:
    key: int
    decision_id: str
    name: str
    version: int
    drg_key: int
    tenant_id: str
    deployment_key: int
    version_tag: str | None = None


class Repository:
    """Definitions by key, and the versions of each id (per tenant) in deployment order."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every definition (before loading the store again)."""
        self.processes: dict[int, ProcessDefinition] = {}
        self.forms: dict[int, FormDefinition] = {}
        self.drgs: dict[int, DrgDefinition] = {}
        self.decisions: dict[int, DecisionDefinition] = {}
        # (kind, id, tenant) -> keys of live versions, oldest first
        self._versions: dict[tuple[str, str, str], list[int]] = {}
        # (kind, id, tenant) -> highest version ever deployed (deleted ones included)
        self._max_version: dict[tuple[str, str, str], int] = {}

    def _track(self, kind: str, resource_id: str, tenant: str, key: int, version: int) -> None:
        ident = (kind, resource_id, tenant)
        self._versions.setdefault(ident, []).append(key)
        self._max_version[ident] = max(self._max_version.get(ident, 0), version)

    def note_version(self, kind: str, resource_id: str, tenant: str, version: int) -> None:
        """A deleted version: its number stays used."""
        ident = (kind, resource_id, tenant)
        self._max_version[ident] = max(self._max_version.get(ident, 0), version)

    def next_version(self, kind: str, resource_id: str, tenant: str) -> int:
        return self._max_version.get((kind, resource_id, tenant), 0) + 1

    def latest_key(self, kind: str, resource_id: str, tenant: str) -> int | None:
        keys = self._versions.get((kind, resource_id, tenant))
        return keys[-1] if keys else None

    def version_keys(self, kind: str, resource_id: str, tenant: str) -> list[int]:
        return list(self._versions.get((kind, resource_id, tenant), ()))

    def add_process(self, definition: ProcessDefinition) -> None:
        self.processes[definition.key] = definition
        self._track(
            "process",
            definition.bpmn_process_id,
            definition.tenant_id,
            definition.key,
            definition.version,
        )

    def add_form(self, definition: FormDefinition) -> None:
        self.forms[definition.key] = definition
        self._track(
            "form", definition.form_id, definition.tenant_id, definition.key, definition.version
        )

    def add_drg(self, definition: DrgDefinition) -> None:
        self.drgs[definition.key] = definition
        self._track(
            "drg", definition.drg_id, definition.tenant_id, definition.key, definition.version
        )

    def add_decision(self, definition: DecisionDefinition) -> None:
        self.decisions[definition.key] = definition
        self._track(
            "decision",
            definition.decision_id,
            definition.tenant_id,
            definition.key,
            definition.version,
        )

    def remove(self, kind: str, resource_id: str, tenant: str, key: int) -> None:
        """Forget a deleted version (its version number stays used)."""
        keys = self._versions.get((kind, resource_id, tenant))
        if keys and key in keys:
            keys.remove(key)

    def _bound_key(
        self,
        kind: str,
        resource_id: str,
        tenant: str,
        binding: Binding,
        deployment_key: int,
        table: Any,
    ) -> int | None:
        """The version a ``bindingType`` selects: the latest, the one deployed in the caller's
        deployment, or the latest with the version tag."""
        keys = self._versions.get((kind, resource_id, tenant), [])
        for key in reversed(keys):
            definition = table[key]
            if binding.type is BindingType.LATEST:
                return key
            if binding.type is BindingType.DEPLOYMENT:
                if definition.deployment_key == deployment_key:
                    return key
            elif definition.version_tag == binding.version_tag:
                return key
        return None

    def bound_process(
        self, bpmn_process_id: str, tenant: str, binding: Binding, deployment_key: int
    ) -> ProcessDefinition | None:
        key = self._bound_key(
            "process", bpmn_process_id, tenant, binding, deployment_key, self.processes
        )
        return self.processes[key] if key is not None else None

    def bound_form(
        self, form_id: str, tenant: str, binding: Binding, deployment_key: int
    ) -> FormDefinition | None:
        key = self._bound_key("form", form_id, tenant, binding, deployment_key, self.forms)
        return self.forms[key] if key is not None else None

    def bound_decision(
        self, decision_id: str, tenant: str, binding: Binding, deployment_key: int
    ) -> DecisionDefinition | None:
        key = self._bound_key(
            "decision", decision_id, tenant, binding, deployment_key, self.decisions
        )
        return self.decisions[key] if key is not None else None

    def latest_process(self, bpmn_process_id: str, tenant: str) -> ProcessDefinition | None:
        key = self.latest_key("process", bpmn_process_id, tenant)
        return self.processes[key] if key is not None else None

    def process_version(
        self, bpmn_process_id: str, version: int, tenant: str
    ) -> ProcessDefinition | None:
        for key in self.version_keys("process", bpmn_process_id, tenant):
            if self.processes[key].version == version:
                return self.processes[key]
        return None

    def latest_processes(self) -> list[ProcessDefinition]:
        """The latest live version of every process id (for start-event subscriptions)."""
        return [
            self.processes[keys[-1]]
            for (kind, _id, _tenant), keys in self._versions.items()
            if kind == "process" and keys
        ]

    def latest_form(self, form_id: str, tenant: str) -> FormDefinition | None:
        key = self.latest_key("form", form_id, tenant)
        return self.forms[key] if key is not None else None

    def latest_decision(self, decision_id: str, tenant: str) -> DecisionDefinition | None:
        key = self.latest_key("decision", decision_id, tenant)
        return self.decisions[key] if key is not None else None
