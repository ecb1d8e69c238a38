"""The record: what one input file becomes, and its JSON Lines contract.

Data flows one way: the extractor fills :class:`Reading` objects (a value
with where and how it was read), validation adds :class:`Finding` objects,
and :meth:`Record.to_contract` gives the line of ``records.jsonl`` exactly as
SPEC.md's export contract says. Provenance (source, page, position,
confidence, crop) stays on the readings for the store and the workbooks.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from questionnaire.definition import Form, load

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom, in points from the page's top-left corner
Status = Literal["ok", "review", "rejected"]
Severity = Literal["error", "warning", "info"]

# Where a value was read from.
SOURCE_FORM_FIELD = "form_field"
SOURCE_TEXT = "text"
SOURCE_ANNOTATION = "annotation"
SOURCE_OCR = "ocr"
SOURCE_TYPED = "typed"  # text typed over a picture of the form: an answer, never a label
SOURCE_CORRECTION = "correction"


PAGE_PICTURE_DPI = 100  # the whole page saved beside a scan's crops: enough to see where a zone is


def page_picture(crop: str) -> str:
    """The picture of the whole page a crop (``…/page002-siret.png``) was cut from, saved beside it."""
    folder, _, name = crop.rpartition("/")
    return f"{folder}/{name.split('-', 1)[0]}.png" if folder else f"{name.split('-', 1)[0]}.png"


def outlined_picture(crop: str) -> str:
    """The page picture with the zone of ``crop`` outlined (drawn for the review sheet), beside the crop."""
    return crop.removesuffix(".png") + "-page.png"


@dataclass
class Reading:
    """One field as read from the file.

    ``value`` is normalised to the field's type (null when blank or
    unreadable); ``raw`` is the text as read. ``doubt`` is a French sentence
    saying why a person must check the value; a reading with a doubt puts
    its key in the record's ``review`` list.
    """

    key: str
    value: Any = None
    raw: str | None = None
    source: str | None = None
    page: int | None = None  # 1-based page number in the file
    bbox: BBox | None = None  # in PDF points
    zone: BBox | None = None  # where the answer stands, read or not (points, on ``page``)
    confidence: float = 1.0
    doubt: str | None = None
    crop: str | None = None  # PNG of the zone, relative to the output folder

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _READING_FIELDS}
        data["bbox"] = list(self.bbox) if self.bbox else None
        data["zone"] = list(self.zone) if self.zone else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, boxes: bool = True) -> "Reading":
        """The reading of ``data`` (:meth:`to_dict`); without its ``boxes`` (``bbox``, ``zone``) when
        ``boxes`` is false: what needs no position on the page holds less (eight floats a reading)."""
        if data.keys() == _READING_KEYS:  # as :meth:`to_dict` gives it, every field: its values taken as they
            reading = cls.__new__(cls)  # are, without the dataclass's keyword arguments (a third of the time)
            reading.__dict__.update(data)
        else:  # another shape: the dataclass fills in what is missing, refuses what is unknown
            reading = cls(**data)  # the boxes made tuples after: copying ``data`` first cost a third more
        if not boxes:
            reading.bbox = reading.zone = None
            return reading
        if reading.bbox:
            reading.bbox = tuple(reading.bbox)
        if reading.zone:
            reading.zone = tuple(reading.zone)
        return reading


_READING_FIELDS = ("key", "value", "raw", "source", "page", "bbox", "zone", "confidence", "doubt", "crop")
_READING_KEYS = frozenset(_READING_FIELDS)


@dataclass
class Finding:
    key: str | None
    severity: Severity
    message: str
    rule: str = ""

    def to_contract(self) -> dict[str, Any]:
        return {"key": self.key, "severity": self.severity, "message": self.message}


@dataclass
class Record:
    """One input file, read and validated."""

    file: str  # path relative to the inbox, with forward slashes
    tender: str
    readings: dict[str, Reading] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # French reason when the file is rejected
    error_class: str | None = None  # "rejected" (unreadable) or "not_questionnaire"
    method: str | None = None  # how the file was read, e.g. "formulaire", "texte", "scan"
    pages: list[int] = field(default_factory=list)  # pages of the questionnaire in the file
    page_count: int | None = None
    sha256: str | None = None
    size: int | None = None
    form_id: str | None = None  # the form version the file answers (the reader's choice; the run's for a rejected file)
    form_digest: str | None = None  # the digest of the definition(s) it was read with (the cache's key)
    published_index: dict[str, Any] | None = None  # {"score": int | "NC" | None, "year": int} from Egapro
    file_bytes: str | None = None  # the path's raw bytes in hex, when they are not valid UTF-8

    @property
    def rejected(self) -> bool:
        return self.error is not None

    @property
    def form(self) -> Form:
        """The definition of the form version this record answers."""
        if self.form_id is None:
            raise ValueError(f"record of {self.file!r} has no form")
        return load(self.form_id)

    def fields(self, form: Form | None = None) -> dict[str, Any]:
        form = form or self.form
        if self.rejected:
            return form.empty_fields()
        return {key: (self.readings[key].value if key in self.readings else None)
                for key in form.keys}

    def raw(self) -> dict[str, str]:
        return {key: r.raw for key, r in self.readings.items() if r.raw not in (None, "")}

    def review(self, form: Form | None = None) -> list[str]:
        form = form or self.form
        return [key for key in form.keys if key in self.readings and self.readings[key].doubt]

    def unpictured(self, form: Form | None = None) -> list[Reading]:
        """The fields to check that have a zone on a page but no picture yet (read from a digital page)."""
        return [self.readings[key] for key in self.review(form)
                if self.readings[key].crop is None and self.readings[key].page and self.readings[key].zone]

    @property
    def status(self) -> Status:
        if self.rejected:
            return "rejected"
        if self.review() or any(f.severity == "error" for f in self.findings):
            return "review"
        return "ok"

    def to_contract(self, form: Form | None = None) -> dict[str, Any]:
        """The line of ``records.jsonl`` (SPEC.md, export contract)."""
        form = form or self.form
        line: dict[str, Any] = {
            "file": self.file,
            "tender": self.tender,
            "form": form.id,
            "status": self.status,
            "fields": self.fields(form),
            "raw": {} if self.rejected else self.raw(),
            "review": [] if self.rejected else self.review(form),
            "findings": [f.to_contract() for f in self.findings],
        }
        if self.rejected:
            line["error"] = self.error
        if self.file_bytes:
            line["file_bytes"] = self.file_bytes
        return line

    def to_dict(self) -> dict[str, Any]:
        """Everything, provenance included (for the store and the cache).

        Built by hand rather than with ``dataclasses.asdict``, whose deep
        copies cost more than reading a fillable form.
        """
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["readings"] = {k: r.to_dict() for k, r in self.readings.items()}
        data["findings"] = [{"key": f.key, "severity": f.severity, "message": f.message, "rule": f.rule}
                            for f in self.findings]
        data["pages"] = list(self.pages)
        data["published_index"] = dict(self.published_index) if self.published_index else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, boxes: bool = True) -> "Record":
        """The record of ``data`` (:meth:`to_dict`), its readings without their boxes unless ``boxes``
        (:meth:`Reading.from_dict`)."""
        data = dict(data)
        data["readings"] = {k: Reading.from_dict(r, boxes=boxes) for k, r in data.get("readings", {}).items()}
        data["findings"] = [Finding(**f) for f in data.get("findings", [])]
        return cls(**data)
