"""core.render: vl-convert in a child process, so a renderer abort costs one chart, never the server."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from core import render


def _spec(label: str) -> str:
    data = pd.DataFrame({"team": [label], "projects": [1]})
    return alt.Chart(data).mark_bar().encode(y="team:N", x="projects:Q").to_json()


def test_charts_render_to_svg():
    (svg,) = render.to_svg([_spec("Risk")])
    assert svg.startswith("<svg") and "Risk" in svg


def test_a_chart_that_aborts_the_renderer_costs_only_itself():
    # A control character in a label makes vl-convert panic and abort its process (issue 9); in the child
    # that is one missing chart, and this test process, like the server, carries on.
    good, bad = _spec("Risk"), _spec("Risk\x01Team")
    out = render.to_svg([good, bad, good])
    assert out[0] is not None and out[2] is not None
    assert out[1] is None


def test_a_renderer_that_does_not_finish_in_time_gives_no_chart(monkeypatch):
    monkeypatch.setenv("AIRR_RENDER_TIMEOUT_S", "0")
    assert render.to_svg([_spec("Risk")]) == [None]


def test_a_chart_past_the_renderers_memory_limit_gives_no_chart_and_the_caller_carries_on(monkeypatch):
    big = json.dumps({"data": {"values": [{"x": i, "y": i} for i in range(20_000)]}, "mark": "point",
                      "encoding": {"x": {"field": "x", "type": "quantitative"},
                                   "y": {"field": "y", "type": "quantitative"}}})
    assert render.to_svg([big])[0] is not None  # drawn under the default limit
    monkeypatch.setenv("AIRR_RENDER_MEMORY_MB", "64")
    assert render.to_svg([big, _spec("Risk")]) == [None, None]


def test_nothing_to_draw_starts_no_process(monkeypatch):
    monkeypatch.setattr(render.subprocess, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    assert render.to_svg([]) == []


def test_charts_render_to_png_in_the_child():
    png, bad = render.to_png([_spec("Risk"), _spec("Risk\x01Team")])
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert bad is None
