"""The embedded, open-source engine: Zeebe gateway gRPC and Camunda 8 REST API on one machine.

Layers: ``model`` (BPMN XML → immutable specs) → ``runtime`` (Zeebe semantics) → ``store``
(durable row-level state and the append-only record log); ``feel`` and ``dmn`` are the expression
language and decisions; ``gateway`` (gRPC) and ``rest`` (HTTP) translate requests into calls on
:class:`engine.api.EngineApi`; ``query`` keeps the search tables the REST API reads.
"""
