"""remit.jobs: the decorator registers ``fn(now) -> int`` under a unique name."""

from __future__ import annotations

import pytest
from django.utils import timezone

from remit import jobs


@pytest.fixture
def cleanup():
    names = []
    yield names
    for name in names:
        jobs.unregister(name)


def test_a_decorated_function_is_registered_and_still_callable(cleanup):
    cleanup.append("tests.sample")

    @jobs.job("tests.sample", every_seconds=15)
    def sample(now):
        return 7

    job = jobs.get("tests.sample")
    assert (job.name, job.every_seconds) == ("tests.sample", 15.0)
    assert job(timezone.now()) == 7
    assert sample(timezone.now()) == 7
    assert job in jobs.registered()


def test_a_name_cannot_be_taken_twice_by_different_functions(cleanup):
    cleanup.append("tests.taken")

    @jobs.job("tests.taken")
    def first(now):
        return 0

    with pytest.raises(ValueError, match="already registered"):

        @jobs.job("tests.taken")
        def second(now):
            return 0


@pytest.mark.parametrize("name, every", [("", 60), ("tests.x", 0), ("tests.x", -5)])
def test_it_refuses_a_blank_name_or_a_non_positive_period(name, every):
    with pytest.raises(ValueError):
        jobs.job(name, every_seconds=every)


def test_an_unknown_job_is_a_clear_error():
    with pytest.raises(KeyError, match="no job named 'missing'"):
        jobs.get("missing")
