"""Renderers: every output format reads the same :class:`rbmigrate.model.RunResult`."""
