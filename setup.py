"""Ship the rule table (``rules/``) and the canonical WIT packages (``wit/``) inside the wheel.

They stay at the top of the checkout, where people edit them; a regular (non-editable) build copies
them to ``rbmigrate/_data/`` in the wheel, where :mod:`rbmigrate.resources` finds them. An editable
install reads them from the checkout instead. Everything else is configured in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("rules", "wit")


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install uses the checkout's own rules/ and wit/
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "rbmigrate" / "_data"
        for name in DATA:
            if (target / name).exists():
                shutil.rmtree(target / name)
            shutil.copytree(here / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_data})
