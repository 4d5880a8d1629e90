"""A throwaway PostgreSQL cluster for tests (initdb + pg_ctl on a free loopback port).

The cluster logic lives in `rbmigrate.verify.pgcluster` (`rbmigrate verify` starts the same kind of
cluster); this module keeps the names the fixtures in conftest.py use.

Users (all superusers of the test cluster, so connectors can create and drop freely):
- `postgres`: trust (admin helper)
- `rb_trust`: trust, no password
- `rb_md5`: md5 (password stored as an md5 hash, so the server really runs the md5 exchange)
- `rb_scram`: scram-sha-256
The database `rbtest` exists; `PgCluster.create_database()` makes more.
"""

from __future__ import annotations

from rbmigrate.verify.pgcluster import (  # noqa: F401 - re-exported for conftest.py and the tests
    AUTH, PASSWORDS, PgCluster, PgUnavailable, find_bin_dir, free_port, start_cluster,
)
