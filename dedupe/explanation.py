"""Why two records were (or were not) merged: what ``aggregator explain`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("title", "company", "description", "place", "salary", "date")


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    """Field scores (0..1, None when a side lacks the field), total, decision and its rule.

    ``rule`` names what decided: ``veto:<field>`` for a hard incompatibility, an exact rule
    (``same_source_id``, ``same_url``), a gate (``title_differs``...) or ``score``.
    """

    left: str
    right: str
    fields: dict[str, float | None]
    total: float
    match: bool
    rule: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def decision(self) -> str:
        """``"match"`` or ``"no match"``."""
        return "match" if self.match else "no match"

    @property
    def vetoed(self) -> bool:
        """True when a hard incompatibility (not a low score) decided."""
        return self.rule.startswith("veto:")

    def render(self) -> str:
        """Human-readable explanation, one field per line."""
        lines = [f"{self.left}  vs  {self.right}", f"decision: {self.decision} ({self.rule})"]
        for name in FIELDS:
            value = self.fields.get(name)
            shown = "   n/a" if value is None else f"{value:6.3f}"
            lines.append(f"  {name:<12}{shown}")
        lines.append(f"  {'total':<12}{self.total:6.3f}")
        lines.extend(f"  - {reason}" for reason in self.reasons)
        return "\n".join(lines)
