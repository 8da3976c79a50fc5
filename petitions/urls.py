from django.urls import path

from petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="petition-list"),
    path("guide/", views.petition_guide, name="petition-guide"),
    path("new/", views.petition_create, name="petition-create"),
    path("new/received/", views.petition_submitted, name="petition-submitted"),
    path("deadlines/", views.petition_deadlines, name="petition-deadlines"),
    path("<int:pk>/", views.petition_detail, name="petition-detail"),
    path("<int:pk>/report/", views.petition_report, name="petition-report"),
    path("<int:pk>/support/", views.support_create, name="support-create"),
    path("<int:pk>/support/sent/", views.support_sent, name="support-sent"),
    path("<int:pk>/support/counted/", views.support_confirmed, name="support-confirmed"),
    path("<int:pk>/signature-sheets.pdf", views.petition_sheets, name="petition-sheets"),
    path("<int:pk>/supporters.csv", views.support_export, name="support-export"),
    path("confirm/<str:token>/", views.support_confirm, name="support-confirm"),
]
