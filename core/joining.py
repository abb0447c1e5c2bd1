"""Whether an upload is next quarter's file of an existing portfolio, and the stored offer that goes with it.

An upload whose portfolio name is taken joins that portfolio when it shares at least `portfolio_join_share`
(compare.yaml) of its projects with the portfolio's latest review: by project id, or, when either file has no
project_id column, by name at the zombie similarity. Either way the review keeps an offer, stored until someone
answers it: "keep it apart" after an automatic join, "join" after it was kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import select

from core import compare
from core.schema import MAX_REVIEWER, join_offers, reviews
from core.store import Store, StoreError, _clean_portfolio, _now

_DATA = Path(__file__).resolve().parent / "data" / "compare.yaml"


@cache
def join_share() -> float:
    """The share of shared projects at or above which an upload joins its portfolio (YAML)."""
    value = float(yaml.safe_load(_DATA.read_text(encoding="utf-8"))["portfolio_join_share"]["value"])
    if not 0 < value <= 1:
        raise ValueError("portfolio_join_share must be above 0 and at most 1")
    return value


@dataclass(frozen=True)
class Overlap:
    """How many of an upload's projects the portfolio's latest review also has."""

    shared: int
    of: int
    basis: str  # "ids" or "names"

    @property
    def share(self) -> float:
        return self.shared / self.of if self.of else 0.0

    @property
    def joins(self) -> bool:
        return self.of > 0 and self.share >= join_share()

    def describe(self) -> str:
        what = "project ids" if self.basis == "ids" else "project names"
        return f"{self.shared:,} of its {self.of:,} {what}"


def overlap(new: pd.DataFrame, latest: pd.DataFrame, by_ids: bool, threshold: float | None = None) -> Overlap:
    """The upload's projects (`new`) found in the latest review (`latest`), by id or by similar name."""
    if by_ids:
        ids = set(new["project_id"].astype(str))
        return Overlap(len(ids & set(latest["project_id"].astype(str))), len(ids), "ids")
    threshold = compare.name_threshold() if threshold is None else threshold
    names = list(dict.fromkeys(new["project"].astype(str)))
    earlier = list(dict.fromkeys(latest["project"].astype(str)))
    exact = set(earlier)
    shared = sum(1 for n in names if n in exact or any(compare.similarity(n, e) >= threshold for e in earlier))
    return Overlap(shared, len(names), "names")


def has_ids(mapping: dict[str, str]) -> bool:
    """Whether a file, as read (LoadReport.mapping: header -> column), carries its own project ids."""
    return "project_id" in mapping.values()


@dataclass(frozen=True)
class Offer:
    """The stored offer of a review: joined automatically (offer: keep it apart) or kept apart (offer: join)."""

    review_id: str
    portfolio: str
    apart_as: str
    joined: bool
    shared: float
    basis: str
    created_at: datetime
    answered: str | None


def keep(store: Store, review_id: str, portfolio: str, apart_as: str, joined: bool, found: Overlap) -> Offer:
    """Store the offer for a review just made (raises StoreError)."""
    offer = Offer(review_id, _clean_portfolio(portfolio), _clean_portfolio(apart_as), joined, found.share,
                  found.basis, _now(), None)

    def insert() -> None:
        with store.transaction() as conn:
            conn.execute(join_offers.insert().values(
                review_id=review_id, portfolio=offer.portfolio, apart_as=offer.apart_as, joined=int(joined),
                shared=offer.shared, basis=offer.basis, created_at=offer.created_at, answered=None))

    store.guard("save the portfolio offer", insert)
    return offer


def open_offer(store: Store, review_id: str | None) -> Offer | None:
    """The unanswered offer of a review, or None."""
    if not review_id:
        return None

    def read() -> Offer | None:
        with store.engine.connect() as conn:
            row = conn.execute(select(join_offers).join(reviews, reviews.c.id == join_offers.c.review_id)
                               .where((join_offers.c.review_id == review_id) & join_offers.c.answered.is_(None)
                                      & (reviews.c.workspace == store.workspace))).mappings().first()
        if row is None:
            return None
        return Offer(row["review_id"], row["portfolio"], row["apart_as"], bool(row["joined"]), float(row["shared"]),
                     row["basis"], row["created_at"], row["answered"])

    return store.guard("read the portfolio offer", read)


def answer(store: Store, review_id: str, join: bool, who: str = "") -> str:
    """Answer a review's offer: join the portfolio or keep the review apart; the review's portfolio afterwards.
    The review moves and the offer closes in one transaction."""
    def change() -> str:
        with store.transaction() as conn:
            row = conn.execute(select(join_offers).join(reviews, reviews.c.id == join_offers.c.review_id)
                               .where((join_offers.c.review_id == review_id)
                                      & (reviews.c.workspace == store.workspace))).mappings().first()
            if row is None:
                raise StoreError("This review has no portfolio offer to answer.")
            target = row["portfolio"] if join else row["apart_as"]
            conn.execute(reviews.update().where(reviews.c.id == review_id).values(portfolio=target, updated_at=_now()))
            if target != row["apart_as"] or not join:
                store._event(conn, review_id, "name", f"'{row['portfolio'] if not join else row['apart_as']}' → "
                             f"'{target}' ({'joined' if join else 'kept apart'})", who)
            conn.execute(join_offers.update().where(join_offers.c.review_id == review_id).values(
                answered="joined" if join else "apart", answered_by=who.strip()[:MAX_REVIEWER], answered_at=_now()))
            return target

    return store.guard("move the review", change)
