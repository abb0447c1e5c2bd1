"""Which workspace a signed-in person belongs to: the AIRR_WORKSPACES setting, or `[workspaces]` in
.streamlit/secrets.toml, lists each workspace's e-mail domains and addresses. Without sign-in everyone who can
reach the server shares DEFAULT_WORKSPACE."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from core.schema import DEFAULT_WORKSPACE, MAX_WORKSPACE

ENV = "AIRR_WORKSPACES"


def parse(text: str) -> dict[str, list[str]]:
    """`acme=acme.com,dana@partner.org; globex=globex.com` -> {"acme": ["acme.com", "dana@partner.org"], ...}."""
    rules: dict[str, list[str]] = {}
    for part in text.split(";"):
        name, _, members = part.partition("=")
        name = " ".join(name.split())[:MAX_WORKSPACE]
        if name and members.strip():
            rules[name] = [m.strip().lower() for m in members.split(",") if m.strip()]
    return rules


def rules(secrets_file: Path | None = None) -> dict[str, list[str]]:
    """The workspaces setting: AIRR_WORKSPACES, else `[workspaces]` in the secrets file (name = [members])."""
    if os.environ.get(ENV, "").strip():
        return parse(os.environ[ENV])
    if secrets_file is not None and secrets_file.is_file():
        try:
            found = tomllib.loads(secrets_file.read_text(encoding="utf-8")).get("workspaces", {})
        except (OSError, tomllib.TOMLDecodeError):
            return {}
        if isinstance(found, dict):
            return {str(k)[:MAX_WORKSPACE]: [str(m).strip().lower() for m in v] for k, v in found.items()
                    if isinstance(v, list)}
    return {}


def workspace_for(email: str, listed: dict[str, list[str]]) -> str:
    """The workspace of a signed-in e-mail: the one listing the address itself, else the one listing its domain,
    else a workspace of its own (the address), so nobody unlisted sees anyone else's reviews."""
    address = email.strip().lower()
    if not address:
        return DEFAULT_WORKSPACE
    domain = address.rpartition("@")[2]
    for name, members in listed.items():
        if address in members:
            return name
    for name, members in listed.items():
        if domain in members:
            return name
    return f"user:{address}"[:MAX_WORKSPACE]
