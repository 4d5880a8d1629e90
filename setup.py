"""Packaging glue: a regular (non-editable) install ships the rule table and the canonical WIT.

``rbmigrate.resources.data_root`` reads ``rules/`` and ``wit/`` from the checkout in an
editable install, and from ``rbmigrate/_data/`` otherwise (a wheel, ``pip install .``, the
environment pre-commit builds for the hooks). Everything else is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = ("rules", "wit")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "rbmigrate" / "_data"
        for name in DATA:
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
