"""Links between pages that keep the review (and project) in the address."""

from __future__ import annotations

import streamlit as st

# Page links carry no icons: Material icon names ("content_cut") are announced by screen readers.
PAGES = (("app.py", "Home"), ("pages/1_Portfolio.py", "Portfolio"), ("pages/2_Project_review.py", "Project review"),
         ("pages/3_Kill_list.py", "Kill list"), ("pages/4_Assumptions.py", "Assumptions"),
         ("pages/5_Decisions.py", "Decisions"), ("pages/6_Compare.py", "Compare"), ("pages/7_Meeting.py", "Meeting"))


def link_params(project: str | None = None) -> dict[str, str]:
    """The query parameters every link carries: the review, and the project where there is one."""
    params = {"review": st.session_state.get("review_id")}
    params["project"] = project
    return {k: v for k, v in params.items() if v}


def page_link(page: str, label: str, icon: str | None = None, project: str | None = None,
              container: object = None, **kwargs: object) -> None:
    """st.page_link that keeps ?review= (and ?project=): in 1.67 a page link drops query params not passed."""
    target = container or st
    target.page_link(page, label=label, icon=icon, query_params=link_params(project), **kwargs)


def switch_page(page: str, project: str | None = None) -> None:
    """st.switch_page keeping ?review= (and ?project=), for the same reason as page_link."""
    st.switch_page(page, query_params=link_params(project))
