"""The colours every chart and badge uses, kept apart from the charts so the UI can read them without altair."""

VERDICT_ORDER = ["kill", "prove", "keep", "ok"]
VERDICT_COLORS = {"kill": "#c62828", "prove": "#e69500", "keep": "#1f5fbf", "ok": "#8a8f98"}
PATH_COLORS = {"Custom model": "#c62828", "FM API + RAG": "#1f5fbf"}
