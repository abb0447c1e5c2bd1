"""Evidence the room can check: every rule carries public cases, and the public-cases sample is clean."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import SAMPLES

from core.judge import reasons
from core.loader import load_roadmap

RULES = [("flags", name) for name in ("data", "treadmill", "maintenance", "talent")] + [
    ("justifications", name) for name in ("domain", "scale", "regulatory")
]


def _is_https_link(url: object) -> bool:
    parts = urlparse(str(url).strip())
    return parts.scheme == "https" and "." in parts.netloc and " " not in str(url).strip()


@pytest.mark.parametrize(("group", "name"), RULES)
def test_every_rule_carries_at_least_one_documented_case(group, name):
    cases = reasons()[group][name].get("cases")
    assert cases, f"{group}.{name} has no cases"
    for case in cases:
        assert set(case) == {"title", "url", "showed"}, case
        assert str(case["title"]).strip()
        assert _is_https_link(case["url"]), case["url"]
        # One sentence in our own words: it ends like a sentence and is not a bare title.
        showed = " ".join(str(case["showed"]).split())
        assert len(showed.split()) >= 8 and showed.endswith("."), showed


def test_no_case_is_listed_twice_under_the_same_rule():
    for group, name in RULES:
        urls = [c["url"] for c in reasons()[group][name]["cases"]]
        assert len(urls) == len(set(urls)), f"{group}.{name}"


def test_public_cases_sample_loads_every_row_with_a_source():
    roadmap = load_roadmap(SAMPLES / "public_cases.csv")
    projects = roadmap.projects
    assert roadmap.report.rejected.empty
    assert roadmap.report.warnings.empty
    assert len(projects) >= 8
    assert projects["project_id"].is_unique
    assert projects["source"].map(_is_https_link).all(), projects.loc[~projects["source"].map(_is_https_link),
                                                                      "source"].tolist()
