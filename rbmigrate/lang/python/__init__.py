"""Python language adapter (componentize-py guests) on libcst.

Layout: ``adapter`` (the :class:`~rbmigrate.lang.base.Adapter`), ``migrate``
(one file through the transforms), one module per concern: ``resolve``
(scope/qualified-name resolution), ``imports``, ``exports``, ``hostcalls``,
``payloads``, ``records``, ``streamctx``, ``strings``; ``spans`` turns the
recorded changes into byte-span edits. ``names`` derives every spelling from
the rule table and ``wit/``; ``tables`` holds the v3 conventions with no WIT
origin. libcst is imported only when a file is planned.
"""

from .adapter import PythonAdapter

__all__ = ["PythonAdapter"]
