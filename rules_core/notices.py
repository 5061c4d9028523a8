"""A plain-language notice of one assessment, as Markdown and as PDF: what a plan can send a
person about their loan. The person's dates with what each means, what happened, what to do,
the sources and the disclaimer.

The sentences are the core's own (explanations, timeline, next steps, citations, disclaimer);
the frame's words live in data/notice.yaml. One list of blocks is built per notice and written
twice, so the Markdown and the PDF say the same thing. The PDF is made with fpdf2 (pure Python;
imported only when a PDF is asked for).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .render import certainty_flag, dollars, long_date
from .yaml_data import load_yaml


@lru_cache(maxsize=1)
def words() -> Dict[str, Any]:
    return load_yaml((Path(__file__).parent / "data" / "notice.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Block:
    """One piece of a notice: kind is title, line, heading, para, item or more (a further
    paragraph of the item before); `lead` is said first, in bold."""
    kind: str
    text: str
    lead: str = ""


def _day(iso: str) -> str:
    return long_date(date.fromisoformat(iso))


def _sources(result: Dict[str, Any]) -> List[Dict[str, str]]:
    """Every citation the answer relies on, once each, in the order they first appear."""
    seen: Dict[str, Dict[str, str]] = {}
    for group in ("explanations", "timeline", "next_steps"):
        for entry in result.get(group) or ():
            for citation in entry.get("citations") or ():
                seen.setdefault(citation["id"], citation)
    return list(seen.values())


def _paragraphs(text: str) -> List[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def _topics(entries: Sequence[Dict[str, Any]], kind: str = "item") -> List[Block]:
    blocks: List[Block] = []
    for entry in entries:
        first, *rest = _paragraphs(entry["text"]) or [""]
        blocks.append(Block(kind, first, entry["title"] + "."))
        blocks.extend(Block("more", more) for more in rest)
    return blocks


def _tax_lines(result: Dict[str, Any]) -> List[Block]:
    w, lines = words(), []
    if result.get("form_1099r_box7"):
        lines.append(w["code_line"].format(code=result["form_1099r_box7"]))
    if result.get("taxable_amount") is not None and result.get("tax_year") is not None:
        lines.append(w["taxable_line"].format(tax_year=result["tax_year"],
                                              amount=dollars(Decimal(result["taxable_amount"]))))
    tax = result.get("additional_tax") or {}
    if tax.get("applies") is True and tax.get("amount") is not None:
        lines.append(w["additional_tax_line"].format(amount=dollars(Decimal(tax["amount"]))))
    elif tax.get("applies") is False:
        lines.append(w["no_additional_tax_line"])
    return [Block("item", line) for line in lines]


FRAMES = ("notice", "summary")


def frame_words(frame: str = "notice") -> Dict[str, Any]:
    """The frame's words: the plan's letter ("notice"), or the person's own summary to keep
    ("summary"), which replaces some of the letter's words with its own."""
    if frame not in FRAMES:
        raise ValueError(f"unknown frame {frame!r}: one of {', '.join(FRAMES)}")
    w = words()
    return w if frame == "notice" else {**w, **w[frame]}


