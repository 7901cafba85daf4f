"""docker-compose.yml is valid (checked by docker-compose itself; no Docker engine is needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT


def compose_binary() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing in CI (.ci/run installs it)")
        pytest.skip("docker-compose not installed (apt-get install -y docker-compose)")
    return binary


def test_compose_file_is_valid(tmp_path: Path) -> None:
    # Work on a copy so the check can use .env.example as .env without touching the checkout.
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "nlu" / "models").mkdir(parents=True)
    shutil.copy(ROOT / "nlu" / "Dockerfile", tmp_path / "nlu" / "Dockerfile")
    result = subprocess.run([compose_binary(), "config"], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == {"bot", "rasa", "redis"}
    assert "--appendonly" in config["services"]["redis"]["command"]
    assert config["services"]["rasa"]["healthcheck"]["test"]
    assert config["services"]["bot"]["environment"]["RASA_URL"] == "http://rasa:5005"


def test_rasa_image_is_the_pinned_official_one() -> None:
    dockerfile = (ROOT / "nlu" / "Dockerfile").read_text()
    assert dockerfile.splitlines()[0] == "FROM rasa/rasa:3.6.21"
    requirements = (ROOT / "nlu" / "requirements.txt").read_text()
    assert "rasa==3.6.21" in requirements
