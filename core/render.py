"""Charts to SVG through vl-convert, in a child process so that nothing it does can take the server down.

vl-convert is native code (Rust and a JavaScript engine). A control character in a chart label made it
panic, and a panic in native code aborts the whole process: with the renderer inside the Streamlit
server, every user saw "Connection error". Labels are cleaned before they reach a chart (core.text), and
the renderer still runs in a child with a time limit and a memory limit; when the child dies, each chart is retried alone
so one bad chart costs only itself. `python -m core.render` is the child: JSON specs in, JSON SVGs out (or
PNGs, base64-encoded, for the slide deck).
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from pathlib import Path

from core import limits

ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger("airr.render")


def _run(specs: list[str], fmt: str = "svg") -> list[str | None] | None:
    """SVGs (or base64 PNGs) from one child process, or None when the child died, hung or answered nonsense."""
    try:
        done = subprocess.run([sys.executable, "-m", "core.render", fmt], input=json.dumps(specs).encode("utf-8"),
                              capture_output=True, timeout=limits.RENDER_TIMEOUT_S.value, check=False, cwd=ROOT)
    except (subprocess.TimeoutExpired, OSError) as exc:
        log.warning("chart renderer did not finish: %s", type(exc).__name__)
        return None
    if done.returncode != 0:
        log.warning("chart renderer exited with status %s", done.returncode)
        return None
    try:
        svgs = json.loads(done.stdout)
    except ValueError:
        return None
    return svgs if isinstance(svgs, list) and len(svgs) == len(specs) else None


def to_svg(specs: list[str]) -> list[str | None]:
    """Each Vega-Lite spec (JSON text) as SVG text, or None for a chart that could not be drawn."""
    if not specs:
        return []
    svgs = _run(specs)
    if svgs is None and len(specs) > 1:
        svgs = [(_run([spec]) or [None])[0] for spec in specs]
    return svgs or [None] * len(specs)


def to_png(specs: list[str], scale: float = 2.0) -> list[bytes | None]:
    """Each Vega-Lite spec as PNG bytes (drawn at `scale` times its size, sharp on a projector), or None
    for a chart that could not be drawn; the same child process and limits as to_svg."""
    if not specs:
        return []
    fmt = f"png:{scale:g}"
    pngs = _run(specs, fmt)
    if pngs is None and len(specs) > 1:
        pngs = [(_run([spec], fmt) or [None])[0] for spec in specs]
    return [base64.b64decode(p) if isinstance(p, str) else None for p in (pngs or [None] * len(specs))]


def _cap_memory() -> None:
    """Bound the child's data memory (RLIMIT_DATA) so a huge chart cannot take the machine's memory.

    Not RLIMIT_AS: the renderer's JavaScript engine reserves far more address space than it uses and
    aborts at start under any address-space cap we tried (16 GB included). Past the data cap the child
    dies, and to_svg reports that chart as not drawn.
    """
    import resource

    cap = limits.RENDER_MEMORY_MB.value << 20
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _child() -> None:
    _cap_memory()
    import vl_convert as vlc

    fmt = sys.argv[1] if len(sys.argv) > 1 else "svg"
    specs = json.loads(sys.stdin.buffer.read())
    out: list[str | None] = []
    for spec in specs:
        try:
            if fmt.startswith("png:"):
                out.append(base64.b64encode(vlc.vegalite_to_png(spec, scale=float(fmt[4:]))).decode("ascii"))
            else:
                out.append(vlc.vegalite_to_svg(spec))
        except Exception:  # noqa: BLE001 - a chart the renderer refuses is drawn as "not available"
            out.append(None)
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _child()
