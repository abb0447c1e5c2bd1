"""Meeting: the kill list one project per screen; decide and advance in one click, with a live tally."""

from __future__ import annotations

import streamlit as st

import ui
from core import agenda, labels, meetings
from core.numbers import counted
from ui import identity
from ui import meeting as mt

ui.setup("Meeting")
ss = st.session_state
ss.setdefault("meeting", None)
ss.setdefault("meeting_taken", {})
ss.setdefault("meeting_project", None)

# ?meeting=ID reopens the same meeting after a refresh or on another laptop (?review= has already opened its review).
wanted = st.query_params.get("meeting")
opening = wanted and (ss.meeting is None or ss.meeting.id != wanted) and wanted != ss.get("meeting_failed")
if opening and mt.open_meeting(wanted) is None:
    ss.meeting_failed = wanted
    st.query_params.pop("meeting", None)
p = ui.require_inputs()
data, name, mapping, overrides, tasks, evidence = p.inputs
key = ss.source.get("key") or mt.file_key(data)
h = int(p.cfg.horizon_years)

st.title("Meeting")
if notice := ss.pop("meeting_notice", None):
    (st.success if notice[0] == "success" else st.error)(ui.safe(notice[1]))


def _facilitator() -> None:
    identity.remember(ss.get("meeting_facilitator", ""))


def _start() -> None:
    _facilitator()
    mt.start_meeting(ss.get("meeting_attendees", ""), bool(ss.get("meeting_include_keep")), ui.scenario_name())


def _resume(meeting_id: str) -> None:
    ss.meeting_project = None
    if mt.open_meeting(meeting_id) is not None:
        st.query_params["meeting"] = meeting_id


if "meeting_facilitator" not in ss:
    ss.meeting_facilitator = identity.name()
user_name = ui.current_user()[0]

if ss.meeting is None or ss.meeting.review_id != ss.get("review_id"):
    ss.meeting = None
    view = mt.agenda_for(key, name, mapping, overrides, tasks, evidence, False, _data=data)
    with st.container(border=True, key="meeting_start"):
        st.subheader("Start a meeting on this review")
        st.markdown(ui.safe(f"{ss.source['name']} · portfolio {ui.portfolio_of_screen()} · "
                            f"{counted(len(view.ids), 'project')} on the kill list, "
                            f"{ui.usd(sum(view.proposed.values()))} projected savings over {counted(h, 'year')}."))
        if user_name:
            st.caption(ui.safe(f"Facilitator: {user_name} (signed in)."))
        else:
            st.text_input("Facilitator (your name)", key="meeting_facilitator", max_chars=80, on_change=_facilitator,
                          help="Decisions taken in the meeting are recorded under this name; this browser remembers it.")
        st.text_area("Attendees", key="meeting_attendees", height=68, max_chars=4000,
                     placeholder="Names separated by commas, typed once: they become the action owners to pick from.")
        st.toggle("Also go through the keep projects after the kill list", key="meeting_include_keep")
        st.button("Start the meeting", key="meeting_start_button", type="primary", on_click=_start)
    try:
        earlier = meetings.of_review(ui.store(), ss.review_id) if ss.get("review_id") and ui.store_in_use() else []
    except ui.StoreError as exc:
        st.caption(ui.safe(f"Earlier meetings cannot be listed right now: {exc}"))
        earlier = []
    if earlier:
        st.subheader("Meetings on this review")
    for m in earlier[:10]:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        state = f"ended {m.ended_at:%Y-%m-%d %H:%M} UTC" if m.ended_at else "still open"
        c1.markdown(ui.safe(f"Started {m.started_at:%Y-%m-%d %H:%M} UTC by {m.started_by or 'someone'} · {state} · "
                            f"{', '.join(m.attendees) or 'no attendees recorded'}"))
        c2.button("Open", key=f"meeting_resume_{m.id}", on_click=_resume, args=(m.id,))
    st.stop()