def notice_blocks(result: Dict[str, Any], who: str = "", frame: str = "notice",
                  made: Optional[date] = None) -> List[Block]:
    """The notice of one assessment; `who` names the person (the batch row's identifiers).
    `frame` "summary" makes it the person's own summary; `made` is the day it was made."""
    w = frame_words(frame)
    h = w["headings"]
    blocks = [Block("title", w["title"])]
    if who:
        blocks.append(Block("line", w["for_line"].format(who=who)))
    if made is not None and w.get("made_line"):
        blocks.append(Block("line", w["made_line"].format(made=long_date(made))))
    blocks.append(Block("line", w["as_of_line"].format(as_of=_day(result["as_of"]))))
    explanations = result.get("explanations") or []
    happened = [e for e in explanations if e["topic"].startswith("result.")]
    meaning = [e for e in explanations if not e["topic"].startswith("result.")]
    blocks.append(Block("heading", h["what_happened"]))
    blocks += [Block("para", p) for e in happened for p in _paragraphs(e["text"])]
    dates = [e for e in result.get("timeline") or () if e["rule"] != "user_fact"]
    if dates:
        blocks.append(Block("heading", h["dates"]))
        blocks += [Block("item", e["says"] + certainty_flag(e.get("certainty")),
                         w["date_lead"].format(label=e["label"], date=_day(e["date"]))) for e in dates]
    taxes = _tax_lines(result)
    if taxes:
        blocks += [Block("heading", h["taxes"])] + taxes
    if meaning:
        blocks += [Block("heading", h["meaning"])] + _topics(meaning)
    if result.get("next_steps"):
        blocks += [Block("heading", h["to_do"])] + _topics(result["next_steps"])
    sources = _sources(result)
    if sources:
        blocks.append(Block("heading", h["sources"]))
        blocks += [Block("item", w["source_line"].format(**{k: c[k] for k in ("label", "title", "url")}))
                   for c in sources]
    blocks += [Block("heading", h["note"]), Block("para", result["disclaimer"])]
    return blocks


# ---- Markdown -----------------------------------------------------------------------------
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|!])")


def markdown_text(text: str) -> str:
    """Text from outside (a name in a spreadsheet) shown as itself, never as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(blocks: Sequence[Block]) -> str:
    out: List[str] = []
    for b in blocks:
        lead = f"**{b.lead}** " if b.lead else ""
        if b.kind == "title":
            out.append(f"# {b.text}")
        elif b.kind == "heading":
            out.append(f"## {b.text}")
        elif b.kind == "item":
            out.append(f"- {lead}{b.text}")
        elif b.kind == "more":
            out.append(f"  {b.text}")  # indented: the list item goes on
        else:
            out.append(f"{lead}{b.text}")
    # the items of one list are one Markdown list; every other block is its own paragraph
    parts: List[str] = []
    for i, line in enumerate(out):
        together = i > 0 and blocks[i - 1].kind == "item" and blocks[i].kind == "item"
        parts.append(("\n" if together else "\n\n") + line if i else line)
    return "".join(parts) + "\n"


# ---- PDF ------------------------------------------------------------------------------------
PDF_ENCODING = "windows-1252"  # the PDF's standard fonts: Western European text
_SIZES = {"title": 16, "heading": 12.5, "line": 10, "para": 10.5, "item": 10.5, "more": 10.5}
_SPACE_BEFORE = {"title": 0, "heading": 10, "line": 0, "para": 5, "item": 3, "more": 3}
_INDENT = 14


# Letters that have no accent to drop but a plain Latin twin (names from Central Europe), and
# signs with an ASCII spelling.
_PLAIN = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h", "→": "->", "≥": ">=", "≤": "<="}


def pdf_text(text: str) -> str:
    """Text the standard fonts can write: a character outside windows-1252 loses its accent
    if that is enough (ő -> o), or takes its plain twin (Ł -> L), else becomes the notice's
    stand-in character."""
    try:
        text.encode(PDF_ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode(PDF_ENCODING)
            out.append(ch)
        except UnicodeEncodeError:
            plain = _PLAIN.get(ch) or unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or words()["unwritable"])
    return "".join(out)


def to_pdf(blocks: Sequence[Block]) -> bytes:
    from fpdf import FPDF  # imported here: only notices need it

    pdf = FPDF(format="Letter", unit="pt")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_margins(60, 54, 60)
    pdf.set_auto_page_break(True, margin=54)
    pdf.add_page()
    for b in blocks:
        _pdf_block(pdf, b)
    return bytes(pdf.output())


def _runs(b: Block) -> List[Tuple[str, bool]]:
    """The block's words, each with whether it is bold."""
    bold_all = b.kind in ("title", "heading")
    lead = [(word, True) for word in pdf_text(b.lead).split()]
    return lead + [(word, bold_all) for word in pdf_text(b.text).split()]


