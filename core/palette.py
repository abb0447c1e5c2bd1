"""The colours every chart and badge uses, kept apart from the charts so the UI can read them without altair."""

VERDICT_ORDER = ["kill", "prove", "keep", "out_of_scope", "ok"]
# out_of_scope (classic ML, not judged) gets its own hue, apart from the grey of "ok" and the three verdicts.
VERDICT_COLORS = {"kill": "#c62828", "prove": "#e69500", "keep": "#1f5fbf", "out_of_scope": "#7b4fa0",
                  "ok": "#8a8f98"}
PATH_COLORS = {"Custom model": "#c62828", "FM API + RAG": "#1f5fbf"}
# The verdicts' colours for text on white (4.5:1 contrast or better): the brief's badges and the deck's verdict lines.
VERDICT_TEXT_COLORS = {"kill": "#a31515", "prove": "#8a5300", "keep": "#1a4f9c", "ok": "#4a4f57",
                       "out_of_scope": "#5b3a99"}
