"""How RPC handlers report failures: engine errors become gRPC statuses, bugs become INTERNAL."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
import structlog

from engine.errors import EngineError

log = structlog.get_logger(__name__)

Req = TypeVar("Req")
Resp = TypeVar("Resp")
Handler = Callable[[Any, Req, grpc.aio.ServicerContext[Any, Any]], Awaitable[Resp]]


def status_of(exc: EngineError) -> grpc.StatusCode:
    """The gRPC status code named by the error's ``grpc_code``."""
    return getattr(grpc.StatusCode, exc.grpc_code, grpc.StatusCode.INTERNAL)


def rpc(fn: Handler[Req, Resp]) -> Handler[Req, Resp]:
    """Turn :class:`EngineError` into its gRPC status with the engine's message.

    Any other exception is a bug, not a client error: Zeebe answers INTERNAL, and the details go
    to the log only (they could quote variable values).
    """

    @functools.wraps(fn)
    async def wrapper(self: Any, request: Req, context: grpc.aio.ServicerContext[Any, Any]) -> Resp:
        try:
            response = await fn(self, request, context)
            # Nothing is acknowledged before it is committed (group commit).
            await self.durable()
            return response
        except grpc.aio.AbortError:
            raise
        except EngineError as exc:
            # A rejection, too, is answered after the commit of what it was decided on; if
            # that commit failed, the answer is UNAVAILABLE instead.
            error = exc
            try:
                await self.durable()
            except EngineError as unavailable:
                error = unavailable
            log.info("rpc rejected", rpc=fn.__name__, code=error.grpc_code)
            await context.abort(status_of(error), error.message)
            raise AssertionError("abort returns only by raising") from exc
        except Exception as exc:
            log.exception("rpc failed", rpc=fn.__name__)
            await context.abort(
                grpc.StatusCode.INTERNAL, f"{fn.__name__} failed inside the engine; see its log"
            )
            raise AssertionError("abort returns only by raising") from exc

    return wrapper
