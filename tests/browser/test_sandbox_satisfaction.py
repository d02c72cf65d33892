"""Satisfaction on the sandbox page, in headless Chromium: the owner resolves a ticket by typing ``/ticket close``, the
requester finds the rating question in the app's Messages, clicks a score, and the DM changes in place to the thanks
with no buttons left; *Add a comment* opens its form there too."""

from __future__ import annotations

from typing import Any

from bot.surfaces.ids import ActionId
from tests.browser.test_sandbox_in_chromium import ACKNOWLEDGE


def button(action: ActionId) -> str:
    return f'#messages button[data-action-id="{action.value}"]'


async def test_the_requester_rates_a_resolved_ticket_on_the_page(page: Any) -> None:
    from playwright.async_api import expect

    await page.select_option("#as", "U0REQUESTER")
    await page.click('#sidebar a[data-channel="C0INTAKE"]')
    await page.fill("#composer-input", "Customer ACME wants a refund: they were charged twice for November")
    await page.press("#composer-input", "Enter")
    await page.click("#messages .replies-link")
    await expect(page.locator(ACKNOWLEDGE)).to_have_count(1)  # the card: SUP-1 is Alice's

    await page.select_option("#as", "U0ALICE")
    await page.fill("#composer-input", "/ticket close SUP-1 refunded the second charge")
    await page.press("#composer-input", "Enter")

    await page.select_option("#as", "U0REQUESTER")
    await page.click("#sidebar a.app")
    await page.click("#tab-messages")
    question = page.locator("#messages .message").filter(has_text="How satisfied are you")
    await expect(question).to_have_count(1)
    await expect(question.locator("button[data-action-id]")).to_have_count(6)  # 1…5 and Add a comment

    await page.click(button(ActionId.RATING_COMMENT))
    modal = page.locator(".modal")
    await expect(modal).to_contain_text("Add a comment")
    await page.fill(".modal textarea", "Quick, but I had to ask twice")
    await page.click("#modal-submit")
    await expect(modal).to_have_count(0)
    await expect(question).to_contain_text("Your comment is saved")
    await expect(question.locator("button[data-action-id]")).to_have_count(5)

    await page.click(button(ActionId.RATE_4))
    await expect(question).to_contain_text("You rated 4/5 — thank you")
    await expect(question.locator("button[data-action-id]")).to_have_count(0)
