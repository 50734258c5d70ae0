"""Corrections: a person's value for an extracted field, applied over the extraction.

A contract admin who sees "notice period 60 days" where the contract says ninety fixes it
once and expects it to stay fixed: through re-extraction, in every deadline and alert.
So a correction is kept apart from the extraction (the portfolio stores it on its own)
and applied to whatever the extractor produces for that file (`apply_corrections`); the
record carries the corrections it has, each with the extracted value it replaced, which
is enough to get the extraction back (`extracted_record`) when one is undone.

Pure functions; the portfolio backends do the storing.

Fields that can be corrected (`FIELDS`, plus `parties.N.name` / `parties.N.role` with
N counted from 1, as the parties are listed): dates, terms, renewal mechanics, title and
governing law. Values are validated by the record's own pydantic models: whatever a
record can hold, a correction can set, and nothing else.

Derived values follow the corrected ones:
* `renewal.current_term_end` and `renewal.notice_deadline` are recomputed (as the
  extractor computes them, as of the day of the latest correction) when a date, term or
  renewal field is corrected;
* an expiration date the extractor computed from the start date and the initial term
  (it says so in a warning) is computed again when one of those is corrected, unless the
  expiration date is itself corrected.
The extracted values of recomputed fields are kept in the record's `recomputed`, so the
extraction can always be had back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, JsonValue, TypeAdapter, ValidationError

from schemas.record import ContractRecord, Correction, Duration, Party, Renewal
from schemas.terms import roll_forward, term_end


class InvalidCorrection(ValueError):
    """A correction that cannot be applied; the message names the field and the cause."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class FieldKind:
    """How a field's value is written as text, and whether it may be empty."""

    kind: str  # "text", "date", "duration", "bool"
    nullable: bool
    label: str


FIELDS: dict[str, FieldKind] = {
    "title": FieldKind("text", True, "title"),
    "agreement_date": FieldKind("date", True, "agreement date"),
    "effective_date": FieldKind("date", True, "effective date"),
    "expiration_date": FieldKind("date", True, "expiration date"),
    "perpetual": FieldKind("bool", False, "perpetual"),
    "initial_term": FieldKind("duration", True, "initial term"),
    "renewal.auto_renews": FieldKind("bool", False, "auto-renews"),
    "renewal.renewal_term": FieldKind("duration", True, "renewal term"),
    "renewal.notice_period": FieldKind("duration", True, "notice period"),
    "renewal.evergreen": FieldKind("bool", False, "evergreen"),
    "governing_law": FieldKind("text", True, "governing law"),
}
"""The correctable scalar fields, in the order a contract page lists them."""

PARTY_FIELDS: dict[str, FieldKind] = {
    "name": FieldKind("text", False, "name"),
    "role": FieldKind("text", True, "role"),
}
_PARTY = re.compile(r"^parties\.([1-9][0-9]{0,2})\.(name|role)$")

TERM_FIELDS = frozenset(FIELDS) - {"title", "governing_law"}
"""Fields whose correction moves the term end or the notice deadline."""
_START_FIELDS = frozenset({"agreement_date", "effective_date", "initial_term"})
COMPUTED_EXPIRATION = "expiration date computed from "
"""How the extractor's warning begins when it computed the expiration date itself."""
RECOMPUTED_EXPIRATION = "expiration date recomputed as "
"""Our warning when a correction moved a computed expiration date (removed on revert)."""

_CLEAR = frozenset({"", "none", "null", "-"})
_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(
    r"^(\d{1,5})\s*(business[ _]days?|days?|weeks?|months?|years?)$", re.IGNORECASE
)
UNITS_HINT = "days, business days, weeks, months, years"


def field_kind(field: str) -> FieldKind:
    """The kind of a correctable field; `InvalidCorrection` for any other name."""
    if field in FIELDS:
        return FIELDS[field]
    match = _PARTY.match(field)
    if match:
        kind = PARTY_FIELDS[match.group(2)]
        return FieldKind(kind.kind, kind.nullable, f"party {match.group(1)} {kind.label}")
    raise InvalidCorrection(
        field or "(no field)",
        "this field cannot be corrected; correctable fields: "
        + ", ".join(FIELDS) + ", parties.N.name, parties.N.role (N = 1 for the first party)",
    )


def _path(field: str) -> list[str | int]:
    """`parties.2.name` -> ["parties", 1, "name"] (party numbers count from 1)."""
    parts: list[str | int] = []
    for part in field.split("."):
        parts.append(int(part) - 1 if part.isdigit() else part)
    return parts


