"""Minutes that read as minutes: date, portfolio, attendees and scenario; a summary with money; decisions grouped by
decision with their savings and reasons; actions with owners and due dates; projects that came back; open items.

Written as Markdown (safe to paste anywhere: no roadmap text becomes markup or a link) and as a printable HTML page.
Markdown escaping is by context: only what could start markup where it stands is escaped, so dates, times and
words read as typed in the raw file ("2026-12-06 03:16", "snake_case"), not "2026\\-12\\-06 03\\:16".
"""

from __future__ import annotations

import html
import re

import pandas as pd

from core import board, labels, text
from core.numbers import BLANK, counted, is_blank, money, money_column

# Group order in the minutes: what stops a build first, undecided last (under open items).
ORDER = ("kill", "rescope", "needs-evidence", "defer", "keep")

# Characters that start inline markup anywhere in a line (code, emphasis, links, HTML, strikethrough), and a "$"
# that could open math ("$x$"); "$5" cannot (a math span's "$" is not followed by a digit), so money reads as typed.
_ALWAYS = re.compile(r"([\\`*\[\]<~]|\$(?!\d))")
# "_" makes emphasis only at a word's edge (CommonMark: intraword underscores are literal): snake_case stays.
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# An entity reference ("&amp;", "&#60;") would be decoded; a lone "&" is literal.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# An emoji shortcode (":rocket:") on renderers that have them; times ("03:16:03") do not match.
_SHORTCODE = re.compile(r":(?=[a-z_+][a-z0-9_+-]*:)")
# A run of "#" at the end of a heading's text is read as its closing sequence and dropped.
_TRAILING_HASH = re.compile(r"(?<=\s)(#+)$")
# What opens a block when it starts a line: heading, quote, list, thematic break, setext underline, ordered list.
_BLOCK_START = re.compile(r"^(#|>|[-+*=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
# Autolinking. GitHub links "scheme://", "www." and e-mail addresses; linkify-style renderers also link bare
# domains ("bank.com", "readme.md") by their top-level domain (linkify-it's default list: two-letter country codes
# and these). A word joiner (U+2060, invisible) between a scheme's ":" and "//", and after "www." and "@", stops
# the first; an escaped dot before a top-level domain stops the second (a joiner inside a host name does not: link
# matchers take it for a letter). Only such host names get a backslash; dates, times and words never do.
_SCHEME = re.compile(r":(?=//)")
_WWW_AT = re.compile(r"((?i:www)\.|@)")
_TLD = re.compile(r"(?<=[A-Za-z0-9-])\.(?=(?i:[a-z]{2}|com|org|net|edu|gov|biz|info|pro|web|xxx|aero|asia|coop"
                  r"|museum|name|shop)(?![A-Za-z0-9-]))")


def md(value: object, at_line_start: bool = False) -> str:
    """Roadmap text for one line of Markdown, shown exactly as typed (whitespace folded to single spaces)."""
    if is_blank(value):
        return BLANK
    s = " ".join(text.clean(value).split())
    s = _ALWAYS.sub(r"\\\1", s)
    s = _EDGE_UNDERSCORE.sub(r"\\_", s)
    s = _ENTITY.sub(r"\\&", s)
    s = _SHORTCODE.sub(r"\\:", s)
    s = _TRAILING_HASH.sub(r"\\\1", s)
    if at_line_start:
        s = _ORDERED.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", s))
    s = _TLD.sub(r"\\.", s)
    s = _SCHEME.sub(":" + text.WORD_JOINER, s)
    return _WWW_AT.sub(lambda m: m.group(1) + text.WORD_JOINER, s)


def md_cell(value: object) -> str:
    """Roadmap text for a Markdown table cell: as md(), with "|" escaped (it would end the cell); blank is empty."""
    return "" if is_blank(value) else md(value).replace("|", "\\|")


def _h(value: object) -> str:
    return BLANK if is_blank(value) else html.escape(" ".join(text.clean(value).split()))


def _decided_total(rows: pd.DataFrame) -> float:
    return float(sum(v for v in (board.savings_as_decided(r) for _, r in rows.iterrows()) if not is_blank(v)))


def _back(row: pd.Series, escape) -> str:
    """The came-back sentence (core.comeback), escaped for where it goes, or the general one."""
    said = row.get("came_back_text")
    return escape(said) if said else "killed in an earlier review, back as a custom model."


def _groups(pack: board.Pack) -> list[tuple[str, pd.DataFrame]]:
    decided = pack.kill[pack.kill["decision"] != "open"]
    extra = [d for d in decided["decision"].unique() if d not in ORDER]
    return [(d, decided[decided["decision"] == d]) for d in (*ORDER, *extra) if (decided["decision"] == d).any()]


def _who(pack: board.Pack) -> tuple[str, str]:
    """The attendees line's label and text."""
    if pack.attendees:
        return "Attendees", ", ".join(pack.attendees)
    recorders = sorted({str(r) for r in pack.kill["decision_reviewer"] if str(r).strip()})
    if recorders:
        return "Decisions recorded by", ", ".join(recorders) + " (no attendance list: these are a review's minutes)"
    return "Attendees", "not recorded (these are a review's minutes)"


def _summary_lines(pack: board.Pack) -> list[str]:
    sm = pack.summary
    agreed = board.agreed(pack)
    h = counted(pack.horizon, "year")
    lines = [
        f"{sm.projects:,} projects, {sm.custom:,} custom models: {sm.kill:,} {labels.verdict('kill').lower()}, "
        f"{sm.prove:,} {labels.verdict('prove').lower()}, {sm.keep:,} {labels.verdict('keep').lower()}.",
        f"Savings proposed: {money(board.total(pack.kill))} over {h}, {counted(len(pack.kill), 'project')} on the "
        "kill list.",
        f"Savings agreed: {money(board.total(agreed))}, {counted(len(agreed), 'project')} decided kill or rescope.",
    ]
    for name, frame in (("proposed", pack.kill), ("agreed", agreed)):
        parts = board.split(frame)
        if parts is not None and len(frame):
            shown = money_column(list(parts.values()))  # one money style for the line
            lines.append(f"Savings {name} by part: " + ", ".join(f"{_in_sentence(k)} {v}" for k, v in
                                                                        zip(parts, shown, strict=True)) + ".")
    return lines


def _in_sentence(label: str) -> str:
    """A part's label inside a sentence: "serving and compute", but "API" stays as it is written."""
    return label if label.isupper() else label.lower()


def _date(pack: board.Pack) -> str:
    return (pack.held_on or pack.made_on).isoformat()


def _title(pack: board.Pack) -> str:
    return f"Minutes: {pack.meeting}" if pack.meeting else "Minutes: AI roadmap review"


def markdown(pack: board.Pack) -> str:
    """The minutes as Markdown."""
    who_label, who = _who(pack)
    out = [f"# {md(_title(pack))}", "",
           f"**Date:** {_date(pack)}  ",
           f"**Portfolio:** {md(pack.portfolio)}  ",
           f"**{who_label}:** {md(who)}  ",
           f"**Scenario:** {md(pack.scenario)}  ",
           f"**Roadmap file:** {md(pack.source)}", "",
           "## Summary", ""]
    out += [f"- {line}" for line in _summary_lines(pack)]
    out += ["", "## Decisions", ""]
    groups = _groups(pack)
    if not groups:
        out.append("No decision was recorded.")
    for decision, rows in groups:
        out += [f"### {labels.label('decisions', decision)}: {counted(len(rows), 'project')}, "
                f"{money(_decided_total(rows))}", ""]
        for _, r in rows.iterrows():
            note = f" Note: {md(r['decision_note'])}." if r["decision_note"] else ""
            out.append(f"- **{md(r['project'])}** ({md(r.get('team'))}), "
                       f"{money(board.savings_as_decided(r), 'needs volume')}. {md(board.reason(r))}{note}")
        out.append("")
    out += ["## Actions", ""]
    acts = board.actions(pack)
    if acts.empty:
        out.append("None yet.")
    for r in acts.itertuples(index=False):
        due = f"due {r.due}" + (" (passed)" if r.passed else "") if r.due else "no due date"
        out.append(f"- {md(r.action)}: **{md(r.project)}**. Owner: {md(r.owner or 'not named')}; {due}.")
    out += ["", "## Projects that came back", ""]
    back = board.came_back(pack)
    out += [f"- **{md(r['project'])}** ({md(r.get('team'))}): {_back(r, md)}" for _, r in back.iterrows()] or ["None."]
    out += ["", "## Open items", ""]
    out += [f"- {md(item)}" for item in board.open_items(pack)] or ["None."]
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111318;max-width:860px;margin:0 auto;
  padding:24px;line-height:1.5;overflow-wrap:anywhere}
