"""The WIT language adapter: lossless parser + recipes §1, planned per package."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ...inputs import depends_on
from ...model import FileError, FileResult, Finding, Severity
from ..base import Adapter, FileContext, ParseError, UnitContext
from .errors import WitSyntaxError
from .migrate import (
    PKG_ID,
    V3_VERSION,
    V4_VERSION,
    PackagePlanner,
    Plan,
    ThirdPartyPlanner,
    WitFile,
    package_version,
    v4_findings,
)
from .parser import parse_wit
from .resolve import check_wit

_SHARED = "wit"


class WitAdapter(Adapter):
    name = "wit"

    def prefilter(self, data: bytes) -> bool:
        """Only text that can hold v3: a non-v4 package reference, a v3-only name, or a v3 interface
        named where WIT names interfaces. A migrated (v4) file matches none of these."""
        from ...ruletable import default_table

        return _prefilter(default_table()).search(data) is not None

    def parse(self, data: bytes, ctx: FileContext):
        try:
            return parse_wit(data, ctx.display)
        except WitSyntaxError as exc:
            raise ParseError(ctx.display, exc.line, exc.col, f"expected {exc.expected}, found {exc.found}") from None

    # --- planning is per package (folder), so it happens in prepare_unit ---

    def prepare_unit(self, files: list[tuple[FileContext, bytes]], unit: UnitContext) -> None:
        from ...ruletable import default_table

        table = unit.rules or default_table()
        plan = Plan(table)
        state = unit.shared.setdefault(_SHARED, {"plan": plan, "packages": [], "paths": {}})
        state["paths"].update({fctx.display: fctx.path for fctx, _ in files})
        groups: dict[Path, list[tuple[FileContext, WitFile]]] = {}
        for fctx, data in files:
            tree = fctx.tree if fctx.tree is not None else self.parse(data, fctx)
            wf = WitFile(key=fctx.display, data=data, tree=tree, newline=tree.newline)
            folder = fctx.path.parent
            key = fctx.path if folder.name == "deps" else folder  # each file in deps/ is its own package
            groups.setdefault(key, []).append((fctx, wf))
        for key, members in groups.items():
            self._plan_group(key, members, unit, table, plan, state)

    def _plan_group(self, key, members, unit: UnitContext, table, plan: Plan, state: dict) -> None:
        versions = {package_version(wf.tree) for _, wf in members} - {None}
        ours = {v for v in versions if v[0] == PKG_ID}
        wfs = [wf for _, wf in members]
        if ours and len(versions) > 1:
            first = members[0][1]
            plan.find(first, 0, "RB909", Severity.ERROR,
                      f"files of this package declare different packages: {sorted(map('@'.join, versions))}",
                      "Make every file of the package declare the same package.")
            return
        if ours:
            (_, version), = ours
            if version == V3_VERSION:
                if self._vendored(members, unit):
                    return
                PackagePlanner(wfs, table, plan).run()
                state["packages"].append((key, [fctx for fctx, _ in members]))
            elif version == V4_VERSION:
                for wf in wfs:
                    v4_findings(wf, table, plan)
            else:
                for fctx, wf in members:
                    decl = wf.tree.package
                    if decl is not None:
                        plan.find(wf, decl.start, "RB909", Severity.ERROR,
                                  f"package {PKG_ID}@{version} is neither v3 nor v4; left untouched",
                                  "Migrate it to 3.0.0 first, or update it by hand.")
            return
        for wf in wfs:
            ThirdPartyPlanner(wf, table, plan).run()
        if any(plan.has_edits(wf) for wf in wfs):
            state["packages"].append((key, [fctx for fctx, _ in members]))

    def _vendored(self, members, unit: UnitContext) -> bool:
        """A connector's vendored single-file `wit/` copy is replaced by the canonical v4 package (RB604).

        The `wit/` folder at the root of a Cargo workspace is the platform's own package (the protocol
        repository defines it): it is migrated like any package, keeping its comments."""
        if unit.kind in ("wit-package", "directory", "cargo-workspace") or len(members) != 1:
            return False
        fctx, wf = members[0]
        if fctx.path.parent.name != "wit" or fctx.path.parent.parent != unit.root:
            return False
        state = unit.shared[_SHARED]
        new = unit.rules.wit("v4").source
        state["plan"].edit(wf, 0, len(wf.data), new, "RB604")
        return True

    def plan(self, tree, data: bytes, ctx: FileContext):
        state = ctx.unit.shared.get(_SHARED)
        if state is None:
            return [], []
        plan: Plan = state["plan"]
        return plan.result(ctx.display)

    def validate(self, data: bytes, ctx: FileContext) -> list[Finding]:
        self.parse(data, ctx)
        return []

    def validate_unit(self, results: list[FileResult], unit: UnitContext) -> list[FileError]:
        """wasm-tools must accept every migrated package; otherwise none of its files is written."""
        state = unit.shared.get(_SHARED)
        if not state:
            return []
        by_key = {r.path: r for r in results}
        failed = [r for r in results if r.error is not None]
        errors: list[FileError] = []
        for key, fctxs in state["packages"]:
            members = [(fctx, by_key.get(fctx.display)) for fctx in fctxs]
            folder = fctxs[0].path.parent
            broken = [r for _, r in members if r is not None and r.error is not None]
            broken += [r for r in failed if key.is_dir() and _in_folder(r.path, fctxs[0], folder)]
            if broken:
                for _, r in members:
                    if r is not None and r.error is None and r.changed:
                        r.error = FileError(path=r.path, kind="validate",
                                            message=f"package not migrated: {broken[0].path} could not be migrated")
                continue
            if not any(r is not None and r.changed for _, r in members):
                continue
            changed = {state["paths"][r.path]: r.after for r in results if r.changed and r.path in state["paths"]}
            message = _check_package(key, changed, unit.rules.wit("v4").source)
            if message:
                for _, r in members:
                    if r is not None and r.changed:
                        r.error = FileError(path=r.path, kind="validate",
                                            message=f"wasm-tools rejects the migrated package; left untouched: {message}")
        return errors


def _in_folder(shown: str, sample, folder: Path) -> bool:
    """Whether a file (by its shown path) lies directly in ``folder`` (same display base as ``sample``)."""
    shown_parent = Path(shown).parent
    sample_parent = Path(sample.display).parent
    return shown_parent == sample_parent


def _check_package(key: Path, changed: dict[Path, bytes], canonical: bytes) -> str | None:
    """Run wasm-tools on a temporary copy of the package folder with the migrated files in place."""
    folder = key if key.is_dir() else key.parent
    if key.is_dir():  # every file of the folder goes to wasm-tools (the result cache must know them)
        for sub, dirs, names in os.walk(folder):
            depends_on(sub, *(os.path.join(sub, n) for n in names))
    else:
        depends_on(key)
    with tempfile.TemporaryDirectory(prefix="rbmigrate-wit-") as tmp:
        work = Path(tmp) / "pkg"
        if key.is_dir():
            shutil.copytree(folder, work, ignore=shutil.ignore_patterns("*.wasm"))
        else:
            work.mkdir()
            shutil.copy2(key, work / key.name)
        for real, after in changed.items():
            if real == key or (key.is_dir() and real.is_relative_to(folder)):
                target = work / (real.name if not key.is_dir() else real.relative_to(folder))
                if target.parent.exists():
                    target.write_bytes(after)
        deps = work / "deps"
        message = check_wit(work)
        if message and "rapidbyte:connector" in message and not (deps / "rapidbyte-connector").exists():
            # a third-party package: give it the canonical v4 package as its dependency
            (deps / "rapidbyte-connector").mkdir(parents=True, exist_ok=True)
            (deps / "rapidbyte-connector" / "rapidbyte-connector.wit").write_bytes(canonical)
            message = check_wit(work)
        return message


_PREFILTERS: dict[int, tuple[object, re.Pattern]] = {}


def _prefilter(table) -> re.Pattern:
    hit = _PREFILTERS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    from .migrate import maps_for

    def alternatives(words) -> bytes:
        return b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))

    v3_only = maps_for(table).v3_only
    interfaces = table.interface_renames
    pattern = re.compile(
        rb"rapidbyte:connector(?:/[a-z0-9-]+)?@(?!4\.0\.0(?![\w+-]|\.\w))"  # any package reference but @4.0.0
        rb"|(?<![\w%-])%?(?:" + alternatives(v3_only) + rb")(?![\w-])"  # a name only v3 has
        rb"|\b(?:interface|import|export|use)\s+%?(?:" + alternatives(interfaces) + rb")(?![\w-])"
    )
    _PREFILTERS[id(table)] = (table, pattern)
    return pattern
