"""``egalite samples``: the sample inbox, with the truth beside every file.

:func:`build` writes ``inbox/<tender>/<file>`` as an officer receives it and
``truth/<tender>/<file>.json`` with what the pipeline must read from it
(format in ``tests/test_samples.py`` and the brief of the samples). Every
byte is deterministic: two builds give identical trees.

Conventions the truth follows where SPEC.md leaves a choice:
- ``raw`` holds the text as written only where it differs from the value
  as printed plainly (``45,5 %``, ``85/100``, ``abc``, a SIRET with spaces);
  ticks have no raw text, except two genders ticked ("Femme + Homme");
- a SIRET of 13 digits or with a bad checksum is kept as its digits, with an
  error (validation never changes what the bidder wrote);
- scans record ``"status": "ok"`` with ``"status_scan_may_review": true``.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from questionnaire.definition import Form, load
from samples import channels
from samples.answers import Filled, fill
from samples.bidders import BIDDERS, TENDERS, Tender
from samples.catalogue import NOT_QUESTIONNAIRE, SAMPLES, Sample
from samples.letters import cover_letter, quote
from samples.pdfs import encrypted
from samples.scan import Scanner, rendered, scanned_pages

LETTER_DATE = "3 février 2026"
PASSWORD = "Egalite2026!"


def build(inbox: Path, truth: Path) -> list[Path]:
    """Write every sample and its truth; return the inbox files written."""
    written: list[Path] = []
    for sample in SAMPLES:
        form = load(sample.form)
        filled = None if sample.bad else filled_form(sample, form)
        content, pages = render(sample, filled)
        target = inbox / sample.tender / sample.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        record = truth / sample.tender / f"{sample.file}.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(expected(sample, filled, pages, form), ensure_ascii=False, indent=1)
                          + "\n", encoding="utf-8")
        written.append(target)
    return written


def tender(ref: str) -> Tender:
    return next(t for t in TENDERS if t.ref == ref)


def filled_form(sample: Sample, form: Form) -> Filled:
    filled = fill(BIDDERS[sample.bidder], sample.tender, form, siret_spaced=sample.siret_spaced)
    for defect in sample.defects:
        defect(filled, form)
    return filled


def render(sample: Sample, filled: Filled | None) -> tuple[bytes, list[int]]:
    """The file's bytes and the pages of the questionnaire in it (1-based)."""
    if filled is None:
        return bad_file(sample), []
    if sample.channel == "embedded":
        inner = questionnaire(sample, filled, sample.inner)
        content = channels.embedded(inner, BIDDERS[sample.bidder], tender(sample.tender), LETTER_DATE,
                                    sample.path)
        return content, [2, 3, 4]
    return questionnaire(sample, filled, sample.channel), [1, 2, 3]


def questionnaire(sample: Sample, filled: Filled, channel: str) -> bytes:
    match channel:
        case "fillable":
            return channels.fillable(filled)
        case "flattened":
            return channels.flattened(filled)
        case "typed" | "word":
            return channels.typed(filled, sample.pen, sample.style)
        case "annotations":
            return channels.annotated(filled, sample.path)
        case "generic_fillable":
            return channels.generic_fillable(filled, sample.on_state, sample.path)
        case "scan":
            return channels.scan(filled, sample.pen, sample.scanner or Scanner())
    raise ValueError(f"unknown channel {channel}")


def bad_file(sample: Sample) -> bytes:
    """Files an officer receives that cannot be read as a questionnaire."""
    bidder, consultation = BIDDERS[sample.bidder], tender(sample.tender)
    clean = fill(bidder, sample.tender, load("egalite-2024"))
    match sample.bad:
        case "empty":
            return b""
        case "truncated":  # an upload cut short: no cross-reference table, no trailer
            pdf = channels.fillable(clean)
            return pdf[:len(pdf) * 2 // 5]
        case "encrypted":
            return encrypted(channels.fillable(clean), PASSWORD, sample.path)
        case "photo":  # a phone photo saved with a .pdf name: JPEG bytes
            return photo(channels.typed(clean, channels.Pen(tick="hand")))
        case "screenshot":  # a PNG screenshot renamed .pdf
            return screenshot(channels.flattened(clean))
        case "cover_letter":
            return cover_letter(bidder, consultation, LETTER_DATE)
        case "quote":
            return quote(bidder, consultation)
    raise ValueError(f"unknown bad file kind {sample.bad}")


def photo(pdf: bytes) -> bytes:
    """The first page of ``pdf`` photographed: a small JPEG."""
    return scanned_pages(pdf, Scanner(dpi=90, angle=2.0, seed=5))[0]


def screenshot(pdf: bytes) -> bytes:
    """The first page of ``pdf`` as a PNG image."""
    out = io.BytesIO()
    rendered(pdf, 60)[0].save(out, "PNG")
    return out.getvalue()


def expected(sample: Sample, filled: Filled | None, pages: list[int], form: Form) -> dict[str, Any]:
    """The truth file of one sample."""
    if filled is None:
        error_class = "not_questionnaire" if sample.bad in NOT_QUESTIONNAIRE else "rejected"
        return {"file": sample.path, "tender": sample.tender, "form": form.id, "channel": "bad", "bad": sample.bad,
                "status": "rejected", "error_class": error_class, "pages": [],
                "fields": form.empty_fields(), "raw": {}, "findings": []}
    errors = any(severity == "error" for _, severity in filled.findings)
    truth: dict[str, Any] = {
        "file": sample.path, "tender": sample.tender, "form": form.id, "channel": sample.channel,
        "status": "review" if errors else "ok", "error_class": None, "pages": pages,
        "fields": {key: filled.fields[key] for key in form.keys},
        "raw": dict(sorted(filled.raw.items())),
        "findings": [{"key": key, "severity": severity} for key, severity in filled.findings],
    }
    if sample.channel == "scan":
        truth["status_scan_may_review"] = True
    return truth
