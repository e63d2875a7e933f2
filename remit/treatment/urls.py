from django.urls import path

from remit.treatment import (
    views_charting,
    views_cosign,
    views_courses,
    views_protocols,
    views_rems,
    views_today,
)

app_name = "treatment"
urlpatterns: list = [
    # Courses, protocols and the Today board.
    path("today/", views_today.today, name="today"),
    path("today/board/", views_today.today_board, name="today_board"),
    path("patients/<int:pk>/courses/", views_courses.patient_courses, name="patient_courses"),
    path("patients/<int:pk>/courses/new/", views_courses.course_new, name="course_new"),
    path("courses/<int:pk>/", views_courses.course_detail, name="course"),
    path("courses/<int:pk>/discontinue/", views_courses.course_discontinue, name="course_discontinue"),
    path("courses/<int:pk>/complete/", views_courses.course_complete, name="course_complete"),
    path("courses/<int:pk>/dose-order/", views_courses.course_dose_order, name="course_dose_order"),
    path("courses/<int:pk>/authorization/", views_courses.course_authorisation, name="course_authorisation"),
    path("sessions/<int:pk>/reschedule/", views_courses.session_reschedule, name="session_reschedule"),
    path("protocols/", views_protocols.protocol_list, name="protocols"),
    path("protocols/<int:pk>/", views_protocols.protocol_edit, name="protocol_edit"),
    # Session charting and the REMS forms (after the routes above: "sessions/<pk>/reschedule/" is theirs).
    path("sessions/<int:pk>/", views_charting.session_page, name="session"),
    path(
        "sessions/<int:pk>/move-to-today/", views_charting.session_move_to_today, name="session_move_to_today"
    ),
    path("sessions/<int:pk>/<slug:step>/", views_charting.session_step, name="session_step"),
    path("co-sign/<int:pk>/", views_cosign.session_cosign, name="session_cosign"),
    path("rems/", views_rems.rems_list, name="rems"),
    path("rems/<int:pk>/", views_rems.rems_form_page, name="rems_form"),
    path("rems/<int:pk>/pdf/", views_rems.rems_pdf, name="rems_pdf"),
    path("rems/<int:pk>/submitted/", views_rems.rems_submit, name="rems_submit"),
]
