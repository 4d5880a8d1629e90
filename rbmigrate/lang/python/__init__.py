"""Python language adapter (componentize-py guests) on libcst.

Layout: ``adapter`` (the :class:`~rbmigrate.lang.base.Adapter`), ``migrate``
(one file through the transforms) and one module per concern, sharing a
:class:`~.context.MigrationContext`: ``resolve`` (scope / qualified-name
resolution of the bindings), ``imports``, ``exports``, ``hostcalls``,
``payloads``, ``helpers`` (payload helper functions), ``codes`` (integer codes: literals, module constants,
literal dicts), ``v4calls`` (v4 calls in their v3 shape, RB917), ``records``, ``streamctx``, ``strings``,
``leftovers``; ``typecheck`` (mypy against the v4 bindings, RB918); ``spans``
turns the recorded changes into byte-span edits. ``names`` and ``words`` derive
every spelling from the rule table and ``wit/``; ``tables`` holds the v3
conventions with no WIT origin. libcst is imported only when a file is parsed.
"""

from .adapter import PythonAdapter

__all__ = ["PythonAdapter"]