def _parse_text(field: str, kind: FieldKind, text: str) -> JsonValue:
    text = text.strip()
    if text.lower() in _CLEAR and (kind.kind != "text" or not text):
        if not kind.nullable:
            raise InvalidCorrection(field, f"{kind.label} cannot be empty")
        return None
    if kind.kind == "text":
        return text
    if kind.kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise InvalidCorrection(field, f"{text!r} is not yes/no: write true or false")
    if kind.kind == "date":
        if not _ISO_DATE.match(text):
            raise InvalidCorrection(field, f"{text!r} is not a date like 2027-02-28")
        return text
    match = _DURATION.match(" ".join(text.split()))
    if not match:
        raise InvalidCorrection(
            field, f"{text!r} is not a duration: write a number and a unit, e.g. '90 days' "
            f"(units: {UNITS_HINT})")
    unit = match.group(2).lower().replace(" ", "_")
    return {"count": int(match.group(1)), "unit": unit if unit.endswith("s") else unit + "s"}


def _annotation(field: str) -> Any:
    """The type the record declares for `field` (the same pydantic type validates both)."""
    *owners, name = [p for p in field.split(".") if not p.isdigit()]
    model: type[BaseModel] = ContractRecord
    if owners == ["renewal"]:
        model = Renewal
    elif owners == ["parties"]:
        model = Party
    return model.model_fields[name].annotation


def parse_value(field: str, value: JsonValue) -> JsonValue:
    """The value in the record's JSON form, from text ("90 days") or typed JSON.

    The text forms are read here; the result is then validated by the pydantic type the
    record declares for the field, so an impossible date (2027-02-30) or a negative count
    is refused with the field named.
    """
    kind = field_kind(field)
    if isinstance(value, str):
        value = _parse_text(field, kind, value)
    if value is None and not kind.nullable:
        raise InvalidCorrection(field, f"{kind.label} cannot be empty")
    if kind.kind == "bool" and not isinstance(value, bool):
        raise InvalidCorrection(field, f"{value!r} is not yes/no: write true or false")
    if kind.kind == "text" and value is not None and not isinstance(value, str):
        raise InvalidCorrection(field, f"{value!r} is not text")
    adapter: TypeAdapter[Any] = TypeAdapter(_annotation(field))
    try:
        typed = adapter.validate_python(value, strict=kind.kind == "bool")
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        detail = f"{where}: {problem['msg']}" if where else problem["msg"]
        raise InvalidCorrection(field, f"{value!r} is not valid ({detail})") from None
    result: JsonValue = adapter.dump_python(typed, mode="json")
    return result


def new_correction(
    field: str, value: JsonValue, *, by: str, note: str | None = None,
    at: datetime | None = None,
) -> Correction:
    """A correction of `field` to `value` (text or JSON), checked for form."""
    field = field.strip()
    parsed = parse_value(field, value)
    who = (by or "").strip()
    if not who:
        raise InvalidCorrection(field, "say who makes the correction (a user name)")
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return Correction(field=field, value=parsed, by=who, at=when,
                      note=(note or "").strip() or None)


# --- reading and writing fields of a record as JSON ------------------------------------


def _get(data: dict[str, Any], field: str) -> Any:
    node: Any = data
    for part in _path(field):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return _MISSING
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return _MISSING
            node = node[part]
    return node


def _set(data: dict[str, Any], field: str, value: Any) -> bool:
    """Set `field` in `data`; False when the path does not exist (no such party)."""
    *head, last = _path(field)
    node: Any = data
    for part in head:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return False
        elif not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if not isinstance(node, dict) or not isinstance(last, str):
        return False
    node[last] = value
    return True


_MISSING = object()


def field_value(record: ContractRecord, field: str) -> JsonValue:
    """The current value of a correctable field, in JSON form (None if absent)."""
    value = _get(record.model_dump(mode="json"), field)
    return None if value is _MISSING else value


