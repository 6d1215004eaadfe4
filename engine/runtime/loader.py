"""Rebuilding the in-memory repository from stored resources when the engine opens."""

from __future__ import annotations

import json

from engine.runtime.repository import (
    DecisionDefinition,
    DrgDefinition,
    FormDefinition,
    ProcessDefinition,
    Repository,
)
from engine.store import ResourceRow


def load_repository(repository: Repository, rows: list[ResourceRow]) -> None:
    """Re-parse every stored resource (parsing is deterministic) in key order."""
    from engine.dmn import parse_dmn
    from engine.model import parse_bpmn

    bpmn_cache: dict[tuple[str, str], object] = {}
    drgs: dict[int, DrgDefinition] = {}
    for row in rows:
        if row.deleted:
            repository.note_version(row.kind, row.resource_id, row.tenant_id, row.version)
            continue
        if row.kind == "process":
            parsed = bpmn_cache.get((row.resource_name, row.checksum))
            if parsed is None:
                parsed = parse_bpmn(row.content, row.resource_name)
                bpmn_cache[(row.resource_name, row.checksum)] = parsed
            process = next(p for p in parsed.processes if p.id == row.resource_id)  # type: ignore[attr-defined]
            repository.add_process(
                ProcessDefinition(
                    key=row.key,
                    bpmn_process_id=row.resource_id,
                    version=row.version,
                    resource_name=row.resource_name,
                    checksum=row.checksum,
                    tenant_id=row.tenant_id,
                    deployment_key=row.deployment_key,
                    process=process,
                    xml=row.content,
                )
            )
        elif row.kind == "form":
            repository.add_form(
                FormDefinition(
                    key=row.key,
                    form_id=row.resource_id,
                    version=row.version,
                    resource_name=row.resource_name,
                    checksum=row.checksum,
                    tenant_id=row.tenant_id,
                    deployment_key=row.deployment_key,
                    json_text=row.content.decode("utf-8"),
                )
            )
        elif row.kind == "drg":
            drg = DrgDefinition(
                key=row.key,
                drg_id=row.resource_id,
                name=json.loads(row.payload).get("name", ""),
                version=row.version,
                resource_name=row.resource_name,
                checksum=row.checksum,
                tenant_id=row.tenant_id,
                deployment_key=row.deployment_key,
                drg=parse_dmn(row.content, row.resource_name),
                content=row.content,
            )
            drgs[drg.key] = drg
            repository.add_drg(drg)
        elif row.kind == "decision":
            repository.add_decision(
                DecisionDefinition(
                    key=row.key,
                    decision_id=row.resource_id,
                    name=json.loads(row.payload).get("name", ""),
                    version=row.version,
                    drg_key=row.parent_key,
                    tenant_id=row.tenant_id,
                    deployment_key=row.deployment_key,
                    version_tag=json.loads(row.payload).get("versionTag"),
                )
            )
