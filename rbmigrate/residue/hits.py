"""What a scanner returns: one v3 spelling found at a place in the text."""

from __future__ import annotations

from dataclasses import dataclass

from .spellings import V3Name


@dataclass(frozen=True, slots=True)
class Hit:
    """A v3 spelling at characters ``[start, end)`` of the scanned text."""

    start: int
    end: int
    name: V3Name
    shown: str  # the text as written (``wit_world.imports.host``, ``"3"``)
    binds: tuple[str, ...] = ()  # an import: the local names it binds (see ``Hits.uses``)


class Hits:
    """Collects hits, one per start offset (the first, most specific one wins)."""

    def __init__(self, offset: int = 0):
        self.offset = offset
        self.by_start: dict[int, Hit] = {}
        # local name -> start offsets of its uses in code; an import hit whose names are
        # used on a line a blocking finding covers is kept for that use, and covered too
        self.uses: dict[str, list[int]] = {}

    def add(self, start: int, end: int, name: V3Name, shown: str | None = None, text: str = "",
            binds: tuple[str, ...] = ()) -> None:
        start += self.offset
        end += self.offset
        if start not in self.by_start:
            self.by_start[start] = Hit(start, end, name, shown if shown is not None else (text or name.text), binds)

    def use(self, name: str, start: int) -> None:
        self.uses.setdefault(name, []).append(start + self.offset)

    def extend(self, hits: "Hits | list[Hit]") -> None:
        for hit in (hits.sorted() if isinstance(hits, Hits) else hits):
            self.by_start.setdefault(hit.start, hit)
        if isinstance(hits, Hits):
            for name, starts in hits.uses.items():
                self.uses.setdefault(name, []).extend(starts)

    def sorted(self) -> list[Hit]:
        return [self.by_start[k] for k in sorted(self.by_start)]
