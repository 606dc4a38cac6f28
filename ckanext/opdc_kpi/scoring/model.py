"""The scoring core's value types, and every [interpretation] of the KPI rules
in one named place (``Rules``)."""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from fractions import Fraction
from typing import Any, Mapping

from ckanext.opdc_kpi.scoring.formats import DEFAULT_FORMAT_MAP, parse_format_map

__all__ = [
    "Problem", "Reason", "Criterion", "Openness", "Rules",
    "DEFAULT_FORMAT_MAP", "parse_format_map", "round_points",
]


@dataclass(frozen=True)
class Problem:
    """Why a field is not "given and valid".

    ``field`` is the dataset key the problem belongs to (``resources`` for a
    resource's field); ``code`` is stable (see ``messages``); ``params`` are
    JSON-able values for the message. ``params["field"]`` names the field
    whose label the message shows.
    """

    field: str
    code: str
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.field, self.code, repr(sorted(dict(self.params).items(), key=repr))))


@dataclass(frozen=True)
class Reason:
    """Why a part passed or failed, or why a criterion has its tier."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Criterion:
    """One openness criterion (access, granularity, format) of one dataset."""

    tier: int
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "reason": self.reason.as_dict()}


@dataclass(frozen=True)
class Openness:
    """The openness of one public-category dataset (kpi-rules.md)."""

    tier: int
    published: bool
    structured: bool
    access: Criterion
    granularity: Criterion | None
    format: Criterion | None
    reason: Reason

    @property
    def points(self) -> Fraction:
        """6 for tier ≥ 1, 6 more for tier ≥ 2, 8 more for tier 3."""
        return Fraction(6 * (self.tier >= 1) + 6 * (self.tier >= 2) + 8 * (self.tier >= 3))

    def as_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "points": round_points(self.points),
            "structured": self.structured,
            "published": self.published,
            "reason": self.reason.as_dict(),
            "criteria": {
                "access": self.access.as_dict(),
                "granularity": self.granularity.as_dict() if self.granularity else None,
                "format": self.format.as_dict() if self.format else None,
            },
        }


STRUCTURED_TIERS = ("min", "max")
OPENNESS_SCOPES = ("basket", "catalog")


@dataclass(frozen=True)
class Rules:
    """Every choice the KPI rules leave to this extension ([interpretation] in
    kpi-rules.md), each changeable by its declared config key.

    ``report_parts_when_basic_fails`` (``ckanext.opdc_kpi.report_parts_when_basic_fails``,
    default true): when the basic level fails the score is 0; the standard
    and advanced parts still report their computed points (true) or 0 (false).

    ``format_map`` (``ckanext.opdc_kpi.format_map``, text like
    ``"CSV:3 XLS:2 PDF:1"`` read with ``parse_format_map``; empty: the default
    map ``DEFAULT_FORMAT_MAP``): the openness format tier of each resource
    format, matched case-insensitively after normalising MIME types and
    labels; formats not in the map are tier 0. A dataset is structured when
    some resource's format is tier 2 or 3.

    ``structured_tier`` (``ckanext.opdc_kpi.structured_tier``: ``min`` |
    ``max``, default min): a structured dataset's tier from its access,
    granularity and format tiers, the lowest (min) or the highest (max).

    ``openness_scope`` (``ckanext.opdc_kpi.openness_scope``: ``basket`` |
    ``catalog``, default basket): the 20 openness points are the mean over
    the public-category datasets of the year's basket, or over all the
    organization's active public-category datasets.
    """

    report_parts_when_basic_fails: bool = True
    format_map: Mapping[str, int] = dataclass_field(default_factory=lambda: DEFAULT_FORMAT_MAP)
    structured_tier: str = "min"
    openness_scope: str = "basket"

    def __post_init__(self) -> None:
        if self.report_parts_when_basic_fails is None:
            object.__setattr__(self, "report_parts_when_basic_fails", True)
        fmap = self.format_map
        if fmap is None or (isinstance(fmap, str) and not fmap.strip()):
            fmap = DEFAULT_FORMAT_MAP
        elif isinstance(fmap, str):
            fmap = parse_format_map(fmap)
        object.__setattr__(self, "format_map", fmap)
        tier = (self.structured_tier or "min").strip().lower()
        if tier not in STRUCTURED_TIERS:
            raise ValueError(f"structured_tier must be one of {STRUCTURED_TIERS}, not {tier!r}")
        object.__setattr__(self, "structured_tier", tier)
        scope = (self.openness_scope or "basket").strip().lower()
        if scope not in OPENNESS_SCOPES:
            raise ValueError(f"openness_scope must be one of {OPENNESS_SCOPES}, not {scope!r}")
        object.__setattr__(self, "openness_scope", scope)


def round_points(value: Fraction | int, places: int = 2) -> float:
    """``value`` rounded half-up (away from zero) to ``places`` decimals, as a float."""
    exact = Fraction(value)
    scale = 10 ** places
    sign = -1 if exact < 0 else 1
    scaled = abs(exact) * scale
    rounded = int(scaled + Fraction(1, 2))   # floor(x + 1/2) for x >= 0
    return float(Fraction(sign * rounded, scale))