def describe(value: JsonValue) -> str:
    """A value as a person reads it: '90 days', '2027-02-28', 'yes', '—'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and {"count", "unit"} <= set(value):
        try:
            return str(Duration.model_validate(value))
        except ValidationError:
            return str(value)
    return str(value)


# --- applying and reverting --------------------------------------------------------------


def _validated(data: dict[str, Any], field: str) -> ContractRecord:
    try:
        return ContractRecord.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise InvalidCorrection(field, problem["msg"]) from None


_DERIVED = ("expiration_date", "renewal.current_term_end", "renewal.notice_deadline")


def _recompute_terms(record: ContractRecord, fields: set[str], as_of: date) -> ContractRecord:
    """Derived dates after corrections of `fields` (see the module docstring)."""
    if not fields & TERM_FIELDS:
        return record
    update: dict[str, Any] = {}
    expiration = record.expiration_date
    computed = any(w.startswith(COMPUTED_EXPIRATION) for w in record.warnings)
    if computed and fields & _START_FIELDS and "expiration_date" not in fields:
        start, term = record.start_date, record.initial_term
        expiration = term_end(start, term) if start and term else None
        update["expiration_date"] = expiration
        if expiration != record.expiration_date:
            shown = expiration.isoformat() if expiration else "unknown"
            update["warnings"] = [*record.warnings, f"{RECOMPUTED_EXPIRATION}{shown} from the "
                                  "corrected start date and initial term"]
    renewal = record.renewal
    current_end = notice = None
    if expiration is not None:
        rolling = renewal.renewal_term if renewal.auto_renews else None
        period = renewal.notice_period if renewal.auto_renews else None
        position = roll_forward(expiration, rolling, period, as_of)
        current_end, notice = position.current_term_end, position.notice_deadline
    update["renewal"] = renewal.model_copy(
        update={"current_term_end": current_end, "notice_deadline": notice})
    return record.model_copy(update=update)


def _ours(warning: str) -> bool:
    """Warnings `apply_corrections` adds (and `extracted_record` takes out again)."""
    return warning.startswith(RECOMPUTED_EXPIRATION) or (
        warning.startswith("correction of ") and " not applied: " in warning)


def apply_corrections(
    extracted: ContractRecord, corrections: Iterable[Correction]
) -> ContractRecord:
    """`extracted` with `corrections` applied, listed in `corrections`.

    Each listed correction's `extracted` is the value `extracted` holds for its field.
    Dates derived from corrected values are recomputed as of the day of the latest
    correction (so the result depends on nothing but its inputs), and the extracted
    values they replace are kept in `recomputed`. A correction of a party the record does
    not have (re-extraction found fewer parties) is listed, not applied, and named in a
    warning.
    """
    chosen = {c.field: c for c in corrections}
    if not chosen:
        return extracted
    data = extracted.model_dump(mode="json")
    listed: list[Correction] = []
    missing: list[str] = []
    for field in sorted(chosen, key=_order):
        correction = chosen[field]
        before = _get(data, field)
        if before is _MISSING or not _set(data, field, correction.value):
            missing.append(field)
            listed.append(correction.model_copy(update={"extracted": None}))
            continue
        listed.append(correction.model_copy(update={"extracted": before}))
    data["warnings"] = [*data.get("warnings", []), *(
        f"correction of {field} not applied: the record has no such party" for field in missing)]
    record = _validated(data, ", ".join(field for field in sorted(chosen, key=_order)))
    as_of = max(c.at for c in chosen.values()).astimezone(UTC).date()
    record = _recompute_terms(record, set(chosen) - set(missing), as_of)
    after = record.model_dump(mode="json")
    recomputed = {field: _get(data, field) for field in _DERIVED
                  if field not in chosen and _get(after, field) != _get(data, field)}
    return record.model_copy(update={"corrections": listed, "recomputed": recomputed})


def extracted_record(record: ContractRecord) -> ContractRecord:
    """The record as extracted: `record` (corrected) with every change reverted exactly."""
    if not record.corrections and not record.recomputed:
        return record
    data = record.model_dump(mode="json")
    data.pop("corrections", None)
    data.pop("recomputed", None)
    data["warnings"] = [w for w in data.get("warnings", []) if not _ours(w)]
    originals: dict[str, Any] = dict(record.recomputed)
    for correction in record.corrections:
        if _get(data, correction.field) is not _MISSING:
            originals[correction.field] = correction.extracted
    for field, value in originals.items():
        _set(data, field, value)
    return _validated(data, ", ".join(sorted(originals, key=_order)) or "corrections")


def with_correction(record: ContractRecord, correction: Correction) -> ContractRecord:
    """The stored (corrected) `record` with one more correction, or one replaced."""
    kept = [c for c in record.corrections if c.field != correction.field]
    return apply_corrections(extracted_record(record), [*kept, correction])


def without_correction(record: ContractRecord, field: str) -> ContractRecord:
    """The stored (corrected) `record` with the correction of `field` undone."""
    kept = [c for c in record.corrections if c.field != field]
    return apply_corrections(extracted_record(record), kept)


def _order(field: str) -> tuple[int, str]:
    names = list(FIELDS)
    return (names.index(field), field) if field in names else (len(names), field)
