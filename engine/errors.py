"""Errors the engine raises to its callers.

Hierarchy::

    EngineError
    ├── NotFound             unknown key / process / decision      gRPC NOT_FOUND          HTTP 404
    ├── InvalidArgument      bad input (XML, FEEL, variables …)    gRPC INVALID_ARGUMENT   HTTP 400
    ├── FailedPrecondition   wrong state (job not activatable …)   gRPC FAILED_PRECONDITION HTTP 409
    ├── AlreadyExists        duplicate message id …                gRPC ALREADY_EXISTS     HTTP 409
    ├── ResourceExhausted    back-pressure                         gRPC RESOURCE_EXHAUSTED HTTP 429
    └── Unimplemented        not supported by the embedded engine  gRPC UNIMPLEMENTED      HTTP 501

Every message names what is wrong (the key, element id, resource and line), never variable values.
"""

from __future__ import annotations


class EngineError(Exception):
    """Root of all errors the engine reports to a client."""

    grpc_code = "INTERNAL"
    http_status = 500
    title = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    grpc_code = "NOT_FOUND"
    http_status = 404
    title = "NOT_FOUND"


class InvalidArgument(EngineError):
    grpc_code = "INVALID_ARGUMENT"
    http_status = 400
    title = "INVALID_ARGUMENT"


class FailedPrecondition(EngineError):
    grpc_code = "FAILED_PRECONDITION"
    http_status = 409
    title = "INVALID_STATE"


class AlreadyExists(EngineError):
    grpc_code = "ALREADY_EXISTS"
    http_status = 409
    title = "ALREADY_EXISTS"


class ResourceExhausted(EngineError):
    grpc_code = "RESOURCE_EXHAUSTED"
    http_status = 429
    title = "RESOURCE_EXHAUSTED"


class Unavailable(EngineError):
    """The engine cannot take commands right now (its store failed a write); retry later."""

    grpc_code = "UNAVAILABLE"
    http_status = 503
    title = "UNAVAILABLE"


class Unimplemented(EngineError):
    grpc_code = "UNIMPLEMENTED"
    http_status = 501
    title = "UNIMPLEMENTED"
