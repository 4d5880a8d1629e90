"""Shared fixtures. Owned by the hosts engineer; others add fixtures below their own heading.

- A test session gets one temporary folder (`rbmigrate-tests-*` under the system one), made the
  temporary folder of every test process and subprocess (TMPDIR) and removed when the session ends,
  so nothing is left in /tmp or in the checkout. RBMIGRATE_KEEP_TEST_TMP=1 keeps it (to debug).
- `rb_cache_dir`: build/compile cache shared by the whole session (in that folder; also
  $RBMIGRATE_CACHE_DIR for subprocesses), so one session builds each component once.
  RBMIGRATE_TEST_CACHE_DIR=DIR keeps a cache across sessions instead (left for you to remove).
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


# ---- one temporary folder per session -------------------------------------------------------------

def pytest_configure(config):
    """In the controlling process (xdist workers inherit the environment): the session's folder."""
    if hasattr(config, "workerinput"):
        return
    import tempfile

    session = Path(tempfile.mkdtemp(prefix="rbmigrate-tests-"))
    session.chmod(0o755)  # the throwaway PostgreSQL cluster runs as `postgres` and lives in here
    config._rbmigrate_session_tmp = session
    os.environ["TMPDIR"] = str(session)
    tempfile.tempdir = str(session)  # gettempdir() may have been asked already
    cache = os.environ.get("RBMIGRATE_TEST_CACHE_DIR") or str(session / "cache")
    os.environ["RBMIGRATE_CACHE_DIR"] = cache


def pytest_unconfigure(config):
    session = getattr(config, "_rbmigrate_session_tmp", None)
    if session is None:
        return
    if os.environ.get("RBMIGRATE_KEEP_TEST_TMP") == "1":
        print(f"\nrbmigrate tests: kept {session}", file=sys.stderr)
        return
    _remove_tree(session)


def _remove_tree(path: Path) -> None:
    """rmtree that also removes what tests made read-only."""
    import shutil
    import stat

    def retry(func, name, _exc):
        try:
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, stat.S_IRWXU)
            func(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


@pytest.fixture(scope="session")
def rb_cache_dir() -> Path:
    path = Path(os.environ["RBMIGRATE_CACHE_DIR"])
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
