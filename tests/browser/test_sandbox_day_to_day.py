"""The sandbox page on a real team's first days, in headless Chromium: days are told apart, a weekend jump says why
nothing falls due, the app's DMs are marked unread until read, the digest chart opens full size, and a 360 px
phone can do all of it.

``CROSSDESK_SCREENSHOT_DIR=/tmp/shots`` saves what the phone shows, to look at.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from datetime import datetime, time, timedelta
from typing import Any

from bot.sandbox.runner import Sandbox
from tests.browser.test_sandbox_in_chromium import ACKNOWLEDGE

PHONE = {"width": 360, "height": 740}


async def shot(page: Any, name: str) -> None:
    if folder := os.environ.get("CROSSDESK_SCREENSHOT_DIR"):
        await page.screenshot(path=os.path.join(folder, f"{name}.png"))


def next_friday_afternoon(sandbox: Sandbox) -> datetime:
    """16:00 on the next Friday in the workspace's time zone (the page's clock only moves forward)."""
    local = sandbox.clock.now().astimezone(sandbox.time.tz)
    days = (4 - local.weekday()) % 7 or 7
    return datetime.combine(local.date() + timedelta(days=days), time(16, 0), tzinfo=sandbox.time.tz)


async def post(page: Any, text: str) -> None:
    from playwright.async_api import expect

    await page.fill("#composer-input", text)
    await page.press("#composer-input", "Enter")
    await expect(page.locator("#messages .message").filter(has_text=text)).to_have_count(1)


async def jump(page: Any, button: str, shows: str) -> None:
    from playwright.async_api import expect

    await page.click(button)
    await expect(page.locator("#now")).to_contain_text(shows)


async def test_days_are_separated_and_a_weekend_jump_says_why_nothing_falls_due(page: Any, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    sandbox.clock.set(next_friday_afternoon(sandbox))
    await page.select_option("#as", "U0REQUESTER")
    await page.click('#sidebar a[data-channel="C0INTAKE"]')
    await post(page, "Customer ACME wants a refund: they were charged twice")
    await expect(page.locator("#clock-note")).to_be_hidden()  # a Friday is a working day

    await jump(page, "#jump-0930", "Sat")
    note = page.locator("#clock-note")
    await expect(note).to_be_visible()
    await expect(note).to_contain_text("is not a working day: SLA clocks stand still until Mon ")
    await expect(note).to_contain_text("No stand-up today.")
    await post(page, "Anyone around on Saturday?")
    await expect(page.locator("#messages .day-divider")).to_have_text(["Yesterday", "Today"])
    # Each divider stands right before the first message of its day (read in one go: the list is redrawn live).
    order = await page.evaluate("[...document.querySelectorAll('#messages > *')].map(node => node.className)")
    assert order == ["day-divider", "message", "day-divider", "message"], order

    await jump(page, "#jump-0930", "Sun")
    await expect(note).to_be_visible()
    await jump(page, "#jump-0930", "Mon")
    await expect(note).to_be_hidden()
    named = [re.compile(rf"^{day} \d+ [A-Z][a-z]+( \d{{4}})?$") for day in ("Friday", "Saturday")]
    await expect(page.locator("#messages .day-divider")).to_have_text(named)  # by name, two days later


async def test_the_apps_dm_is_marked_unread_until_its_messages_are_seen(page: Any) -> None:
    from playwright.async_api import expect

    await page.select_option("#as", "U0REQUESTER")
    await page.click('#sidebar a[data-channel="C0INTAKE"]')
    await post(page, "Customer ACME wants a refund for a double charge")
    await page.click("#messages .replies-link")
    await expect(page.locator(ACKNOWLEDGE)).to_have_count(1)  # the card, so Alice's DM went out
    await expect(page.locator("#sidebar a.app .badge")).to_have_count(0)  # the requester got no DM

    await page.select_option("#as", "U0ALICE")
    app = page.locator("#sidebar a.app")
    await expect(app.locator(".badge")).to_have_text("1")
    await expect(app).to_have_class(re.compile(r"\bunread\b"))
    await app.click()  # the app opens on its Home tab: the messages are not seen yet
    await expect(page.locator("#tab-messages .badge")).to_have_text("1")
    await page.click("#tab-messages")
    await expect(page.locator("#messages .new-divider")).to_have_text("New")
    new_message = page.locator("#messages .new-divider + .message")
    await expect(new_message).to_contain_text("SUP-1")
    await expect(app.locator(".badge")).to_have_count(0)
    await expect(page.locator("#tab-messages .badge")).to_have_count(0)

    await page.select_option("#as", "U0BOB")
    await page.select_option("#as", "U0ALICE")
    await expect(page.locator("#sidebar .me")).to_contain_text("Alice")
    await expect(page.locator("#sidebar a.app")).not_to_have_class(re.compile(r"\bunread\b"))
    await expect(page.locator("#sidebar a.app .badge")).to_have_count(0)


async def test_a_late_answer_for_the_person_before_does_not_switch_the_page_back(page: Any) -> None:
    """Switching from Bob to Alice quickly: Bob's page state is held back until Alice's is drawn, then let through.
    The late answer is dropped; the page stays Alice's."""
    from playwright.async_api import expect

    me = page.locator("#sidebar .me")
    await expect(me).not_to_have_text("")
    alice_drawn = asyncio.Event()

    async def hold_bobs_state(route: Any) -> None:
        await alice_drawn.wait()
        await route.continue_()

    await page.route(re.compile(r"/sandbox/state\?as=U0BOB&"), hold_bobs_state)
    dropped_before = int(await page.evaluate("Number(document.body.dataset.staleAnswers || 0)"))
    await page.select_option("#as", "U0BOB")
    await page.select_option("#as", "U0ALICE")
    await expect(me).to_contain_text("Alice")
    alice_drawn.set()
    # Until the late answer is either dropped or drawn (drawing it is the fault this test is for).
    await page.wait_for_function(
        """(before) => Number(document.body.dataset.staleAnswers || 0) > before
            || document.querySelector("#sidebar .me").textContent.includes("Bob")""",
        arg=dropped_before,
    )
    await expect(me).to_contain_text("Alice")
    await expect(page.locator("#as")).to_have_value("U0ALICE")


