"""Integrations: the GitHub composite action (action.yml), run step by step as the runner would, and the
pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself against a temporary repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS_INPUT = ROOT / "testdata" / "docs" / "input"
WIT_SPLIT = ROOT / "testdata" / "wit" / "split" / "input"
BIN = Path(sys.executable).parent
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def v3_repository(path: Path) -> Path:
    """A git repository holding a v3 WIT package and protocol docs."""
    shutil.copytree(WIT_SPLIT, path / "wit")
    shutil.copytree(DOCS_INPUT / "platform", path, dirs_exist_ok=True)
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "v3")
    return path


# ====================================================================== the composite action


class Runner:
    """Runs a composite action's steps as the GitHub runner does: expressions substituted, `if:` evaluated,
    `run:` steps through bash with the documented environment, `uses:` steps recorded (not fetched)."""

    def __init__(self, action: dict, inputs: dict[str, str], workspace: Path, temp: Path):
        self.action = action
        self.inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
        self.inputs.update(inputs)
        self.workspace, self.temp = workspace, temp
        self.summary = temp / "step_summary.md"
        self.summary.write_text("")
        self.outputs: dict[str, dict[str, str]] = {}
        self.logs: dict[str, str] = {}
        self.uses: list[tuple[str, dict]] = []
        self.failed: str | None = None

    def value(self, expr: str) -> str:
        expr = expr.strip()
        if expr.startswith("inputs."):
            return self.inputs[expr[len("inputs."):]]
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        if m := re.fullmatch(r"'([^']*)'", expr):
            return m.group(1)
        return {"github.action_path": str(ROOT), "github.workspace": str(self.workspace),
                "runner.temp": str(self.temp)}[expr]

    def substitute(self, text: str) -> str:
        return _EXPR.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, expr: str | None) -> bool:
        if expr is None:
            return self.failed is None
        expr = _EXPR.sub(lambda m: m.group(1), str(expr)).strip()
        if expr == "always()":
            return True
        m = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", expr)
        assert m, f"unsupported condition {expr!r}"
        left, right = self.value(m.group(1)), self.value(m.group(3))
        return self.failed is None and ((left == right) if m.group(2) == "==" else (left != right))

    def run(self) -> None:
        for index, step in enumerate(self.action["runs"]["steps"]):
            key = step.get("id", f"step{index}")
            if not self.condition(step.get("if")):
                continue
            if "uses" in step:
                self.uses.append((step["uses"], {k: self.substitute(str(v)) for k, v in step.get("with", {}).items()}))
                continue
            output = self.temp / f"output-{key}"
            output.write_text("")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
            env.update({
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                "CI": "true", "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_OUTPUT": str(output),
                "RUNNER_TEMP": str(self.temp),
            })
            env.update({k: self.substitute(str(v)) for k, v in step.get("env", {}).items()})
            cwd = self.substitute(step.get("working-directory", str(self.workspace)))
            assert step.get("shell") == "bash"
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", self.substitute(step["run"])],
                                  cwd=cwd, env=env, capture_output=True, text=True)
            self.logs[key] = proc.stdout + proc.stderr
            self.outputs[key] = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
            if proc.returncode != 0:
                self.failed = key
                self.outputs[key]["__exit__"] = str(proc.returncode)


def load_action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_declares_its_interface():
    action = load_action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"paths", "args", "fail", "artifact-name", "install"}
    assert set(action["outputs"]) == {"exit-code", "changed-files", "findings", "patch"}
    steps = action["runs"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)
    for step in steps:  # inputs reach scripts through env, never pasted into the script
        assert "${{" not in step.get("run", ""), step.get("name")


def test_action_on_a_v3_repository(tmp_path):
    workspace = v3_repository(tmp_path / "ws")
    temp = tmp_path / "runner"
    temp.mkdir()
    runner = Runner(load_action(), {"install": "none", "args": "--exclude 'README.md'"}, workspace, temp)
    runner.run()

    assert runner.failed == "step4", runner.logs  # the last step fails the job: changes are pending
    check = runner.outputs["check"]
    assert check["exit-code"] == "1"
    assert int(check["changed-files"]) == 5  # wit/host.wit, roles.wit, types.wit, worlds.wit, docs/protocol.md
    assert int(check["findings"]) > 5
    # annotations: findings and pending rewrites as workflow commands
    log = runner.logs["check"]
    assert re.search(r"^::error file=docs/protocol\.md,line=\d+,col=1,title=RB913::describes the v3 lifecycle", log, re.M)
    assert re.search(r"^::warning file=wit/host\.wit,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=RB101::v3 usage", log, re.M)
    assert "README.md" not in log  # --exclude from `args`, split like a shell
    # the job summary holds the Markdown report
    summary = runner.summary.read_text()
    assert summary.startswith("## rbmigrate would migrate 5 files")
    assert "| Severity | Rule | Location | Message | Manual step |" in summary
    # the artifact step gets the patch, and the patch is what `rbmigrate apply` would write
    (uses, with_), = [u for u in runner.uses if u[0].startswith("actions/upload-artifact@")]
    assert with_["name"] == "rbmigrate-patch" and with_["path"] == check["patch"]
    patch = Path(check["patch"])
    assert patch.is_file() and patch.parent == temp / "rbmigrate"
    git(workspace, "apply", str(patch))
    applied = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file() and ".git" not in p.parts}
    git(workspace, "checkout", "--", ".")
    subprocess.run([BIN / "rbmigrate", "apply", "--exclude", "README.md", "."], cwd=workspace, check=True,
                   capture_output=True)
    assert applied == {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_action_on_a_migrated_repository(tmp_path):
    workspace = v3_repository(tmp_path / "ws")
    subprocess.run([BIN / "rbmigrate", "apply", "."], cwd=workspace, check=True, capture_output=True)
    git(workspace, "commit", "-qam", "v4")
    temp = tmp_path / "runner"
    temp.mkdir()
    runner = Runner(load_action(), {"install": "none", "paths": "wit"}, workspace, temp)
    runner.run()
    assert runner.failed is None, runner.logs
    assert runner.outputs["check"]["exit-code"] == "0"
    assert runner.outputs["check"]["changed-files"] == "0"
    assert not [u for u in runner.uses if u[0].startswith("actions/upload-artifact@")]  # nothing to upload
    assert runner.summary.read_text().startswith("## rbmigrate would migrate 0 files")


def test_action_installs_from_its_own_checkout_by_default():
    action = load_action()
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install rbmigrate")
    assert install["env"]["RBMIGRATE_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet "${RBMIGRATE_INSTALL:-$RBMIGRATE_ACTION_PATH}"' in install["run"]
    setup = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["if"] == "inputs.install != 'none'"


# ====================================================================== pre-commit


def test_hook_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["rbmigrate-check"]["entry"] == "rbmigrate apply --check"
    assert hooks["rbmigrate"]["entry"].startswith("rbmigrate apply")
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "docs/protocol.md") and re.search(hook["files"], "connectors/x/Cargo.toml")
        assert not re.search(hook["files"], "image.png")


@pytest.mark.slow
def test_pre_commit_runs_the_hooks(tmp_path):
    """`pre-commit try-repo` clones this checkout, pip-installs it into its own environment and runs the hook."""
    repo = v3_repository(tmp_path / "repo")
    home = tmp_path / "pre-commit-home"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def pre_commit(*hook: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), *hook, "--all-files"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    try:
        check = pre_commit("rbmigrate-check")
        assert check.returncode == 1, check.stdout + check.stderr
        assert "would migrate docs/protocol.md" in check.stdout and "would migrate wit/host.wit" in check.stdout
        # every hook of the manifest (pre-commit orders them by id): the migration, then the check
        both = pre_commit()
        assert both.returncode == 1, both.stdout + both.stderr
        migrate, after = both.stdout.split("rbmigrate (check for protocol v3)")
        assert "files were modified by this hook" in migrate
        assert after.lstrip(".").startswith("Passed")
        assert "package rapidbyte:connector@4.0.0;" in (repo / "wit" / "types.wit").read_text()
        assert "`batch-emit(handle: u64)" in (repo / "docs" / "protocol.md").read_text()
    finally:
        shutil.rmtree(home, ignore_errors=True)
