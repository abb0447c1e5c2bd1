"""Assumptions and thresholds: the shipped defaults (YAML with sources) and validated overrides."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from core import limits

DATA_DIR = Path(__file__).parent / "data"


def load_yaml(text: str | bytes) -> object:
    """YAML with the safe loader only (never arbitrary objects); the C build of it when present."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders only


class ConfigError(ValueError):
    """An override file or value that cannot be used; the message names the key."""


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, counting aliases and nesting as the document is composed.

    YAML aliases let a few hundred bytes stand for gigabytes (nine levels of nine aliases each make
    387 million items), and PyYAML has no switch for either bound, so the composer is wrapped here. The
    pure-Python loader is used because the C one composes in C, out of reach; an assumptions file is
    a few kilobytes, so its speed does not matter.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > limits.MAX_YAML_ALIASES.value:
                raise ConfigError(f"The assumptions file uses more than {limits.MAX_YAML_ALIASES.value:,} aliases "
                                  f"(*name), the limit set by {limits.MAX_YAML_ALIASES.env}; write the values out.")
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH.value:
                raise ConfigError(f"The assumptions file nests more than {limits.MAX_YAML_DEPTH.value:,} levels deep, "
                                  f"the limit set by {limits.MAX_YAML_DEPTH.env}; write one key: value per line.")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _excerpt(value: object, limit: int = 40) -> str:
    """A value as shown in an error sentence: short, whatever its size (reprlib stops early on big nests)."""
    if isinstance(value, str):
        text = " ".join(value[: limit + 1].split())
        return text if len(text) <= limit else text[: limit - 1] + "…"
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict = 2, 4, 4
    short.maxstring = short.maxother = short.maxlong = limit
    text = " ".join(short.repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        return f"'{_excerpt(key)}' is not a known assumption; see the Assumptions list for valid keys."
    p = params().get(key)
    if p is not None and p.choices:
        return f"'{key}' must be one of {', '.join(p.choices)} (got {_excerpt(err.get('input'))})."
    if p is not None:
        kind = "a whole number" if p.integer else "a number"
        return f"'{key}' must be {kind} between {p.min:g} and {p.max:g} (got {_excerpt(err.get('input'))})."
    return f"'{_excerpt(key)}': {_excerpt(err['msg'], 120)}."


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
    """Read an override YAML (safe loader only, bounded in size, aliases and depth) into assumptions."""
    if len(text) > limits.MAX_YAML_BYTES.value:
        raise ConfigError(limits.over(limits.MAX_YAML_BYTES, f"The assumptions file holds {len(text):,} bytes",
                                      advice="keep only the assumptions you change"))
    try:
        data = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.constructor.ConstructorError as exc:
        if "unhashable" in str(exc.problem):
            raise ConfigError(_KEY_MESSAGE.format(found="a list or mapping")) from None
        raise ConfigError("The assumptions file holds a value YAML cannot build safely (a tag such as !!python); "
                          "write plain numbers and words.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"The assumptions file is not valid YAML{where}.") from None
    except ValueError as exc:
        if "digits" in str(exc):  # Python refuses to read integers of more than 4,300 digits
            raise ConfigError("The assumptions file holds a number with thousands of digits; "
                              "no assumption is that large.") from None
        raise
    except RecursionError:
        raise ConfigError("The assumptions file nests too deeply to be read.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("The assumptions file must be a mapping of key: value lines.")
    # Accept the nested form we write (group -> key -> value) as well as the flat one.
    flat: dict[str, Any] = {}
    for key, value in data.items():
        _check_key(key)
        if isinstance(value, dict) and key not in params():
            for inner in value:
                _check_key(inner)
            flat.update(value)
        else:
            flat[key] = value
    return make(flat, base)


_KEY_MESSAGE = "Every key in the assumptions file must be a name such as horizon_years; one is {found}."


def _check_key(key: object) -> None:
    if isinstance(key, str):
        return
    if isinstance(key, bool) or key is None:
        found = f"the word {str(key).lower()}"
    elif isinstance(key, (int, float)):
        found = f"the number {_excerpt(key)}"
    else:
        found = f"a {type(key).__name__} value"
    raise ConfigError(_KEY_MESSAGE.format(found=found))


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
