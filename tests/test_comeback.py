"""Zombies beyond Compare: the came-back sentence of each returned project, and the join rule of an upload."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ACME_Q3, ACME_Q4

from core import comeback, joining
from core.loader import load_roadmap
from core.store import Decision, Store

Q3, Q4 = ACME_Q3, ACME_Q4


def test_without_decisions_a_zombie_is_named_from_the_earlier_kill_list(quarters):
    q3, q4 = quarters
    found = comeback.sentences(q4, comeback.Earlier(q3, "acme_2026_Q3.csv", "2026-09-30"), None)
    assert set(found) == {"ACM-001", "ACM-003", "ACM-014"}
    assert found["ACM-001"] == ("Came back: on the kill list of acme_2026_Q3.csv (2026-09-30), no decision "
                                "recorded.")
    assert "then 'Support reply drafter', ACM-002" in found["ACM-014"]  # the rename is said
    # Another custom approach is named in words, never as its machine value.
    assert found["ACM-003"].endswith("(now Train from scratch, then Fine-tune).") and "from_scratch" not in found["ACM-003"]


def test_a_recorded_kill_names_its_day_reviewer_and_note_and_this_reviews_own_decisions_do_not_count(
        quarters, tmp_path):
    q3, q4 = quarters
    store = Store(f"sqlite:///{tmp_path / 'z.db'}")
    r3 = store.create_review("acme", "acme_2026_Q3.csv", Q3.read_bytes())
    r4 = store.create_review("acme", "acme_2026_Q4.csv", Q4.read_bytes())
    store.append(Decision("acme", "ACM-002", "Support reply drafter", "rescope", "Dana Reyes", "FM API + RAG", None,
                          r3.id))
    # This quarter's meeting keeping the returned project must not hide that it came back.
    store.append(Decision("acme", "ACM-014", "Support reply drafter (EU)", "keep", "Sam", "", None, r4.id))
    found = comeback.for_review(store, store.review(r4.id), q4)
    today = str(store.history("acme")["recorded_at"].iloc[0])[:10]
    assert found["ACM-014"] == (f"Came back: killed on {today} by Dana Reyes — 'FM API + RAG' "
                                "(then 'Support reply drafter', ACM-002).")
    # Kill verdicts nobody decided on last quarter still count, project by project.
    on_list = f"Came back: on the kill list of acme_2026_Q3.csv ({r3.created_at:%Y-%m-%d}), no decision recorded"
    assert found["ACM-001"] == on_list + "." and found["ACM-003"].startswith(on_list)
    assert set(found) == {"ACM-001", "ACM-003", "ACM-014"}
    # The earlier review has no earlier review of its own: nothing came back there.
    assert comeback.for_review(store, store.review(r3.id), q3) == {}


def test_the_review_before_is_found_by_time_and_another_file(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    r3 = store.create_review("acme", "acme_2026_Q3.csv", Q3.read_bytes())
    r4 = store.create_review("acme", "acme_2026_Q4.csv", Q4.read_bytes())
    again = store.create_review("acme", "acme_2026_Q4.csv", Q4.read_bytes())  # Q4 opened again: Q3 is still before
    later = store.create_review("acme", "acme_2027_Q1.csv", Q3.read_bytes() + b"\n")  # after: never "earlier"
    assert comeback.earlier_review(store, "acme", store.review(r4.id)).id == r3.id
    assert comeback.earlier_review(store, "acme", store.review(again.id)).id == r3.id
    assert comeback.earlier_review(store, "acme", store.review(later.id)).id == again.id
    assert comeback.earlier_review(store, "acme", file_sha1=r4.file_sha1).id == later.id
    assert comeback.earlier_review(store, "other", store.review(r4.id)) is None


def _frame(ids, names=None):
    return pd.DataFrame({"project_id": ids, "project": names or [f"Project {i}" for i in ids]})


@pytest.mark.parametrize(("shared", "joins"), [(4, False), (5, True), (6, True)])
def test_an_upload_joins_at_half_its_ids_and_not_below(shared, joins):
    latest = _frame([f"P{i}" for i in range(10)])
    new = _frame([f"P{i}" for i in range(shared)] + [f"N{i}" for i in range(10 - shared)])
    found = joining.overlap(new, latest, by_ids=True)
    assert (found.shared, found.of, found.basis, found.joins) == (shared, 10, "ids", joins)


def test_just_below_half_stays_apart():
    # 9 of 19 is 47 %: a rule that rounded, or counted the portfolio's ids instead of the upload's, would join.
    latest = _frame([f"P{i}" for i in range(9)])
    new = _frame([f"P{i}" for i in range(9)] + [f"N{i}" for i in range(10)])
    assert not joining.overlap(new, latest, by_ids=True).joins
    assert joining.overlap(latest, new, by_ids=True).joins  # the other way round it is all of them


def test_without_ids_names_match_at_the_zombie_similarity():
    latest = _frame(["a", "b", "c", "d"], ["Support reply drafter", "Contract clause extractor", "Claims letter generator",
                                           "Driver policy assistant"])
    new = _frame(["x", "y", "z", "w"], ["Support reply drafter (EU)", "Contract clause extractor", "Voice booking",
                                        "Route ETA forecaster"])
    found = joining.overlap(new, latest, by_ids=False)
    assert (found.shared, found.of, found.basis, found.joins) == (2, 4, "names", True)
    assert not joining.overlap(new, latest, by_ids=False, threshold=0.99).joins  # the rename no longer counts


def test_the_two_quarters_of_the_sample_join():
    q3, q4 = load_roadmap(Q3), load_roadmap(Q4)
    assert joining.has_ids(q4.report.mapping)
    found = joining.overlap(q4.projects, q3.projects, by_ids=True)
    assert (found.shared, found.of, found.joins) == (6, 10, True)
    assert joining.join_share() == 0.5


def test_an_offer_is_kept_until_answered_and_the_answer_moves_the_review(db_url):
    store = Store(db_url)
    review = store.create_review("acme (2)", "acme_2026_Q4.csv", Q4.read_bytes())
    joining.keep(store, review.id, "acme", "acme (2)", False, joining.Overlap(4, 10, "ids"))
    offer = joining.open_offer(Store(db_url), review.id)
    assert (offer.portfolio, offer.apart_as, offer.joined, offer.shared) == ("acme", "acme (2)", False, 0.4)
    assert joining.answer(store, review.id, join=True, who="Dana") == "acme"
    assert store.review(review.id).portfolio == "acme"
    assert joining.open_offer(store, review.id) is None  # answered: it does not come back after a reload
    assert joining.open_offer(store, None) is None


def test_the_cli_fills_came_back_only_with_db_and_portfolio(tmp_path, capsys):
    import json

    from core import cli

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["decide", str(Q3), "--project", "ACM-002", "--decision", "kill", "--reviewer", "Dana Reyes",
                     "--note", "use the FM API", "--db", db]) == 0
    assert cli.main(["kill-list", str(Q4), "--format", "json", "--db", db, "--portfolio", "acme"]) == 0
    rows = {r["project_id"]: r["came_back"] for r in json.loads(capsys.readouterr().out)}
    assert rows["ACM-014"].startswith("Came back: killed on ") and "by Dana Reyes — 'use the FM API'" in rows["ACM-014"]
    assert rows["ACM-001"].startswith("Came back: on the kill list of acme_2026_Q3.csv")
    assert rows["ACM-010"] == ""
    assert cli.main(["kill-list", str(Q4), "--db", db]) == 2  # one without the other is a usage error
    assert "go together" in capsys.readouterr().err


def test_the_earlier_review_is_judged_with_the_portfolios_evidence_too(tmp_path):
    """BNK-026's evaluation refutes its domain gap (prove first -> kill). Judged with it on this review and
    without it on the earlier one, a kill nobody decided would go unseen; both sides now use it."""
    from conftest import SAMPLES

    from core import config, evidence, portfolio
    from core.evidence_apply import apply

    store = Store(f"sqlite:///{tmp_path / 'ev.db'}")
    bank = (SAMPLES / "bank.csv").read_bytes()
    earlier = store.create_review("bank", "bank_2026-Q3.csv", bank)
    later = store.create_review("bank", "bank_2026-Q4.csv", bank + b"\n")
    refuting = evidence.evaluation((SAMPLES / "evidence" / "bank_BNK-026_eval.csv").read_bytes(), 0.05)
    store.add_evidence("bank", "BNK-026", "Arabic trade-finance extractor", refuting, "Dana", review_id=earlier.id)
    now = portfolio.score(apply(load_roadmap(bank + b"\n").projects, store.evidence("bank")), config.defaults())
    assert now.set_index("project_id").loc["BNK-026", "verdict"] == "kill"
    found = comeback.for_review(store, store.review(later.id), now)
    assert found["BNK-026"].startswith("Came back: on the kill list of bank_2026-Q3.csv")
    assert "BNK-026" not in comeback.for_review(store, store.review(later.id), now, evidence=[])  # as before