def _lines(pdf: Any, runs: List[Tuple[str, bool]], size: float, width: float) -> List[List[Tuple[str, bool, float]]]:
    """Greedy word wrap: fpdf2's own wrapping re-measures the line for every character (about
    0.4 s a notice); measuring each word once is two orders of magnitude faster."""
    space = {bold: _width(pdf, " ", bold, size) for bold in (False, True)}
    lines: List[List[Tuple[str, bool, float]]] = [[]]
    used = 0.0
    for word, bold in runs:
        w = _width(pdf, word, bold, size)
        gap = space[bold] if lines[-1] else 0.0
        if lines[-1] and used + gap + w > width:
            lines.append([])
            used, gap = 0.0, 0.0
        lines[-1].append((word, bold, used + gap))
        used += gap + w
    return lines


_WIDTHS: Dict[Tuple[str, bool, float], float] = {}  # Helvetica's metrics are fixed: measure a word once


def _width(pdf: Any, text: str, bold: bool, size: float) -> float:
    key = (text, bold, size)
    found = _WIDTHS.get(key)
    if found is None:
        _style(pdf, bold, size)
        found = _WIDTHS[key] = pdf.get_string_width(text)
    return found


def _style(pdf: Any, bold: bool, size: float) -> None:
    style = "B" if bold else ""
    if pdf.font_style != style or pdf.font_size_pt != size or pdf.font_family != "helvetica":
        pdf.set_font("Helvetica", style, size)


def _spans(line: List[Tuple[str, bool, float]]) -> List[Tuple[str, bool, float]]:
    """A line's words joined into runs of one style: one text operation each."""
    spans: List[Tuple[str, bool, float]] = []
    for word, bold, x in line:
        if spans and spans[-1][1] == bold:
            spans[-1] = (spans[-1][0] + " " + word, bold, spans[-1][2])
        else:
            spans.append((word, bold, x))
    return spans


def _pdf_block(pdf: Any, b: Block) -> None:
    size = _SIZES[b.kind]
    height = size * 1.35
    indent = _INDENT if b.kind in ("item", "more") else 0
    left = pdf.l_margin + indent
    lines = _lines(pdf, _runs(b), size, pdf.w - pdf.r_margin - left)
    y = pdf.get_y() + _SPACE_BEFORE[b.kind]
    for number, line in enumerate(lines):
        if y + height > pdf.page_break_trigger:
            pdf.add_page()
            y = pdf.get_y()
        baseline = y + size
        if number == 0 and b.kind == "item":
            _style(pdf, False, size)
            pdf.text(pdf.l_margin, baseline, "-")
        for words_, bold, x in _spans(line):
            _style(pdf, bold, size)
            pdf.text(left + x, baseline, words_)
        y += height
    pdf.set_y(y)


def who_line(names: Sequence[str], values: Sequence[str]) -> str:
    """The identifiers of a batch row as one line: "employee_id E123, name Ann Lee"."""
    return ", ".join(f"{n} {v}".strip() for n, v in zip(names, values) if v.strip())


def notice_files(result: Dict[str, Any], names: Sequence[str] = (), values: Sequence[str] = ()) -> Tuple[str, bytes]:
    """(Markdown, PDF bytes) of one assessment's notice."""
    who = who_line(names, values)
    markdown = to_markdown(notice_blocks(result, markdown_text(who)))
    return markdown, to_pdf(notice_blocks(result, who))


# ---- a conversation's answer as a summary to keep -----------------------------------------------
def has_summary(result: Dict[str, Any]) -> bool:
    """An answer worth keeping: one that decided what happened (a notice is made on the same
    condition; a list of facts still needed is a question, not a summary)."""
    return result.get("classification") not in (None, "needs_more_facts")


def summary_pdf(result: Dict[str, Any], made: date) -> Tuple[str, bytes]:
    """(file name, PDF bytes) of one answer as the person's summary to keep: the notice's
    blocks in the summary frame, with the day it was made."""
    name = frame_words("summary")["filename"].format(as_of=result["as_of"])
    return name, to_pdf(notice_blocks(result, frame="summary", made=made))