h1{font-size:26px;margin-bottom:6px} h2{font-size:20px;margin-top:26px;border-bottom:1px solid #c9ced6}
h3{font-size:16px;margin:16px 0 4px} dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dt{font-weight:600} dd{margin:0} li{margin-bottom:4px} .muted{color:#4a4f57}
@page{margin:15mm} @media print{body{padding:0;max-width:none;font-size:11pt} h2,h3{break-after:avoid}
  li{break-inside:avoid}}
"""


def html_page(pack: board.Pack) -> str:
    """The minutes as one self-contained, printable HTML page (every piece of roadmap text escaped)."""
    who_label, who = _who(pack)
    head = [("Date", _date(pack)), ("Portfolio", pack.portfolio), (who_label, who), ("Scenario", pack.scenario),
            ("Roadmap file", pack.source)]
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>{_h(_title(pack))} · {_h(pack.portfolio)}</title><style>{_CSS}</style></head><body><main>",
           f"<h1>{_h(_title(pack))}</h1><dl>",
           *[f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in head], "</dl>",
           "<h2>Summary</h2><ul>", *[f"<li>{_h(line)}</li>" for line in _summary_lines(pack)], "</ul>",
           "<h2>Decisions</h2>"]
    groups = _groups(pack)
    if not groups:
        out.append("<p>No decision was recorded.</p>")
    for decision, rows in groups:
        out.append(f"<h3>{_h(labels.label('decisions', decision))}: {counted(len(rows), 'project')}, "
                   f"{_h(money(_decided_total(rows)))}</h3><ul>")
        for _, r in rows.iterrows():
            note = f" Note: {_h(r['decision_note'])}." if r["decision_note"] else ""
            out.append(f"<li><b>{_h(r['project'])}</b> ({_h(r.get('team'))}), "
                       f"{_h(money(board.savings_as_decided(r), 'needs volume'))}. {_h(board.reason(r))}{note}</li>")
        out.append("</ul>")
    out.append("<h2>Actions</h2>")
    acts = board.actions(pack)
    out.append("<p>None yet.</p>" if acts.empty else "<ul>")
    for r in acts.itertuples(index=False):
        due = f"due {r.due}" + (" (passed)" if r.passed else "") if r.due else "no due date"
        out.append(f"<li>{_h(r.action)}: <b>{_h(r.project)}</b>. Owner: {_h(r.owner or 'not named')}; {_h(due)}.</li>")
    if not acts.empty:
        out.append("</ul>")
    out.append("<h2>Projects that came back</h2>")
    back = board.came_back(pack)
    out.append("<ul>" + "".join(f"<li><b>{_h(r['project'])}</b> ({_h(r.get('team'))}): {_back(r, _h)}</li>"
                                for _, r in back.iterrows()) + "</ul>" if len(back) else "<p>None.</p>")
    items = board.open_items(pack)
    out.append("<h2>Open items</h2>")
    out.append("<ul>" + "".join(f"<li>{_h(i)}</li>" for i in items) + "</ul>" if items else "<p>None.</p>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
