"""What the digest says of satisfaction, from a report built by hand: a field per department, a section by lifecycle
stage only when someone answered, valid Block Kit in both languages, and a long digest still within Slack's limits."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.schedule.digest_report import STAGES, Satisfaction
from bot.surfaces.digest_satisfaction import department_field, satisfaction_text, shows_stages, stage_section
from bot.surfaces.digest_views import header_text, render_blocks, render_messages
from bot.surfaces.i18n import Translator
from bot.surfaces.limits import MESSAGE_BLOCKS
from tests.bot.surfaces.test_digest_views import department, report
from tests.support.block_kit import assert_message_valid

LANGUAGES = ["en", "zh"]
RATED = {**dict.fromkeys(STAGES, Satisfaction()), "retention": Satisfaction(3, 13 / 3), "unknown": Satisfaction(1, 2.0)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_average_is_shown_with_how_many_answered(language: str) -> None:
    t = Translator(language)
    assert satisfaction_text(t, Satisfaction(3, 13 / 3)) == t.t("digest.satisfaction.value", average="4.3", count=3)
    assert satisfaction_text(t, Satisfaction()) == t.t("digest.satisfaction.none")
    assert department_field(t, Satisfaction(1, 5.0))["text"] == f"*{t.t('digest.satisfaction')}*\n5.0/5 · " + (
        "1 answered" if language == "en" else "1 条评分"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stage_section_appears_once_someone_answered(language: str) -> None:
    t = Translator(language)
    quiet = report(language)
    assert not shows_stages(quiet)
    assert t.t("digest.satisfaction.header", days=7, count=0) not in json.dumps(render_blocks(quiet))

    rated = replace(quiet, satisfaction=RATED)
    assert shows_stages(rated) and rated.answered == 4
    blocks = render_blocks(rated)
    assert_message_valid({"text": header_text(blocks), "blocks": blocks})
    section = blocks[-1]
    assert section["text"]["text"] == t.t("digest.satisfaction.header", days=7, count=4)
    assert len(section["fields"]) == len(STAGES)
    assert section["fields"][STAGES.index("retention")]["text"].endswith(
        t.t("digest.satisfaction.value", average="4.3", count=3)
    )
    alone = stage_section(rated, t, [("retention", "R")])
    assert [f["text"] for f in alone["fields"]] == [f"*R*\n{t.t('digest.satisfaction.value', average='4.3', count=3)}"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_digest_with_satisfaction_keeps_every_message_within_slack_s_limits(language: str) -> None:
    many = tuple(department(f"D{n:03d}", f"部门 Department {n}", overdue=n % 2) for n in range(120))
    many = tuple(replace(d, satisfaction=Satisfaction(2, 3.5)) for d in many)
    messages = render_messages(replace(report(language), departments=many, satisfaction=RATED))
    for blocks in messages:
        assert len(blocks) <= MESSAGE_BLOCKS
        assert_message_valid({"text": header_text(blocks), "blocks": blocks})
    shown = sum(1 for blocks in messages for b in blocks if len(b.get("fields", [])) == 8)
    assert shown == len(many)  # every department once, with its satisfaction
