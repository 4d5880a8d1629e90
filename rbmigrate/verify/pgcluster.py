"""PostgreSQL for `rbmigrate verify` and the tests: a throwaway cluster, or an existing server (`--pg-dsn`).

Throwaway cluster (initdb + pg_ctl on a free loopback port; as root it runs as the `postgres` user).
Users (all superusers of the throwaway cluster, so connectors can create and drop freely):
- `postgres`: trust (admin helper)
- `rb_trust`: trust, no password
- `rb_md5`: md5 (password stored as an md5 hash, so the server really runs the md5 exchange)
- `rb_scram`: scram-sha-256
The database `rbtest` exists; `create_database()` makes more.

Both kinds of server offer the same small interface (plain, picklable data, so a worker process can
use it): `address`, `sql(query, dbname=)`, `rows(query, dbname=)`, `create_database(name)`,
`drop_database(name)`, `connector_config(dbname)`. SQL goes through `psql`.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

PASSWORDS = {"rb_trust": None, "rb_md5": "rb-md5-secret", "rb_scram": "rb-scram-secret"}
AUTH = {"rb_trust": "trust", "rb_md5": "md5", "rb_scram": "scram-sha-256"}
_DB_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class PgUnavailable(RuntimeError):
    """No PostgreSQL server binaries here (or the cluster could not start)."""


def find_bin_dir() -> Path | None:
    """Newest /usr/lib/postgresql/<major>/bin with initdb, else the directory of `initdb` on PATH."""
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        majors = sorted((p for p in root.iterdir() if p.name.isdigit() and (p / "bin" / "initdb").exists()),
                        key=lambda p: int(p.name), reverse=True)
        if majors:
            return majors[0] / "bin"
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def find_psql() -> Path | None:
    bin_dir = find_bin_dir()
    if bin_dir is not None and (bin_dir / "psql").exists():
        return bin_dir / "psql"
    found = shutil.which("psql")
    return Path(found) if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows(out: str) -> list[list]:
    return [list(json.loads(line).values()) for line in out.splitlines() if line.strip()]


def _row_query(query: str) -> str:
    return f"SELECT row_to_json(t)::text FROM ({query.strip().rstrip(';')}) AS t"


def check_db_name(name: str) -> str:
    if not _DB_NAME.fullmatch(name):
        raise ValueError(f"bad database name {name!r}")
    return name


@dataclass
class PgCluster:
    bin_dir: Path
    base: Path
    port: int = 0
    host: str = "127.0.0.1"
    dbname: str = "rbtest"
    passwords: dict = field(default_factory=lambda: dict(PASSWORDS))
    connector_user: str = "rb_trust"  # the user `connector_config` hands to connectors
    _run_as: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def describe(self) -> str:
        return f"throwaway cluster {self.host}:{self.port} ({self.bin_dir.parent.name})"

    # ---- process control -------------------------------------------------------------------
    def _cmd(self, args: list[str], *, check: bool = True, env: dict | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs = {}
        if self._run_as:
            pw = pwd.getpwnam(self._run_as)
            kwargs = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C", **(env or {})}
        proc = subprocess.run(args, capture_output=True, text=True, env=full_env, cwd=str(self.base),
                              timeout=timeout, check=False, **kwargs)
        if check and proc.returncode != 0:
            raise PgUnavailable(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def start(self) -> "PgCluster":
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable("running as root but there is no `postgres` user to own the cluster") from None
            self._run_as = "postgres"
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        self.socket_dir.mkdir()
        if self._run_as:
            pw = pwd.getpwnam(self._run_as)
            os.chown(self.socket_dir, pw.pw_uid, pw.pw_gid)
        self._init_data_dir()
        self._write_config()
        last = ""
        for _ in range(5):  # the free port may be taken between probing and binding
            self.port = free_port()
            proc = self._cmd([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.base / "log"),
                              "-o", f"-p {self.port}", "-w", "-t", "60", "start"], check=False)
            if proc.returncode == 0:
                break
            last = proc.stdout + proc.stderr + self.log_tail()
        else:
            raise PgUnavailable(f"pg_ctl start failed:\n{last}")
        self._create_users()
        return self

    def _init_data_dir(self) -> None:
        """``initdb``, or a copy of what it made last time with these server binaries (``initdb`` is most of
        a cluster's start-up: ~1 s, and verify starts one per run). The copy is kept in the cache folder
        (``pg-initdb/``) the first time; settings and users are added to every cluster afterwards."""
        template = _template_dir(self.bin_dir)
        if template is not None and (template / _TEMPLATE_DONE).is_file():
            try:
                shutil.copytree(template, self.data_dir, symlinks=True,
                                ignore=shutil.ignore_patterns(_TEMPLATE_DONE))
                self._own(self.data_dir)
                return
            except OSError:
                shutil.rmtree(self.data_dir, ignore_errors=True)
        self._cmd([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--no-sync", "--wal-segsize=1"])  # 1 MB of WAL to copy, not 16
        if template is not None:
            _keep_template(self.data_dir, template)

    def _own(self, folder: Path) -> None:
        """Give a copied data folder to the user the cluster runs as (PostgreSQL insists)."""
        if not self._run_as:
            return
        pw = pwd.getpwnam(self._run_as)
        for sub, dirs, names in os.walk(folder):
            os.chown(sub, pw.pw_uid, pw.pw_gid)
            for name in dirs + names:
                os.chown(os.path.join(sub, name), pw.pw_uid, pw.pw_gid, follow_symlinks=False)

    def _write_config(self) -> None:
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as f:
            f.write(
                "\n# rbmigrate throwaway cluster\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 50\nshared_buffers = 32MB\n"
                "password_encryption = 'scram-sha-256'\n"
            )
        lines = ["local all all trust"]
        for net in ("127.0.0.1/32", "::1/128"):
            lines.append(f"host all postgres {net} trust")
            for user, method in AUTH.items():
                lines.append(f"host all {user} {net} {method}")
            lines.append(f"host all all {net} scram-sha-256")
        (self.data_dir / "pg_hba.conf").write_text("\n".join(lines) + "\n")

    def _create_users(self) -> None:
        stmts = []
        for user, password in self.passwords.items():
            if password is None:
                stmts.append(f"CREATE ROLE {user} LOGIN SUPERUSER;")
            else:
                enc = "md5" if AUTH[user] == "md5" else "scram-sha-256"
                stmts.append(f"SET password_encryption = '{enc}'; CREATE ROLE {user} LOGIN SUPERUSER PASSWORD '{password}';")
        stmts.append(f"CREATE DATABASE {self.dbname} OWNER rb_trust;")
        self.sql(*stmts, dbname="postgres", via_socket=True)  # one psql, each statement on its own

    def stop(self) -> None:
        if self.data_dir.exists() and (self.data_dir / "postmaster.pid").exists():
            self._cmd([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
                      check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, n: int = 4000) -> str:
        log = self.base / "log"
        return log.read_text(errors="replace")[-n:] if log.exists() else ""

    # ---- SQL ---------------------------------------------------------------------------------
    def sql(self, query: str, *more: str, user: str = "postgres", dbname: str | None = None,
            password: str | None = None, via_socket: bool = False) -> str:
        """Run SQL with psql (ON_ERROR_STOP); return its unaligned, tuples-only output. Each of ``more`` is
        one more ``-c`` of the same psql: its own transaction (``CREATE DATABASE`` cannot share one)."""
        host = str(self.socket_dir) if via_socket else self.host
        env = {}
        pw = password if password is not None else self.passwords.get(user)
        if pw:
            env["PGPASSWORD"] = pw
        proc = self._cmd([str(self.bin_dir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                          "-h", host, "-p", str(self.port), "-U", user, "-d", dbname or self.dbname,
                          *(arg for q in (query, *more) for arg in ("-c", q))], check=False, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed ({proc.returncode}) for {query!r}:\n{proc.stderr}")
        return proc.stdout

    def rows(self, query: str, **kwargs) -> list[list]:
        """Rows of a SELECT as JSON-typed values (row_to_json: int, float, bool, str, None, dict, list).

        numeric arrives as a JSON number; timestamps as ISO strings; bytea as "\\x..." text.
        """
        return _rows(self.sql(_row_query(query), **kwargs))

    def create_database(self, name: str, owner: str = "rb_trust") -> str:
        self.sql(f"CREATE DATABASE {check_db_name(name)} OWNER {owner};", dbname="postgres")
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {check_db_name(name)} WITH (FORCE);", dbname="postgres")

    def config(self, user: str = "rb_trust", dbname: str | None = None) -> dict:
        """Connection settings for a connector config: host, port, user, password, database."""
        return {"host": self.host, "port": self.port, "user": user, "password": self.passwords.get(user),
                "database": dbname or self.dbname}

    def connector_config(self, dbname: str) -> dict:
        return self.config(self.connector_user, dbname)


_TEMPLATE_DONE = ".rbmigrate-complete"
_TEMPLATE_FORMAT = "2 -U postgres --auth=trust --encoding=UTF8 --wal-segsize=1"  # (what initdb was asked for)


def _template_dir(bin_dir: Path) -> Path | None:
    """Where the copy of a fresh ``initdb`` for these server binaries lives (None: no usable cache folder)."""
    import hashlib

    from ..cachedir import default_cache_dir

    try:
        st = (bin_dir / "initdb").stat()
    except OSError:
        return None
    key = hashlib.sha256(f"{_TEMPLATE_FORMAT}\0{bin_dir}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    return default_cache_dir() / "pg-initdb" / key


def _keep_template(data_dir: Path, template: Path) -> None:
    """Copy a fresh ``initdb`` folder into the cache, whole or not at all (a rename; a concurrent run that
    got there first wins)."""
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=template.parent))
    except OSError:
        return
    try:
        shutil.copytree(data_dir, tmp / "data", symlinks=True)
        (tmp / "data" / _TEMPLATE_DONE).write_text("")
        os.rename(tmp / "data", template)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def start_cluster() -> PgCluster:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PgUnavailable("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or on PATH")
    base = Path(tempfile.mkdtemp(prefix="rbmigrate-pg-"))
    cluster = PgCluster(bin_dir=bin_dir, base=base)
    try:
        return cluster.start()
    except BaseException:
        cluster.remove()
        raise


@dataclass
class PgServer:
    """An existing server reached through a DSN (`postgresql://user:password@host:port/dbname`).

    The user needs CREATEDB: verify makes (and drops) its own databases there.
    """

    host: str
    port: int
    user: str
    password: str | None
    dbname: str
    psql: Path

    @classmethod
    def from_dsn(cls, dsn: str) -> "PgServer":
        parts = urlsplit(dsn)
        if parts.scheme not in ("postgres", "postgresql"):
            raise ValueError(f"--pg-dsn must look like postgresql://user:password@host:port/dbname, not {dsn!r}")
        if not parts.username:
            raise ValueError("--pg-dsn needs a user (postgresql://USER@host:port/dbname)")
        psql = find_psql()
        if psql is None:
            raise PgUnavailable("psql is needed to seed and read the verification database, and was not found")
        try:
            port = parts.port or 5432
        except ValueError as exc:
            raise ValueError(f"--pg-dsn: {exc}") from None
        return cls(host=parts.hostname or "127.0.0.1", port=port, user=unquote(parts.username),
                   password=unquote(parts.password) if parts.password is not None else None,
                   dbname=(parts.path or "/").lstrip("/") or "postgres", psql=psql)

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def describe(self) -> str:
        return f"server {self.host}:{self.port} (user {self.user})"

    def sql(self, query: str, *, dbname: str | None = None, **_ignored) -> str:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        if self.password:
            env["PGPASSWORD"] = self.password
        proc = subprocess.run([str(self.psql), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.host,
                               "-p", str(self.port), "-U", self.user, "-d", dbname or self.dbname, "-c", query],
                              capture_output=True, text=True, env=env, timeout=300, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed ({proc.returncode}) for {query[:200]!r}:\n{proc.stderr}")
        return proc.stdout

    def rows(self, query: str, **kwargs) -> list[list]:
        return _rows(self.sql(_row_query(query), **kwargs))

    def create_database(self, name: str) -> str:
        self.sql(f"CREATE DATABASE {check_db_name(name)};")
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {check_db_name(name)} WITH (FORCE);")

    def connector_config(self, dbname: str) -> dict:
        return {"host": self.host, "port": self.port, "user": self.user, "password": self.password,
                "database": dbname}

    def remove(self) -> None:  # not ours to remove
        pass
