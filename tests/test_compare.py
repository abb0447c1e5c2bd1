"""Comparing two quarters of one portfolio: every kind of change, zombies found three ways, in core and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ACME_Q3, ACME_Q4, SAMPLES

from core import cli, portfolio
from core.compare import compare, name_threshold, similarity
from core.store import Decision, Store

Q3, Q4 = ACME_Q3, ACME_Q4


def test_the_two_quarters_show_every_kind_of_change(quarters):
    before, after = quarters
    result = compare(before, after)
    assert result.killed_by == "verdicts"  # no decisions: the older file's kill verdicts count
    zombies = {z.project_id: (z.match, z.earlier_project_id) for z in result.zombies.itertuples()}
    assert zombies == {"ACM-001": ("same id", "ACM-001"), "ACM-014": ("similar name", "ACM-002"),
                       "ACM-003": ("new approach label", "ACM-003")}
    # The renamed zombie (ACM-002 back as ACM-014) counts once: not also as new, nor its old id as removed.
    assert set(result.of("new")["project_id"]) == {"ACM-010", "ACM-011", "ACM-012"}
    assert set(result.of("removed")["project_id"]) == {"ACM-008", "ACM-009"}
    changes = {r.project_id: (r.verdict_before, r.verdict_after) for r in result.of("verdict").itertuples()}
    assert changes == {"ACM-004": ("kill", "ok"), "ACM-005": ("prove", "keep")}
    assert result.savings_before == pytest.approx(portfolio.summarize(before).kill_list_savings_usd)
    assert result.savings_change == pytest.approx(result.savings_after - result.savings_before)
    assert result.savings_change < 0
    # Zombies come first, so no reader scrolls past them.
    assert list(result.changes["change"][:3]) == ["zombie"] * 3


def test_a_killed_project_that_returns_on_the_fm_path_is_not_a_zombie(quarters):
    result = compare(*quarters)
    assert "ACM-004" not in set(result.zombies["project_id"])  # killed, came back as API + RAG: as decided


def test_recorded_decisions_decide_what_was_killed(quarters, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    store.append(Decision("acme", "ACM-002", "Support reply drafter", "rescope", "Dana", "use the FM API + RAG"))
    store.append(Decision("acme", "ACM-001", "Contract clause extractor", "kill", "Sam", "no data"))
    store.append(Decision("acme", "ACM-001", "Contract clause extractor", "keep", "Sam", "legal found 50k examples"))
    result = compare(*quarters, store.current("acme"))
    assert result.killed_by == "decisions"
    zombie = result.zombies.set_index("project_id")
    # ACM-001 was kept in the end: not a zombie. ACM-003 has no decision, but its kill verdict still counts
    # (decisions on some projects must not let the undecided ones come back unsaid).
    assert set(zombie.index) == {"ACM-014", "ACM-003"}
    assert zombie.loc["ACM-003", "earlier_decision"] == "kill (verdict)" and zombie.loc["ACM-003", "earlier_reviewer"] == ""
    assert (zombie.loc["ACM-014", "earlier_decision"], zombie.loc["ACM-014", "earlier_reviewer"],
            zombie.loc["ACM-014", "earlier_note"]) == ("rescope", "Dana", "use the FM API + RAG")


def test_the_name_threshold_is_data_and_separates_the_samples_names():
    threshold = name_threshold()
    assert 0 < threshold <= 1
    assert similarity("Support reply drafter", "Support reply drafter (EU)") >= threshold
    assert similarity("Support reply drafter", "Support ticket router") < threshold
    assert similarity("Dispatcher chat assistant", "Driver policy assistant") < threshold


def test_a_stricter_threshold_loses_the_renamed_zombie(quarters):
    result = compare(*quarters, threshold=0.99)
    assert "ACM-014" not in set(result.zombies["project_id"])


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_the_cli_marks_zombies_in_every_format(capsys, tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    code = cli.main(["compare", str(Q3), str(Q4), "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "3 zombies, 3 new, 2 removed, 2 verdict changes." in err  # the renamed zombie counted once
    assert not (tmp_path / "none.db").exists()  # two files need no database
    if fmt == "text":
        zombies = [line for line in out.splitlines() if line.startswith("ZOMBIE ")]
        assert len(zombies) == 3 and any("ACM-014" in z and "ACM-002" in z for z in zombies)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows[0]["change"] == "kill_list_savings" and int(rows[0]["savings_before_usd"]) > 0
        assert {r["project_id"] for r in rows if r["zombie"] == "yes"} == {"ACM-001", "ACM-003", "ACM-014"}
    else:
        data = json.loads(out)
        assert data["kill_list_savings_change_usd"] < 0
        assert sorted(c["project_id"] for c in data["changes"] if c["zombie"] == "yes") == [
            "ACM-001", "ACM-003", "ACM-014"]


def test_the_cli_compares_saved_reviews_with_their_decisions(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    store = Store(db)
    old = store.create_review("acme", Q3.name, Q3.read_bytes())
    new = store.create_review("acme", Q4.name, Q4.read_bytes())
    store.append(Decision("acme", "ACM-001", "Contract clause extractor", "kill", "Sam", "no data", review_id=old.id))
    code = cli.main(["compare", old.id, new.id, "--db", db])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "ZOMBIE ACM-001 Contract clause extractor (same id" in out
    assert "kill by Sam — note: no data" in out
    # The undecided kill verdicts of Q3 come back too (ACM-003 as another approach, ACM-002 renamed).
    assert out.count("ZOMBIE") == 3 and out.count("kill (verdict)") == 2
    assert cli.main(["compare", old.id, "no-such-review", "--db", db]) == 2
    assert "neither a roadmap file nor a review id" in capsys.readouterr().err


def test_the_cli_scores_a_saved_review_with_the_tasks_set_on_it(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    store = Store(db)
    bank = (SAMPLES / "bank.csv").read_bytes()
    plain = store.create_review("bank", "bank.csv", bank)
    changed = store.create_review("bank", "bank.csv", bank)
    # BNK-024 is inferred to be tabular scoring (out of scope); a reviewer says it is a language model.
    store.set_task(changed.id, "BNK-024", "language", "Dana")
    assert cli.main(["compare", plain.id, changed.id, "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [moved] = [c for c in data["changes"] if c["project_id"] == "BNK-024"]
    assert (moved["verdict_before"], moved["verdict_after"]) == ("out_of_scope", "prove")


def test_the_cli_names_a_saved_review_whose_stored_state_is_damaged(capsys, tmp_path):
    from sqlalchemy import create_engine, text

    db = f"sqlite:///{tmp_path / 'd.db'}"
    store = Store(db)
    bank = (SAMPLES / "bank.csv").read_bytes()
    good = store.create_review("bank", "bank.csv", bank)
    damaged = store.create_review("bank", "bank.csv", bank)
    misfit = store.create_review("bank", "bank.csv", bank)
    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE reviews SET tasks = '{oops' WHERE id = :i"), {"i": damaged.id})
        conn.execute(text("UPDATE reviews SET overrides = '{\"horizon_years\": -5}' WHERE id = :i"), {"i": misfit.id})
    engine.dispose()
    # Compared without the unreadable part, and the terminal says so: nothing is dropped unsaid.
    assert cli.main(["compare", good.id, damaged.id, "--db", db]) == 0
    err = capsys.readouterr().err
    assert f"review {damaged.id}: its saved task changes could not be read" in err
    assert cli.main(["compare", good.id, misfit.id, "--db", db]) == 2
    err = capsys.readouterr().err
    assert f"review {misfit.id}'s saved assumptions no longer fit" in err and "between 1 and 5" in err
    assert "Traceback" not in err
