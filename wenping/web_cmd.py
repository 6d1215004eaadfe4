"""``wenping web``: serve the staff web app with uvicorn (default http://127.0.0.1:8000)."""

from __future__ import annotations

import os
from typing import Any

import structlog
import uvicorn
from pydantic import ValidationError

from wenping.settings import Settings

log = structlog.get_logger(__name__)


def run_web(settings: Settings) -> int:
    """Build the web app from the environment and serve it until stopped; 2 on bad settings."""
    from web.app import create_app, missing_vendor_files
    from web.domain import DomainReader
    from web.settings import WebSettings
    from workers.db import connect

    given: dict[str, Any] = {"WENPING_ENVIRONMENT": settings.environment}
    if "CAMUNDA_REST_ADDRESS" not in os.environ:
        # Beside the embedded engine (``wenping up``): follow its REST host and port.
        engine = settings.engine
        given["CAMUNDA_REST_ADDRESS"] = f"http://{engine.rest_host}:{engine.rest_port}"
    try:
        web_settings = WebSettings(**given)
    except ValidationError as exc:
        for error in exc.errors():
            log.error("web settings refused", problem=str(error.get("msg")))
        return 2
    missing = missing_vendor_files()
    if missing:
        log.error("front-end libraries missing; run: npm ci --prefix web", files=missing)
        return 2
    domain = DomainReader(connect(web_settings.database_url), web_settings.reports_dir)
    app = create_app(web_settings, domain=domain)
    log.info("web app starting", host=web_settings.host, port=web_settings.port)
    uvicorn.run(app, host=web_settings.host, port=web_settings.port, log_config=None)
    return 0
