"""A regular (non-editable) install works away from the checkout: the wheel ships ``rules/`` and ``wit/``.

The wheel is built from a copy of the sources (so the checkout gets no ``build/`` or ``*.egg-info``),
installed without dependencies into a fresh virtualenv that borrows this environment's installed
packages through a ``.pth`` line (offline and fast; the editable ``rbmigrate`` of this environment is
not picked up: ``.pth`` files of a borrowed folder are not run), and ``rbmigrate apply`` migrates a
fixture copy from a folder outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "rbmigrate", "rules", "wit")


def run(*argv, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its bin/ folder."""
    work = tmp_path_factory.mktemp("packaging")
    src = work / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    dist = work / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, src, cwd=work)
    (wheel,) = dist.glob("rbmigrate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("rules/rust.toml", "rules/findings.toml", "wit/v3/rapidbyte-connector.wit",
                "wit/v4/rapidbyte-connector.wit", "rules/cases/RB101/python-batch-emit.py"):
        assert f"rbmigrate/_data/{rel}" in names, f"{rel} is not in the wheel"
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    purelib = Path(run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # the dependencies: this environment's site-packages, as a plain path (its .pth files are not run)
    (purelib / "_borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
        "--no-index", wheel)
    for tool in ("wasm-tools", "componentize-py"):  # the dependencies' programs, as an install puts them there
        (venv / "bin" / tool).symlink_to(Path(sysconfig.get_paths()["scripts"]) / tool)
    return venv / "bin"


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RBMIGRATE_DATA", "VIRTUAL_ENV")}
    return env


@pytest.mark.slow
def test_the_wheel_works_outside_the_checkout(installed, tmp_path):
    env = clean_env()
    where = run(installed / "python", "-c",
                "import rbmigrate, rbmigrate.resources as r; print(rbmigrate.__file__); print(r.data_root())",
                cwd=tmp_path, env=env).stdout.splitlines()
    package, data = Path(where[0]).parent, Path(where[1])
    assert REPO not in package.parents and REPO not in data.parents, where
    assert data == package / "_data"

    connector = tmp_path / "source-postgres"
    shutil.copytree(REPO / "testdata" / "python" / "v3" / "source-postgres", connector,
                    ignore=shutil.ignore_patterns("__pycache__"))
    wit = tmp_path / "wit-package"
    shutil.copytree(REPO / "wit" / "v3", wit)
    proc = subprocess.run([installed / "rbmigrate", "apply", connector.name, wit.name], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    expected = REPO / "testdata" / "python" / "expected" / "source-postgres"
    for path in sorted(expected.iterdir()):
        assert (connector / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs from its golden file"
    assert b"@4.0.0" in (wit / "rapidbyte-connector.wit").read_bytes()
    rules = run(installed / "rbmigrate", "rules", "list", cwd=tmp_path, env=env).stdout
    assert "RB101" in rules
