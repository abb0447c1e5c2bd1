"""Text that fits its box on a slide: wrapped and, when it must, shrunk or cut, measured with the font it is shown in.

python-pptx's own fit_text needs a font file too and only shrinks; this measures with DejaVu Sans (Debian's
fonts-dejavu-core, which the deck names as its typeface, so LibreOffice and the measurement agree) and breaks
the lines itself, so no renderer has to wrap differently. Without the font file a conservative width rule is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_NAME = "DejaVu Sans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {False: FONT_DIR / "DejaVuSans.ttf", True: FONT_DIR / "DejaVuSans-Bold.ttf"}
# DejaVu Sans' line height is 1.164 em; a little more covers renderers' own spacing.
LINE_HEIGHT = 1.2
# Lines are filled to this share of the box's width, so a renderer that measures a hair wider never re-wraps.
WIDTH_SHARE = 0.94
# Without the font file: DejaVu's widest common glyphs are about 0.7 em (0.75 bold); sized for those.
_FALLBACK_EM = {False: 0.7, True: 0.75}
_REF_SIZE = 100
ELLIPSIS = "…"


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size_pt: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@lru_cache(maxsize=2)
def _font(bold: bool):  # -> PIL.ImageFont.FreeTypeFont | None
    try:
        from PIL import ImageFont

        return ImageFont.truetype(str(FONT_FILES[bold]), _REF_SIZE)
    except (OSError, ImportError):
        return None


def has_font() -> bool:
    return _font(False) is not None and _font(True) is not None


@lru_cache(maxsize=4096)
def width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of one line of text in points at a font size."""
    font = _font(bold)
    if font is None:
        return len(text) * size_pt * _FALLBACK_EM[bold]
    return float(font.getlength(text)) * size_pt / _REF_SIZE


def wrap(text: str, box_pt: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap into lines no wider than box_pt; a word wider than a line is broken by characters."""
    limit = box_pt * WIDTH_SHARE
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if width_pt(candidate, size_pt, bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while width_pt(word, size_pt, bold) > limit:
                cut = _longest_prefix(word, limit, size_pt, bold)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _longest_prefix(word: str, limit: float, size_pt: float, bold: bool) -> int:
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width_pt(word[:mid], size_pt, bold) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return max(1, lo)


def fit(text: str, width_in: float, height_in: float, max_pt: int, min_pt: int | None = None,
        bold: bool = False, max_lines: int | None = None) -> Fitted:
    """The largest size from max_pt down to min_pt at which the wrapped text fits the box; at min_pt, the lines
    that fit, the last one ending in an ellipsis. Box sizes are the text area (margins already taken off)."""
    text = " ".join(text.split()) if "\n" not in text else "\n".join(" ".join(p.split()) for p in text.split("\n"))
    box_w, box_h = width_in * 72, height_in * 72
    min_pt = max_pt if min_pt is None else min_pt
    for size in range(max_pt, min_pt - 1, -1):
        lines = wrap(text, box_w, size, bold)
        room = int(box_h // (size * LINE_HEIGHT))
        if max_lines is not None:
            room = min(room, max_lines)
        if len(lines) <= room:
            return Fitted(tuple(lines), size)
    room = max(1, int(box_h // (min_pt * LINE_HEIGHT)))
    if max_lines is not None:
        room = min(room, max_lines)
    lines = wrap(text, box_w, min_pt, bold)[:room]
    lines[-1] = _with_ellipsis(lines[-1], box_w * WIDTH_SHARE, min_pt, bold)
    return Fitted(tuple(lines), min_pt)


def _with_ellipsis(line: str, limit: float, size_pt: float, bold: bool) -> str:
    while line and width_pt(line + ELLIPSIS, size_pt, bold) > limit:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