meeting = ss.meeting
if st.query_params.get("meeting") != meeting.id:
    st.query_params["meeting"] = meeting.id

if not meeting.running:
    st.success(f"This meeting ended on {meeting.ended_at:%Y-%m-%d at %H:%M} UTC.")
    record = meetings.minutes_record(ui.store(), meeting.id)
    taken = record[1] if record else meetings.taken(ui.store(), meeting.id)
    st.markdown(f"**{counted(len(taken), 'decision')}** taken; attendees: "
                f"{ui.safe(', '.join(meeting.attendees)) or 'not recorded'}.")
    if len(taken):
        shown = taken.assign(decision=labels.column(taken["decision"], "decisions"))
        shown = shown[["project", "decision", "reviewer", "note", "savings_usd", "action_owner", "action_due"]]
        st.dataframe(ui.money_table(shown.replace("", ui.BLANK), ["savings_usd"]), hide_index=True, width="stretch",
                     key="meeting_minutes_table",
                     column_config={"project": "Project", "decision": "Decision", "reviewer": "By", "note": "Note",
                                    "savings_usd": "Savings as taken", "action_owner": "Action owner",
                                    "action_due": "Due"})
    mt.ended_downloads(meeting, taken)
    st.button("Start another meeting", key="meeting_leave", on_click=mt.leave_meeting)
    st.stop()

view = mt.agenda_for(key, name, mapping, overrides, tasks, evidence, meeting.include_keep, _data=data)
ids = view.ids
if not ids:
    st.success("Nothing is on the kill list of this review: there is nothing to decide.")
    st.button("End the meeting", key="meeting_end", on_click=mt.end_meeting)
    st.stop()
if ss.meeting_project not in ids:
    linked = st.query_params.get("project")
    undecided = [pid for pid in ids if pid not in ss.meeting_taken]
    ss.meeting_project = linked if linked in ids else (undecided[0] if undecided else ids[0])
pid = ss.meeting_project
if st.query_params.get("project") != pid:
    st.query_params["project"] = pid
at = ids.index(pid)
t = mt.tally(view)

top = st.columns([1.2, 2, 1.2, 1.2], vertical_alignment="center")
top[0].markdown(f"### Project {at + 1} of {len(ids):,}")
top[1].progress(t.decided / len(ids), text=mt.progress_text(t))
top[2].metric("Savings agreed", ui.usd(t.agreed_usd), help="Kill and rescope decisions taken in this meeting, with "
              "the savings as they stood when each was taken.")
top[3].metric("Savings proposed", ui.usd(t.proposed_usd), help=f"The kill list's projected savings over {counted(h, 'year')}.")

card = view.cards[pid]
if came_back := ui.came_back(p.inputs).get(pid):
    st.error(f"**{ui.safe(came_back)}**")
with st.container(border=True, key="meeting_card"):
    team = f" · Team {ui.safe(card.team)}" if card.team else ""
    # Headings without anchors: an anchor's link would be made of the project's (or team's) name.
    st.header(ui.safe(card.project), anchor=False)
    saving = card.savings.get("projected_savings_usd")
    # Unknown volume is not zero volume (SPEC §4v3): no figure, and the room hears what is missing.
    amount = (f"{ui.md_money(saving)} projected savings over {counted(card.horizon, 'year')}" if saving is not None
              else labels.label("money_status", "needs_volume"))
    st.subheader(f"{ui.verdict_badge(card.verdict)} {amount}{team}", anchor=False)
    if parts := card.parts_text():
        st.markdown(f"**Made of** {ui.md_text(parts)}")
    st.subheader(ui.safe(card.reason), anchor=False)
    if card.would_change:
        st.markdown(f"**What would change the verdict:** {ui.safe(card.would_change)}")
    if card.evidence:
        st.markdown(f"**Evidence needed:** {ui.safe(card.evidence)}")
    taken_here = ss.meeting_taken.get(pid)
    before = mt.earlier_decisions().get(pid)
    if taken_here:
        st.success(f"Decided in this meeting: **{labels.label('decisions', taken_here[0])}**.")
    elif before:
        who = f" by {before[1]}" if before[1] else ""
        note = f" — '{before[2]}'" if before[2] else ""
        st.info(ui.safe(f"Carried over from {before[3]}: {labels.label('decisions', before[0])}{who}{note}. "
                        "It counts once the meeting confirms it: press its button again, or take another."))
    ui.page_link("pages/2_Project_review.py", "Open the full project review", project=pid)

