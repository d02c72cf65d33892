"""The satisfaction builders: the rating DM (values 1…5, the ticket in the block), the DM once answered or
commented, the low score's alert with Reopen, and the comment form — valid Block Kit in both languages."""

from __future__ import annotations

import json

import pytest

from bot.errors import BadRequest
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import RATE_BUTTONS, ActionId, BlockId, CallbackId
from bot.surfaces.limits import SECTION_TEXT
from bot.surfaces.rating_views import (
    commented_message,
    low_rating_blocks,
    rated_key,
    rated_message,
    rating_block_id,
    rating_blocks,
)
from bot.surfaces.views import rating_comment_modal
from bot.tickets.satisfaction import score_of
from tests.support.block_kit import action_ids, assert_message_valid, assert_view_valid, button, elements_of

LANGUAGES = [Translator("en"), Translator("zh")]
ASKED = ":star: How satisfied are you with how <@U0ALICE> handled *SUP-12* (Refund for order 1042)?"


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_rating_dm_has_five_scores_and_a_comment_button(translator: Translator) -> None:
    blocks = rating_blocks("SUP-12", ASKED, translator)
    assert_message_valid({"text": ASKED, "blocks": blocks})
    assert action_ids(blocks) == [*RATE_BUTTONS, ActionId.RATING_COMMENT]
    assert [button(blocks, action)["value"] for action in RATE_BUTTONS] == ["1", "2", "3", "4", "5"]
    assert button(blocks, ActionId.RATING_COMMENT)["value"] == "SUP-12"
    [actions] = [block for block in blocks if block["type"] == "actions"]
    assert rated_key(actions["block_id"]) == "SUP-12" and actions["block_id"] == rating_block_id("SUP-12")
    scale = translator.t("rating.scale")
    assert scale in json.dumps(blocks, ensure_ascii=False)


def test_only_a_rating_block_names_a_ticket() -> None:
    assert rated_key(f"{BlockId.RATING_ACTIONS.value}.ENG-7") == "ENG-7"
    assert rated_key(BlockId.CARD_ACTIONS.value) is None
    assert rated_key(BlockId.RATING_ALERT_ACTIONS.value) is None


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_an_answered_dm_keeps_the_question_and_has_no_buttons(translator: Translator) -> None:
    message = rated_message(ASKED, 4, translator)
    assert_message_valid(message)
    assert action_ids(message["blocks"]) == []
    assert ASKED in message["text"] and translator.t("rating.thanks", score=4) in message["text"]
    assert "4/5" in message["text"]
    commented = rated_message(ASKED, 4, translator, commented=True)
    assert translator.t("rating.thanks_commented", score=4) in commented["text"]


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_a_comment_before_the_score_leaves_the_scores(translator: Translator) -> None:
    message = commented_message("SUP-12", ASKED, translator)
    assert_message_valid(message)
    assert action_ids(message["blocks"]) == list(RATE_BUTTONS)
    assert translator.t("rating.comment_saved") in json.dumps(message["blocks"], ensure_ascii=False)


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_low_score_alert_offers_reopen_and_fits_however_long_the_comment(translator: Translator) -> None:
    text = ":warning: <@U0ERIN> rated *SUP-12* 1/5 — “" + "太慢了" * 1500 + "”"
    blocks = low_rating_blocks("SUP-12", text, translator)
    assert_message_valid({"text": text[:100], "blocks": blocks})
    assert action_ids(blocks) == [ActionId.REOPEN] and button(blocks, ActionId.REOPEN)["value"] == "SUP-12"
    assert len(blocks[0]["text"]["text"]) <= SECTION_TEXT
    assert [e["text"]["text"] for e in elements_of(blocks)] == [translator.t("button.reopen")]


@pytest.mark.parametrize("translator", LANGUAGES, ids=lambda t: t.language)
def test_the_comment_form(translator: Translator) -> None:
    view = rating_comment_modal(translator, "SUP-12")
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.RATING_COMMENT.value
    assert json.loads(view["private_metadata"]) == {"key": "SUP-12"}
    [field] = [block for block in view["blocks"] if block["type"] == "input"]
    assert field["block_id"] == BlockId.FORM_COMMENT.value and field["optional"] is False
    assert translator.t("form.rating_comment_intro", key="SUP-12") in json.dumps(view, ensure_ascii=False)


@pytest.mark.parametrize("value", ["1", "5", " 3 "])
def test_a_score_is_one_to_five(value: str) -> None:
    assert score_of(value) == int(value)


@pytest.mark.parametrize("value", ["0", "6", "9", "4.5", "", "SUP-1", "1e0", "٣"])
def test_anything_else_is_refused_with_what_was_sent(value: str) -> None:
    with pytest.raises(BadRequest) as refused:
        score_of(value)
    assert (refused.value.message_key, refused.value.params) == ("rating.error.score", {"value": value})
