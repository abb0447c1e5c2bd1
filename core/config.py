"""Assumptions and thresholds: the shipped defaults (YAML with sources) and validated overrides."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

DATA_DIR = Path(__file__).parent / "data"


def load_yaml(text: str | bytes) -> object:
    """YAML with the safe loader only (never arbitrary objects); the C build of it when present."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders only


class ConfigError(ValueError):
    """An override file or value that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Param:
    """One assumption as documented in assumptions.yaml."""

    key: str
    group: str
    label: str
    value: Any
    unit: str = ""
    source: str = ""
    min: float | None = None
    max: float | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def params() -> dict[str, Param]:
    """Every documented assumption, keyed by its override key, in document order."""
    raw = load_yaml((DATA_DIR / "assumptions.yaml").read_text(encoding="utf-8"))
    out: dict[str, Param] = {}
    for group, entries in raw["groups"].items():
        for key, spec in entries.items():
            spec = dict(spec)
            spec["choices"] = tuple(spec.get("choices", ()))
            out[key] = Param(key=key, group=group, **spec)
    return out


class Assumptions:
    """Validated assumption values, read as attributes (cfg.horizon_years); read-only.

    A plain holder rather than the pydantic model itself, so that the command line scoring a file
    with the shipped defaults never pays for importing pydantic; any override goes through it.
    """

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("assumptions are read-only; use config.make() for a changed copy")

    def __reduce__(self) -> tuple:
        return (Assumptions, (self._values,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assumptions) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        return f"Assumptions({self._values!r})"

    def model_dump(self) -> dict[str, Any]:
        return dict(self._values)


def _field(p: Param) -> tuple[Any, Any]:
    from pydantic import Field

    if p.choices:
        return Literal[p.choices], Field(default=p.value)  # type: ignore[valid-type]
    kind = int if p.integer else float
    return kind, Field(default=p.value, ge=p.min, le=p.max)


@lru_cache(maxsize=1)
def _model() -> type:
    """The pydantic model that validates overrides, built from the YAML so names, bounds and defaults
    are written down once."""
    from pydantic import ConfigDict, create_model

    fields = {k: _field(p) for k, p in params().items()}
    return create_model(
        "Assumptions",
        __config__=ConfigDict(extra="forbid", frozen=True, strict=False),
        **fields,
    )




def defaults() -> Assumptions:
    """The shipped assumptions (tests check that the pydantic model accepts every one of them)."""
    return Assumptions({k: p.value for k, p in params().items()})


def _first_error(exc: Any) -> str:
    err = exc.errors()[0]
    key = ".".join(str(x) for x in err["loc"]) or "(file)"
    if err["type"] == "extra_forbidden":
        return f"'{key}' is not a known assumption; see the Assumptions list for valid keys."
    p = params().get(key)
    if p is not None and p.choices:
        return f"'{key}' must be one of {', '.join(p.choices)} (got {err.get('input')!r})."
    if p is not None:
        kind = "a whole number" if p.integer else "a number"
        return f"'{key}' must be {kind} between {p.min:g} and {p.max:g} (got {err.get('input')!r})."
    return f"'{key}': {err['msg']}."


def make(overrides: dict[str, Any] | None = None, base: Assumptions | None = None) -> Assumptions:
    """Defaults (or `base`) with `overrides` applied; raises ConfigError naming the bad key."""
    from pydantic import ValidationError

    values = (base or defaults()).model_dump()
    values.update(overrides or {})
    try:
        cfg = Assumptions(_model()(**values).model_dump())
    except ValidationError as exc:
        raise ConfigError(_first_error(exc)) from None
    weights = sum(getattr(cfg, f"weight_{f}") for f in FLAGS)
    if weights <= 0:
        raise ConfigError("The four flag weights add up to 0; at least one must be positive.")
    return cfg


def parse_yaml(text: str | bytes, base: Assumptions | None = None) -> Assumptions:
    """Read an override YAML (safe loader only) into assumptions."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"The assumptions file is not valid YAML{where}.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("The assumptions file must be a mapping of key: value lines.")
    # Accept the nested form we write (group -> key -> value) as well as the flat one.
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and str(key) not in params():
            flat.update(value)
        else:
            flat[str(key)] = value
    return make(flat, base)


def load(path: str | Path | None) -> Assumptions:
    """Assumptions from an override file, or the defaults when path is None."""
    if path is None:
        return defaults()
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc.strerror}.") from None
    return parse_yaml(text)


def to_yaml(cfg: Assumptions) -> str:
    """The assumptions as a grouped YAML file with each source as a comment."""
    lines = ["# AI Roadmap Review assumptions. Load with --config or on the Assumptions page."]
    values = cfg.model_dump()
    group = None
    for key, p in params().items():
        if p.group != group:
            group = p.group
            lines.append(f"{group.replace(' ', '_').lower()}:")
        lines.append(f"  # {p.label} ({p.unit}). Source: {p.source}" if p.unit else f"  # {p.label}. Source: {p.source}")
        lines.append(f"  {key}: {yaml.safe_dump(values[key]).splitlines()[0]}")
    return "\n".join(lines) + "\n"


def changed(cfg: Assumptions) -> dict[str, Any]:
    """The assumptions that differ from the defaults."""
    base = defaults().model_dump()
    return {k: v for k, v in cfg.model_dump().items() if base[k] != v}


FLAGS = ("data", "treadmill", "maintenance", "talent")
JUSTIFICATIONS = ("domain", "scale", "regulatory")
