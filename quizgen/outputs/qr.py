"""QR codes for the address where a quiz's web page is published (segno: pure Python, SVG)."""

from __future__ import annotations

import io


def qr_svg(url: str) -> str:
    """A QR code of `url` as a small SVG document (black modules, a quiet zone of 2)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, border=2, omitsize=False)
    return out.getvalue().decode("utf-8")
