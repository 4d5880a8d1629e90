"""Shared fixtures. Owned by the hosts engineer; others add fixtures below their own heading.

- `rb_cache_dir`: build/compile cache shared by the whole suite (`.rbmigrate-cache/` in the repo,
  git-ignored, or $RBMIGRATE_CACHE_DIR), so re-runs do not rebuild components.
- `pg` (session): a throwaway PostgreSQL cluster (tests/pg.py); `pg_db`: a fresh database per test.
- `probe_v3`, `probe_v4` (session): the host-test guests under tests/guests/, built once.
- `skip_or_fail(reason)`: skip, or fail under CI=true (a missing tool must never pass CI silently).
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(TESTS) not in sys.path:  # `import pg` / `import guests.build` whatever pytest's rootdir layout
    sys.path.insert(0, str(TESTS))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it under CI=true."""
    if in_ci():
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def rb_cache_dir() -> Path:
    env = os.environ.get("RBMIGRATE_CACHE_DIR")
    path = Path(env) if env else REPO / ".rbmigrate-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---- PostgreSQL -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg():
    """A running throwaway cluster (PgCluster); removed at the end of the session."""
    import pg as pgmod

    try:
        cluster = pgmod.start_cluster()
    except pgmod.PgUnavailable as exc:
        skip_or_fail(f"PostgreSQL unavailable: {exc}")
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_db(pg):
    """A fresh, empty database (owned by rb_trust) for one test; dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    pg.create_database(name)
    try:
        yield name
    finally:
        pg.drop_database(name)


# ---- host-test guests -----------------------------------------------------------------------------

def _build_probe(version: int, cache: Path) -> Path:
    from guests.build import build_probe

    from rbmigrate.hosts import BuildError

    try:
        return build_probe(version, cache)
    except BuildError as exc:  # componentize-py is a declared dependency: a failure is a real failure
        pytest.fail(f"building the v{version} probe guest failed:\n{exc}", pytrace=False)


@pytest.fixture(scope="session")
def probe_v3(rb_cache_dir) -> Path:
    return _build_probe(3, rb_cache_dir)


@pytest.fixture(scope="session")
def probe_v4(rb_cache_dir) -> Path:
    return _build_probe(4, rb_cache_dir)
