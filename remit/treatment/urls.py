from django.urls import path

from remit.treatment import charting, courses, protocols_admin, rems, today

app_name = "treatment"
urlpatterns: list = [
    # Courses, protocols and the Today board.
    path("today/", today.today, name="today"),
    path("today/board/", today.today_board, name="today_board"),
    path("patients/<int:pk>/courses/", courses.patient_courses, name="patient_courses"),
    path("patients/<int:pk>/courses/new/", courses.course_new, name="course_new"),
    path("courses/<int:pk>/", courses.course_detail, name="course"),
    path("courses/<int:pk>/discontinue/", courses.course_discontinue, name="course_discontinue"),
    path("courses/<int:pk>/complete/", courses.course_complete, name="course_complete"),
    path("courses/<int:pk>/authorization/", courses.course_authorisation, name="course_authorisation"),
    path("sessions/<int:pk>/reschedule/", courses.session_reschedule, name="session_reschedule"),
    path("protocols/", protocols_admin.protocol_list, name="protocols"),
    path("protocols/<int:pk>/", protocols_admin.protocol_edit, name="protocol_edit"),
    # Session charting and the REMS forms (after the routes above: "sessions/<pk>/reschedule/" is theirs).
    path("sessions/<int:pk>/", charting.session_page, name="session"),
    path("sessions/<int:pk>/move-to-today/", charting.session_move_to_today, name="session_move_to_today"),
    path("sessions/<int:pk>/<slug:step>/", charting.session_step, name="session_step"),
    path("rems/", rems.rems_list, name="rems"),
    path("rems/<int:pk>/", rems.rems_form_page, name="rems_form"),
    path("rems/<int:pk>/pdf/", rems.rems_pdf, name="rems_pdf"),
    path("rems/<int:pk>/submitted/", rems.rems_submit, name="rems_submit"),
]
