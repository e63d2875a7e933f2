"""The flow tests' counter counts each thing a person does to a page exactly once."""

from __future__ import annotations

import pytest

from remit.testing import count_user_actions

PAGE = """<!doctype html><title>t</title>
<label>Name <input id=n></label><label><input type=checkbox id=c> Agree</label>
<label>Pick <select id=s><option>a</option><option>b</option></select></label>
<button id=b onclick="document.title='done'">Go</button>"""


@pytest.mark.browser
def test_each_click_fill_check_choice_and_key_is_one_action(page):
    page.set_content(PAGE)
    with count_user_actions() as actions:
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Agree").check()
        page.get_by_label("Pick").select_option("b")
        page.keyboard.press("Tab")
        page.click("#b")
    assert page.title() == "done"
    assert actions.total == 5
    assert (actions.count("fill"), actions.count("check"), actions.count("click")) == (1, 1, 1)
    assert "5 actions" in actions.summary()


@pytest.mark.browser
def test_nothing_is_counted_outside_the_block(page):
    page.set_content(PAGE)
    with count_user_actions() as actions:
        page.get_by_label("Name").fill("Ada")
    page.get_by_label("Agree").check()
    assert actions.total == 1
