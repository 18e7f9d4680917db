"""The HTML handout and answer key: one self-contained page each, made from the print data.

The same data (`printing.quiz_data`, `printing.key_data`) feeds the PDF templates, so the page and
the PDF hold the same questions in the same order. Every string from the bank is escaped here.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from quizgen.bank.model import Bank
from quizgen.outputs.printdata import AboutData, CommonData, EvidenceData, QuestionData
from quizgen.outputs.printing import PrintOptions, key_data, quiz_data

_CSS = """
body { font-family: "Source Sans Pro", "Source Sans 3", Arial, sans-serif; font-size: %(size)s;
  line-height: 1.5; color: #000; background: #fff; max-width: 46em; margin: 2em auto;
  padding: 0 1em; text-align: left; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; }
.about { border: 2px solid #000; padding: 0.5em 1em; }
.meta { font-size: 1em; }
ol.questions > li, ol.key > li { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
.options { list-style: none; padding-left: 0.5em; }
.box { display: inline-block; width: 0.8em; height: 0.8em; border: 2px solid #000;
  margin-right: 0.5em; vertical-align: -0.05em; }
.blank { display: inline-block; min-width: 6em; border-bottom: 2px solid #000; }
.line { border-bottom: 1px solid #000; height: 2em; }
.tf b { margin-right: 3em; }
header { border-bottom: 1px solid #000; margin-bottom: 1em; }
/* Printing: the browser's page, not the screen's column. The credit and disclaimer sit at the top
   (browsers do not reliably keep a closing footer with the last question, and a footer moved on
   alone makes a page holding nothing but the disclaimer). */
@media print {
  @page { margin: 12mm 14mm; }
  body { max-width: none; margin: 0; padding: 0; }
  a { color: #000; }
  .about, section { break-inside: avoid; page-break-inside: avoid; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_page(title: str, large: bool, header: list[str], main: list[str], lang: str = "en") -> str:
    """One page: everything inside a landmark (header, main), as screen readers expect."""
    css = _CSS % {"size": "18pt" if large else "12pt"}
    body = ["<header>", *header, "</header>", "<main>", *main, "</main>"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_esc(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(title)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_header(data: CommonData, heading: str) -> list[str]:
    out = [f"<h1>{_esc(heading)}</h1>"]
    if data["subtitle"]:
        out.append(f'<p class="meta"><strong>{_esc(data["subtitle"])}</strong></p>')
    if data["form"]:
        form = data["labels"]["form"].replace("{form}", data["form"])
        out.append(f'<p class="meta"><strong>{_esc(form)}</strong></p>')
    return out


def _html_credit(data: CommonData) -> list[str]:
    """The credit and the disclaimer, under the title: read first, and printed on the first page."""
    out = [
        f'<p class="credit">{_esc(data["credit"])}</p>',
        f"<p><strong>{_esc(data['disclaimer'])}</strong></p>",
    ]
    if data["notice"]:
        out.append(f'<p class="notice"><strong>{_esc(data["notice"])}</strong></p>')
    return out


def _html_evidence(ev: EvidenceData) -> str:
    """`<b>The article says:</b> “...”`, or `From Title, Publisher <b>(not from the article)</b>: URL`."""
    parts = [f"<strong>{_esc(ev['label'])}</strong>"] if ev["label"] else []
    parts.append(_esc(ev["text"]))
    if ev["marker"]:
        parts.append(f"<strong>{_esc(ev['marker'])}</strong>")
    line = " ".join(parts)
    if ev["url"]:
        line += f': <a href="{_esc(ev["url"])}">{_esc(ev["url"])}</a>'
    return f'<p class="evidence">{line}</p>'


def _html_safety_notes(data: CommonData) -> list[str]:
    """The safety notes under their own heading, each with its reference (not from the article)."""
    safety = data["safety"]
    if not safety["notes"]:
        return []
    out = [f'<section class="safety"><h2>{_esc(safety["heading"])}</h2>', "<ul>"]
    for n in safety["notes"]:
        link = f'<a href="{_esc(n["url"])}">{_esc(n["url"])}</a>'
        out.append(f'<li><p>{_esc(n["text"])}</p><p class="meta">{_esc(n["source"])} {link}</p></li>')
    out += ["</ul>", "</section>"]
    return out


def _html_main_points(data: CommonData) -> list[str]:
    """The banks' main points, for after the questions (before them they would give answers away)."""
    out: list[str] = []
    for about in data["about"]:
        if about["summary"]:
            out.append('<section class="main-points">')
            out.append(f"<h2>{_esc(data['labels']['main_points'])}</h2>")
            if len(data["about"]) > 1:
                out.append(f"<p><strong>{_esc(about['article'])}</strong></p>")
            out.append("<ul>")
            out.extend(f"<li>{_esc(s)}</li>" for s in about["summary"])
            out.append("</ul>")
            out.append("</section>")
    return out


def _html_question(q: QuestionData, labels: dict[str, str]) -> str:
    parts = ["<li>"]
    if q["type"] == "cloze":
        pieces = []
        for s in q["segments"]:
            if "text" in s:
                pieces.append(_esc(s["text"]))
            else:
                label = f"({s['blank']}) " if s["blank"] else ""
                hint = f" ({_esc(s['hint'])})" if s["hint"] else ""
                pieces.append(f'{label}<span class="blank"></span>{hint}')
        parts.append(f"<p>{''.join(pieces)}</p>")
    else:
        parts.append(f"<p>{_esc(q['prompt'])}</p>")
    if q["instruction"]:
        parts.append(f"<p><em>{_esc(q['instruction'])}</em></p>")
    if q["options"]:
        parts.append('<ul class="options">')
        parts.extend(
            f'<li><span class="box"></span><strong>{o["label"]}.</strong> {_esc(o["text"])}</li>'
            for o in q["options"]
        )
        parts.append("</ul>")
    if q["type"] == "true_false":
        circle, true, false = (_esc(labels[k]) for k in ("circle_one", "true", "false"))
        parts.append(f'<p class="tf">{circle} <b>{true}</b> <b>{false}</b></p>')
    parts.extend('<div class="line"></div>' for _ in range(q["lines"]))
    parts.append("</li>")
    return "\n".join(parts)


def _html_online(about: AboutData, labels: dict[str, str]) -> list[str]:
    """Where the quiz is online: the address as a link and its QR code (an SVG image)."""
    url, qr = about["publish_url"], about["qr"]
    if not url or not qr:
        return []
    image = "data:image/svg+xml;base64," + base64.b64encode(qr.encode("utf-8")).decode("ascii")
    alt = _esc(labels["qr_alt"].replace("{url}", url))
    return [
        f'<p><img class="qr" src="{image}" alt="{alt}" width="120" height="120">',
        f'<strong>{_esc(labels["online"])}</strong> <a href="{_esc(url)}">{_esc(url)}</a></p>',
    ]


def render_handout_html(banks: Sequence[Bank], options: PrintOptions) -> str:
    """The quiz as one self-contained HTML page (same content and order as the PDF)."""
    data = quiz_data(banks, options)
    header = _html_header(data, data["title"]) + _html_credit(data)
    labels = data["labels"]
    name, date = _esc(labels["name"]), _esc(labels["date"])
    body = [f'<p class="meta">{name} ____________________ {date} ____________</p>']
    body.append('<section class="about">')
    body.append(f"<h2>{_esc(labels['about'])}</h2>")
    for about in data["about"]:
        source = _esc(about["article"])
        if about["url"]:
            source += f' (<a href="{_esc(about["url"])}">{_esc(about["url"])}</a>)'
        body.append(f"<p>{_esc(labels['about_from'])} {source}.</p>")
        body.extend(_html_online(about, labels))
    body.append("</section>")
    body.append(f"<p>{_esc(data['instructions'])}</p>")
    body.append('<ol class="questions">')
    body.extend(_html_question(q, labels) for q in data["questions"])
    body.append("</ol>")
    body.extend(_html_main_points(data))
    body.extend(_html_safety_notes(data))
    return _html_page(data["title"], options.large_print, header, body, data["lang"])


def render_answer_key_html(banks: Sequence[Bank], options: PrintOptions) -> str:
    """The answer key as one self-contained HTML page."""
    data = key_data(banks, options)
    labels = data["labels"]
    title = labels["answer_key_of"].replace("{title}", data["title"])
    answer, why, section = (_esc(labels[k]) for k in ("answer", "why", "section"))
    header = _html_header(data, title) + _html_credit(data)
    body = ['<ol class="key">']
    for e in data["entries"]:
        body.append("<li>")
        body.append(f"<p>{_esc(e['prompt'])}</p>")
        body.append(f"<p><strong>{answer}</strong> {_esc(e['answer'])}</p>")
        if e["also"]:
            body.append(f"<p>{_esc(e['also'])}</p>")
        body.append(f"<p><strong>{why}</strong> {_esc(e['explanation'])}</p>")
        body.append(f"<p><strong>{section}</strong> {_esc(e['section'])}</p>")
        body.extend(_html_evidence(ev) for ev in e["evidence"])
        body.append("</li>")
    body.append("</ol>")
    body.extend(_html_main_points(data))
    body.extend(_html_safety_notes(data))
    return _html_page(title, options.large_print, header, body, data["lang"])