async def test_the_digest_chart_opens_full_size_on_click(page: Any) -> None:
    from playwright.async_api import expect

    await page.select_option("#as", "U0ADMIN")
    await jump(page, "#jump-1800", "18:00")
    await page.click('#sidebar a[data-channel="C0MGMT"]')
    # The daily digest's scorecard (on a Monday the weekly review posts its own picture beside it).
    scorecard = '#messages .file img.bk-image[alt^="Crossdesk — shared goals, "]'
    chart = page.locator(scorecard)
    await expect(chart).to_have_count(1)
    await expect(chart).to_have_js_property("complete", True)
    preview = f"(i => [i.clientWidth, i.naturalWidth])(document.querySelector({json.dumps(scorecard)}))"
    shown = await page.evaluate(preview)
    assert 0 < shown[0] < shown[1]  # a preview in the message

    await chart.click()
    full = page.locator("#lightbox img")
    await expect(full).to_be_visible()
    await expect(full).to_have_js_property("complete", True)
    width, natural = await full.evaluate("i => [i.clientWidth, i.naturalWidth]")
    assert width == natural == shown[1]
    await page.keyboard.press("Escape")
    await expect(page.locator("#lightbox")).to_have_count(0)
    await chart.click()
    await page.click("#lightbox")  # a click anywhere closes it too
    await expect(page.locator("#lightbox")).to_have_count(0)


async def test_a_360_px_phone_can_post_open_the_thread_act_and_fill_the_form(page: Any) -> None:
    from playwright.async_api import expect

    await page.set_viewport_size(PHONE)
    await page.select_option("#as", "U0REQUESTER")
    channels = page.locator('#sidebar a[data-channel="C0INTAKE"]')
    await expect(channels).to_be_visible()
    await channels.click()
    await post(page, "客户 ACME 要求退款：十一月被重复扣款")
    await shot(page, "phone-intake")
    await within_the_screen(page, "#as", "#jump-1800", "#jump-to", "#composer-input", "#composer-send")

    await page.click("#messages .replies-link")
    thread = page.locator("#thread")
    await expect(page.locator(ACKNOWLEDGE)).to_have_count(1)
    box = await thread.bounding_box()
    assert box is not None and box["x"] == 0 and box["width"] == PHONE["width"]  # over the whole screen
    await within_the_screen(page, "#thread-close", "#thread-input", "#thread-send", ACKNOWLEDGE)
    await shot(page, "phone-thread")
    await page.click("#thread-close")

    await page.fill("#composer-input", "/ticket")
    await page.press("#composer-input", "Enter")
    await expect(page.locator(".modal")).to_be_visible()
    await within_the_screen(page, ".modal", "#modal-submit", '.modal input[name="title"]')
    await shot(page, "phone-form")
    await page.fill('.modal input[name="title"]', "Checkout crashes")
    await page.click("#modal-submit")
    await expect(page.locator(".modal")).to_have_count(0)
    await no_sideways_scrolling(page)


async def within_the_screen(page: Any, *selectors: str) -> None:
    """Each control is visible and lies inside the phone's width; the page itself never scrolls sideways."""
    for selector in selectors:
        box = await page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 0.5, (selector, box)
    await no_sideways_scrolling(page)


async def no_sideways_scrolling(page: Any) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert await page.evaluate("document.scrollingElement.scrollTop") == 0
