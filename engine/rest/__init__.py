"""The Camunda 8 Orchestration Cluster REST API v2, as far as the embedded engine serves it.

:func:`create_app` builds the Starlette app that ``engine.server`` serves on port 8080;
:func:`check_exposure` refuses settings that would expose it without authentication. Handlers
translate each request into one :class:`engine.api.EngineApi` call or one
:class:`engine.query.QueryService` read, and errors into RFC 9457 problem details.
"""

from __future__ import annotations

from engine.rest.app import create_app
from engine.rest.context import Caller
from engine.rest.security import ExposureError, check_exposure, is_loopback

__all__ = ["Caller", "ExposureError", "check_exposure", "create_app", "is_loopback"]
