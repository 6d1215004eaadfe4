"""The Camunda 8.8 linter (bpmnlint + camunda-compat) and the form schema accept every model."""

from __future__ import annotations

import subprocess

from .modelfiles import ROOT

LINT = ROOT / "tools" / "lint-models"


def test_models_pass_bpmnlint_and_the_form_schema() -> None:
    # Installs the pinned npm tooling on first use (npm ci), so allow for a cold cache.
    result = subprocess.run(
        [str(LINT)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"tools/lint-models failed:\n{output}"
    assert "files clean (camunda-cloud-8-8)" in output
    assert "0 invalid" in output
