from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("projects/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("contributions/<int:pk>/report/", views.contribution_report, name="contribution-report"),
    path("<slug:slug>/", views.round_detail, name="round-detail"),
    path("<slug:slug>/contribute/", views.contribution_create, name="contribution-create"),
    path("<slug:slug>/contribute/thanks/", views.contribution_thanks, name="contribution-thanks"),
    path("<slug:slug>/results/", views.round_results, name="round-results"),
]
