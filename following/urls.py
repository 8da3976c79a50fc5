from django.urls import path

from following import views

app_name = "following"

urlpatterns = [
    path("", views.follow_create, name="follow"),
    path("sent/", views.follow_sent, name="follow-sent"),
    path("confirm/<str:token>/", views.follow_confirm, name="confirm"),
    path("unsubscribe/<str:key>/", views.unsubscribe, name="unsubscribe"),
    path("stop/<str:key>/", views.stop_all, name="stop"),
]
