"""Customers in the workspace file: the ``customers:`` seeds (name, aliases, lifecycle stage, account manager,
external id) and the ``customers_at_risk:`` rule, with what makes two names the same customer.

Names are compared folded (:func:`fold_name`: width, case and spacing do not count), so "ACME Corp", "acme  corp"
and "ＡＣＭＥ Corp" are one customer, and a name or alias belongs to one customer only. The same rules check the
file, a CSV import and what people type in Slack.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from config.ids import UserId

LifecycleStage = Literal["acquisition", "conversion", "retention", "growth", "win-back"]
LIFECYCLE_STAGES: tuple[LifecycleStage, ...] = ("acquisition", "conversion", "retention", "growth", "win-back")
# How people write the stage besides the stored spelling: the contract's ``winback``, ``win back``, ``win_back``.
_STAGE_SPELLINGS = {"winback": "win-back", "win back": "win-back", "win_back": "win-back"}
MAX_NAME = 200  # the column's width
MAX_EXTERNAL_ID = 100
MAX_ALIASES = 20  # a customer's other names; more would not read on a card
MIN_KEY = 2  # a one-letter alias would link half the tickets by their text
MAX_SUGGESTION = 500


def fold_name(text: str) -> str:
    """A name as it is compared: full-width letters and compatibility forms folded (NFKC), case folded, runs of
    blanks made one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def stage_of(value: object) -> str | None:
    """A lifecycle stage as written (``Retention``, ``winback``) → its stored spelling, ``None`` for blank;
    ``ValueError`` naming the stages for anything else."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().split())
    if not text:
        return None
    stage = _STAGE_SPELLINGS.get(text, text)
    if stage not in LIFECYCLE_STAGES:
        allowed = ", ".join(s if s != "win-back" else "winback" for s in LIFECYCLE_STAGES)
        raise ValueError(f"unknown stage {value!r}: write one of {allowed}")
    return stage


def written_stage(stage: str | None) -> str | None:
    """A stored stage as the workspace file and the exports write it: the contract's ``winback`` for the stored
    ``win-back`` (what the ticket form has always stored), so what is exported reads as the file is written."""
    return "winback" if stage == "win-back" else stage


def name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as a customer's name or alias, or ``None``."""
    if not name.strip():
        return "must not be empty"
    if any(unicodedata.category(character) == "Cc" for character in name):
        return "contains a control character (a tab, a line break, a NUL): write the name on one line"
    if len(name.strip()) > MAX_NAME:
        return f"is {len(name.strip())} characters long; at most {MAX_NAME}"
    if len(fold_name(name)) < MIN_KEY:
        return f"{name.strip()!r} is too short to recognise a customer by (at least {MIN_KEY} characters)"
    return None


def _text(value: object) -> object:
    # A CRM id written unquoted in YAML reads as a number; it is still an id.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _stage(value: object) -> object:
    return stage_of(value)


class CustomerSeed(BaseModel):
    """One entry of ``customers:``: a customer the file creates if the database does not have it yet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    aliases: list[str] = Field(default_factory=list, max_length=MAX_ALIASES)
    stage: Annotated[LifecycleStage | None, BeforeValidator(_stage)] = None
    manager: UserId | None = None
    external_id: Annotated[str | None, BeforeValidator(_text)] = Field(default=None, max_length=MAX_EXTERNAL_ID)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(f"the name {problem}")
        return value.strip()

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        for number, value in enumerate(values, start=1):
            problem = name_problem(value)
            if problem:
                raise ValueError(f"alias {number} {problem}")
        return [value.strip() for value in values]

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("external_id must not be empty; leave it out instead")
        return value.strip() if value is not None else None


class CustomersAtRisk(BaseModel):
    """``customers_at_risk:``: a customer with ``complaints`` complaints within ``days`` is flagged at risk on its
    card, and its account manager is told once, with ``suggestion`` (a win-back step; the catalogue's when left
    out)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    complaints: int = Field(default=2, ge=1, le=100)
    days: int = Field(default=30, ge=1, le=365)
    suggestion: str | None = Field(default=None, max_length=MAX_SUGGESTION)

    @field_validator("suggestion")
    @classmethod
    def _suggestion(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("suggestion must not be empty; leave it out for the default text")
        return value.strip() if value is not None else None


def keys_of(name: str, aliases: Iterable[str]) -> list[str]:
    """The folded keys a customer is found by: its name first, then each alias once (an alias that folds to the
    name, or to an earlier alias, adds nothing)."""
    return list(dict.fromkeys(fold_name(text) for text in [name, *aliases] if fold_name(text)))


def customer_problems(entries: Any) -> list[str]:
    """Problems between ``customers:`` entries, as ``"path: message"`` lines (check-config puts each on its line):
    a name or alias that is another customer's too, an external id given twice."""
    if not isinstance(entries, list):
        return []
    problems: list[str] = []
    owner: dict[str, tuple[int, str]] = {}
    external: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        listed = entry.get("aliases")
        aliases: list[Any] = listed if isinstance(listed, list) else []
        texts: list[tuple[str, object]] = [("name", name)] + [(f"aliases[{i}]", a) for i, a in enumerate(aliases)]
        mine: set[str] = set()
        for path, text in texts:
            if not isinstance(text, str) or not fold_name(text):
                continue
            key = fold_name(text)
            if key in owner and key not in mine:
                other_index, other_name = owner[key]
                problems.append(
                    f"customers[{index}].{path}: {text.strip()!r} is already a name or alias of "
                    f"customers[{other_index}] ({other_name}); each name belongs to one customer"
                )
                continue
            mine.add(key)
            owner[key] = (index, str(name).strip() if isinstance(name, str) else "?")
        external_id = _text(entry.get("external_id"))
        if isinstance(external_id, str) and external_id.strip():
            if external_id.strip() in external:
                problems.append(
                    f"customers[{index}].external_id: {external_id.strip()!r} is already the external id of "
                    f"customers[{external[external_id.strip()]}]"
                )
            else:
                external[external_id.strip()] = index
    return problems
