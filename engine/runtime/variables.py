"""Variable scopes with Zeebe's rules.

Every element instance is a scope; the process instance is the root. A variable is read from the
nearest scope that has it. Merging a document (job completion without output mappings, message
correlation, non-local SetVariables) propagates each variable upward: it updates the nearest
scope holding a variable of that name, or creates it in the root scope. Local documents (input
mappings, local SetVariables) are written into the scope itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from engine.model.specs import VariableMapping
from engine.runtime import expressions
from engine.runtime.context import Context, IncidentRaised, json_dumps
from engine.runtime.entities import NO_KEY, ElementInstance, Variable, evolve
from engine.store import jsontext


class ScopeView(Mapping[str, Any]):
    """The variables visible from a scope as FEEL values, read lazily (only names used)."""

    def __init__(
        self, variables: Variables, scope_key: int, extra: Mapping[str, Any] | None = None
    ):
        self._variables = variables
        self._scope_key = scope_key
        self._extra = dict(extra or {})
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._extra:
            return self._extra[name]
        if name not in self._cache:
            found = self._variables.find(self._scope_key, name)
            if found is None:
                raise KeyError(name)
            self._cache[name] = expressions.to_feel(jsontext.loads(found.value))
        return self._cache[name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._extra or self._variables.find(self._scope_key, name) is not None

    def __iter__(self) -> Iterator[str]:
        names = dict.fromkeys(self._extra)
        names.update(dict.fromkeys(self._variables.visible(self._scope_key)))
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Variables:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _parent_scope(self, scope_key: int) -> int:
        instance = self.ctx.state.get(ElementInstance, scope_key)
        return instance.flow_scope_key if instance is not None else NO_KEY

    def scopes(self, scope_key: int) -> Iterator[int]:
        """``scope_key`` and its ancestors up to the process instance."""
        while scope_key != NO_KEY:
            yield scope_key
            scope_key = self._parent_scope(scope_key)

    def local(self, scope_key: int, name: str) -> Variable | None:
        key = self.ctx.state.first("var", (scope_key, name))
        return self.ctx.state.get(Variable, key) if key is not None else None

    def find(self, scope_key: int, name: str) -> Variable | None:
        for scope in self.scopes(scope_key):
            found = self.local(scope, name)
            if found is not None:
                return found
        return None

    def local_names(self, scope_key: int) -> dict[str, Variable]:
        found: dict[str, Variable] = {}
        for key in self.ctx.state.index("scope_vars", scope_key):
            variable = self.ctx.state.get(Variable, key)
            if variable is not None:
                found[variable.name] = variable
        return found

    def visible(self, scope_key: int) -> dict[str, str]:
        """Name → JSON text of every variable visible from the scope (nearest wins)."""
        result: dict[str, str] = {}
        for scope in self.scopes(scope_key):
            for name, variable in self.local_names(scope).items():
                result.setdefault(name, variable.value)
        return result

    def visible_values(self, scope_key: int, names: Iterator[str] | None = None) -> dict[str, Any]:
        texts = self.visible(scope_key)
        wanted = set(names) if names is not None else None
        return {
            name: jsontext.loads(text)
            for name, text in texts.items()
            if wanted is None or name in wanted
        }

    def view(self, scope_key: int, extra: Mapping[str, Any] | None = None) -> ScopeView:
        return ScopeView(self, scope_key, extra)

    # --- writing -----------------------------------------------------------------------------

    def set_local(self, scope_key: int, name: str, value: Any) -> None:
        text = json_dumps(value)
        existing = self.local(scope_key, name)
        if existing is not None:
            if existing.value == text or _same_document(existing.value, text):
                return
            updated = evolve(existing, value=text)
            self.ctx.state.put(updated)
            self._write(updated, "UPDATED")
            return
        root = self._root_of(scope_key)
        definition = self.ctx.definition(root.process_definition_key)
        created = Variable(
            key=self.ctx.state.new_key(),
            scope_key=scope_key,
            name=name,
            value=text,
            pi_key=root.pi_key,
            process_definition_key=definition.key,
            bpmn_process_id=definition.bpmn_process_id,
            tenant_id=definition.tenant_id,
        )
        self.ctx.state.put(created)
        self._write(created, "CREATED")

    def _root_of(self, scope_key: int) -> ElementInstance:
        instance = self.ctx.state.get(ElementInstance, scope_key)
        if instance is None:
            raise LookupError(f"no element instance with key {scope_key}")
        root = self.ctx.state.get(ElementInstance, instance.pi_key)
        return root if root is not None else instance

    def _write(self, variable: Variable, intent: str) -> None:
        self.ctx.write(
            "VARIABLE",
            intent,
            variable.key,
            {
                "name": variable.name,
                "value": variable.value,
                "scopeKey": variable.scope_key,
                "processInstanceKey": variable.pi_key,
                "processDefinitionKey": variable.process_definition_key,
                "bpmnProcessId": variable.bpmn_process_id,
                "tenantId": variable.tenant_id,
            },
            process_instance_key=variable.pi_key,
        )

    def set_local_document(self, scope_key: int, document: Mapping[str, Any]) -> None:
        for name, value in document.items():
            self.set_local(scope_key, name, value)

    def merge(self, scope_key: int, document: Mapping[str, Any]) -> None:
        """Propagate each variable to the nearest scope holding it, else the root scope."""
        chain = list(self.scopes(scope_key))
        if not chain:
            return
        for name, value in document.items():
            target = chain[-1]
            for scope in chain:
                if self.local(scope, name) is not None:
                    target = scope
                    break
            self.set_local(target, name, value)

    def remove_scope(self, scope_key: int) -> None:
        """Drop a finished scope's variables (Zeebe writes no records for this)."""
        for key in self.ctx.state.index("scope_vars", scope_key):
            variable = self.ctx.state.get(Variable, key)
            if variable is not None:
                self.ctx.state.delete(variable)

    # --- mappings ----------------------------------------------------------------------------

    def evaluate_mappings(
        self, mappings: tuple[VariableMapping, ...], scope_key: int
    ) -> dict[str, Any]:
        """The document of ``mappings`` evaluated in modeling order; targets may be paths.

        As Zeebe: each mapping sees the results of the earlier ones (they shadow same-named
        scope variables), and evaluation stops at the first failing mapping.
        """
        document: dict[str, Any] = {}
        for mapping in mappings:
            view = self.view(scope_key, {k: expressions.to_feel(v) for k, v in document.items()})
            try:
                value = expressions.evaluate(mapping.source, view)
            except expressions.ExpressionError as exc:
                raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
            _assign(document, mapping.target.split("."), value)
        return document

    def apply_input_mappings(
        self, instance: ElementInstance, mappings: tuple[VariableMapping, ...]
    ) -> None:
        if not mappings:
            return
        # Evaluated in the element's own scope: an inner multi-instance element already holds
        # its input element and loop counter there.
        document = self.evaluate_mappings(mappings, instance.key)
        self.set_local_document(instance.key, document)

    def apply_output_mappings(
        self, instance: ElementInstance, mappings: tuple[VariableMapping, ...], *, inner: bool
    ) -> None:
        """Evaluate outputs in the element's scope and merge them upward.

        The merge starts at the flow scope, except for an inner multi-instance element, which
        writes to its own scope so that the output element can read the result (Zeebe).
        """
        document = self.evaluate_mappings(mappings, instance.key)
        # A nested target (a.b) merges into the existing value instead of replacing it.
        for name, value in list(document.items()):
            if isinstance(value, dict) and any(m.target.startswith(name + ".") for m in mappings):
                existing = self.find(instance.key, name)
                if existing is not None:
                    old = json.loads(existing.value)
                    if isinstance(old, dict):
                        document[name] = _deep_merge(old, value)
        self.merge(instance.key if inner else instance.flow_scope_key, document)


def _assign(document: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        child = document.get(part)
        if not isinstance(child, dict):
            child = {}
            document[part] = child
        document = child
    document[path[-1]] = value


def _deep_merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _same_document(stored: str, text: str) -> bool:
    """Whether ``stored`` (written by an older release) is ``text`` in another spelling. Until
    orjson, floats were written as Python spells them (1e-07, 1e+16), now as 1e-7 and 1e16;
    setting such a variable to its own value is no update."""
    if "e-0" not in stored and "e+" not in stored:
        return False
    try:
        # Strict: a stored NaN (which orjson would write as null) is a change, not a spelling.
        return json_dumps(jsontext.loads_strict(stored)) == text
    except ValueError:
        return False
