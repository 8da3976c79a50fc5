from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/projects/", views.project_list, name="project-list"),
    path("programme/projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("programme/projects/<slug:slug>/sheet.pdf", views.project_pdf, name="project-pdf"),
    path("programme/projects/<slug:slug>/share.png", views.project_share, name="project-share"),
    path("programme/projects/<slug:slug>/history/", views.project_history, name="project-history"),
    path("programme/axes/<slug:slug>/", views.axis_detail, name="axis-detail"),
    path("programme/calendar/", views.calendar, name="calendar"),
    path("programme/committee/", views.committee, name="committee"),
    path("programme/method/", views.method, name="method"),
    path("programme/programme.pdf", views.programme_pdf, name="programme-pdf"),
]
