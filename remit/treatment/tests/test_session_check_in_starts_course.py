"""A course is planned until its first patient is checked in."""

from remit.treatment import actions_checkin
from remit.treatment.models import Course
from remit.treatment.tests.factories import clock, make_session  # noqa: F401


def test_checking_in_the_first_session_makes_the_course_active(world, clock):  # noqa: F811
    session = make_session(world, "ketamine_iv")
    Course.objects.filter(pk=session.course_id).update(status=Course.PLANNED)
    actions_checkin.check_in(session, actor=world.users["nurse"])
    assert Course.objects.get(pk=session.course_id).status == Course.ACTIVE
