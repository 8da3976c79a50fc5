from django.urls import path

from petitions import views

app_name = "council"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions.ics", views.session_ical, name="session-ical"),
    path("<slug:slug>/", views.session_detail, name="session-detail"),
    path("<slug:slug>/report.pdf", views.session_report, name="session-report"),
]
