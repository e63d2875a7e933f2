from __future__ import annotations

import re

from django.conf import settings

from remit.accounts.tests.helpers import events, password_step
from remit.audit import actions as audit


def test_it_locks_out_after_the_failure_limit_and_audits_it_once(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert password_step(client, "nurse", "wrong password!!").status_code == 200
    assert events(audit.LOCKOUT) == []
    response = password_step(client, "nurse", "wrong password!!")
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content
    rows = events(audit.LOCKOUT)
    assert len(rows) == 1
    assert rows[0].detail["username"] == "nurse"
    assert len(events(audit.LOGIN_FAILURE)) == limit


def test_a_locked_out_user_cannot_sign_in_even_with_the_right_password(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, "nurse", "wrong password!!")
    response = password_step(client, "nurse")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "remit_pending_sign_in" not in client.session
    # The refused attempt is a failure marked locked_out, not a second lockout.
    assert len(events(audit.LOCKOUT)) == 1
    assert events(audit.LOGIN_FAILURE)[-1].detail.get("locked_out") is True


def test_the_lockout_page_does_not_say_whether_the_account_exists(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        real = password_step(client, "nurse", "wrong password!!")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        ghost = password_step(client, "ghost", "wrong password!!")
    assert real.status_code == ghost.status_code == 429
    assert b"nurse" not in real.content
    main = re.compile(rb"<main.*</main>", re.S)
    assert main.search(real.content).group(0) == main.search(ghost.content).group(0)