attendees = list(meeting.attendees)
if not (user_name or ss.get("reviewer")):
    # Another laptop, or a browser that never typed a name: decisions need one before the first click.
    st.text_input("Facilitator (your name)", key="meeting_facilitator", max_chars=80, on_change=_facilitator,
                  help="Decisions taken in the meeting are recorded under this name; this browser remembers it.")
f1, f2, f3 = st.columns([3, 2, 1.3])
f1.text_input("Note", key="meeting_note", max_chars=2000, placeholder="Why, in a sentence (optional)")
f2.selectbox("Action owner", attendees, key="meeting_owner", index=None, accept_new_options=True,
             placeholder="Pick an attendee or type a name")
f3.date_input("Due", key="meeting_due", value=None)

suggested = taken_here[0] if taken_here else (before[0] if before else {"kill": "kill", "prove": "needs-evidence",
                                                                         "keep": "keep"}.get(card.verdict, "keep"))
buttons = st.container(horizontal=True, gap="small", key="meeting_decisions")
for decision, shortcut in agenda.SHORTCUTS.items():
    buttons.button(f"{labels.label('decisions', decision)}", key=f"meeting_decide_{decision}", shortcut=shortcut,
                   type="primary" if decision == suggested else "secondary", on_click=mt.decide,
                   args=(decision, ids, card), help=f"Record {labels.label('decisions', decision)} and go to the next "
                                                    f"project (key {shortcut}).")
nav = st.container(horizontal=True, gap="small", key="meeting_nav")
nav.button("Previous", key="meeting_previous", shortcut=agenda.PREVIOUS, on_click=mt.move, args=(ids, -1),
           disabled=at == 0)
nav.button("Next", key="meeting_next", shortcut=agenda.NEXT, on_click=mt.move, args=(ids, 1),
           disabled=at == len(ids) - 1)
nav.button("End the meeting", key="meeting_end", on_click=mt.end_meeting)
st.caption("Keys: " + " · ".join(f"{k} {labels.label('decisions', d)}" for d, k in agenda.SHORTCUTS.items())
           + " · ← previous · → next. A decision key records and moves on; click outside a field first.")

with st.expander("Attendees and agenda"):
    st.text_input("Attendees", value=", ".join(attendees), key=f"meeting_attendees_edit_{meeting.id}",
                  on_change=lambda: mt.change_meeting(attendees=ss.get(f"meeting_attendees_edit_{meeting.id}", "")))
    st.toggle("Also go through the keep projects after the kill list", value=meeting.include_keep,
              key=f"meeting_keep_edit_{meeting.id}",
              on_change=lambda: mt.change_meeting(include_keep=bool(ss.get(f"meeting_keep_edit_{meeting.id}"))))
    if ss.get("reviewer") and not user_name:
        st.text_input("Facilitator (your name)", key="meeting_facilitator", max_chars=80, on_change=_facilitator,
                      help="Decisions taken from this browser are recorded under this name.")
    st.caption(ui.safe(f"Started {meeting.started_at:%Y-%m-%d %H:%M} UTC by {meeting.started_by or 'someone'}; "
                       f"scenario {meeting.scenario or 'as on the review'}. This page's address reopens the meeting "
                       "at this project on any laptop."))
