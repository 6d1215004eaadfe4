"""Deploy the models in bpmn/ dmn/ forms/ to whatever engine ZEEBE_ADDRESS points at."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import structlog

from wenping.settings import Settings

log = structlog.get_logger(__name__)

MODEL_DIRS = ("bpmn", "dmn", "forms")
MODEL_SUFFIXES = (".bpmn", ".dmn", ".form")


def model_files(models_dir: Path) -> list[Path]:
    """Every deployable model file under bpmn/, dmn/ and forms/, in a stable order."""
    files: list[Path] = []
    for folder in MODEL_DIRS:
        base = models_dir / folder
        if base.is_dir():
            files.extend(sorted(p for p in base.rglob("*") if p.suffix in MODEL_SUFFIXES))
    return files


async def deploy_files(address: str, files: Sequence[Path]) -> None:
    """Deploy ``files`` as one deployment over the Zeebe gateway protocol."""
    from pyzeebe import ZeebeClient, create_insecure_channel

    channel = create_insecure_channel(grpc_address=address)
    try:
        client = ZeebeClient(channel)
        result = await client.deploy_resource(*[str(f) for f in files])
        log.info("deployed", deployment_key=result.key, files=len(files))
    finally:
        await channel.close()


def deploy_models(settings: Settings, paths: Sequence[str]) -> int:
    """Deploy the given files, or every model file when none is given."""
    files = [Path(p) for p in paths] or model_files(settings.models_dir)
    if not files:
        log.warning("nothing to deploy", models_dir=str(settings.models_dir))
        return 1
    asyncio.run(deploy_files(settings.workers.zeebe_address, files))
    return 0
