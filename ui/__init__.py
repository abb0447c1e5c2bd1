"""The UI layer shared by app.py and every page, one module per concern; `import ui` gives all of it.

ui.page.setup is the first call on every page. The modules depend on each other in this order, never back:
logs, format, costs, tables, storage, auth, identity, session, workspace, nav, scoring, scenarios, zombies, reviews,
current, killview, boardpack, page, meeting (the Meeting page imports ui.meeting itself).
"""

from core.numbers import BLANK
from core.store import StoreError
from ui.auth import LoginReturns, browser_key, current_user, login_configured, login_returns
from ui.boardpack import board_downloads, board_file
from ui.current import Inputs, Portfolio, current, require_inputs, require_portfolio
from ui.evidence import current_evidence, evidence_changed
from ui.evidence import section as evidence_section
from ui.format import (
    VERDICT_BADGE,
    blank_help,
    md_money,
    md_text,
    safe,
    usd,
    verdict_badge,
    verdict_badges,
    verdict_column,
    verdict_label,
)
from ui.identity import name as reviewer_name
from ui.identity import remember as remember_reviewer
from ui.killview import (
    CARD_LIMIT,
    Decided,
    KillView,
    decided_for,
    decided_summary,
    decision_detail,
    kill_card,
    kill_view_for,
)
from ui.logs import log
from ui.nav import PAGES, link_params, page_link, switch_page
from ui.page import init_state, return_after_login, setup, sign_in_panel
from ui.reviews import (
    delete_scenario,
    ensure_review,
    open_review,
    record_decision,
    rename_portfolio,
    save_scenario,
    save_state,
    set_task,
    start_review,
)
from ui.scenarios import reset_scenario, saved_scenarios, scenario_badge, scenario_name, usable_overrides
from ui.scoring import (
    assumptions_for,
    download_for,
    error_for,
    kill_list_for,
    review_state,
    scored_for,
    scored_review,
    sensitivity_for,
    task_key,
)
from ui.session import (
    DEFAULT_SAMPLE,
    ROOT,
    SAMPLES_DIR,
    clear_assumption_widgets,
    sample_bytes,
    samples,
    screen_state,
    set_source,
)
from ui.storage import (
    CURRENT_KEYS,
    DECISIONS_TTL_S,
    current_decisions,
    decision_frame,
    decision_history,
    decisions_changed,
    portfolio_of_screen,
    store,
    store_for,
    store_in_use,
    workspace_now,
)
from ui.tables import STYLED_ROWS, _csv_bytes, _xlsx_bytes, money_grid, money_table, table_downloads
from ui.workspace import home_reviews, note_opened, review_history, settle_workspace, signed_in
from ui.zombies import answer_offer, came_back, open_offer

__all__ = ['board_downloads', 'board_file', 'BLANK', 'StoreError', 'log', 'VERDICT_BADGE', 'usd', 'safe', 'md_text', 'md_money', 'blank_help', 'verdict_label', 'verdict_badge', 'verdict_badges', 'verdict_column', 'table_downloads', '_csv_bytes', '_xlsx_bytes', 'money_table', 'STYLED_ROWS', 'money_grid', 'store_for', 'store', 'store_in_use', 'workspace_now', 'home_reviews', 'note_opened', 'review_history', 'settle_workspace', 'signed_in', 'portfolio_of_screen', 'decision_history', 'CURRENT_KEYS', 'decision_frame', 'DECISIONS_TTL_S', 'decisions_changed', 'current_decisions', 'current_user', 'login_configured', 'LoginReturns', 'login_returns', 'browser_key', 'ROOT', 'SAMPLES_DIR', 'DEFAULT_SAMPLE', 'samples', 'sample_bytes', 'set_source', 'screen_state', 'clear_assumption_widgets', 'PAGES', 'link_params', 'page_link', 'switch_page', 'assumptions_for', 'scored_for', 'task_key', 'kill_list_for', 'sensitivity_for', 'error_for', 'scored_review', 'review_state', 'download_for', 'reset_scenario', 'scenario_name', 'scenario_badge', 'usable_overrides', 'saved_scenarios', 'open_review', 'start_review', 'ensure_review', 'rename_portfolio', 'save_state', 'set_task', 'save_scenario', 'delete_scenario', 'record_decision', 'Portfolio', 'current', 'Inputs', 'require_inputs', 'require_portfolio', 'CARD_LIMIT', 'decision_detail', 'kill_card', 'KillView', 'kill_view_for', 'init_state', 'setup', 'sign_in_panel', 'return_after_login', 'current_evidence', 'evidence_changed', 'evidence_section', 'Decided', 'decided_summary', 'decided_for', 'reviewer_name', 'remember_reviewer', 'came_back', 'open_offer', 'answer_offer']
