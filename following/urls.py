from django.urls import path

from following import views

app_name = "following"

urlpatterns = [
    path("", views.follow_create, name="follow"),
    path("sent/", views.follow_sent, name="follow-sent"),
    path("confirm/<str:token>/", views.follow_confirm, name="confirm"),
    # The keys are URL-safe base64 (following.models.key_new): anything else is a 404 before any query.
    path("unsubscribe/<slug:key>/", views.unsubscribe, name="unsubscribe"),
    path("stop/<slug:key>/", views.stop_all, name="stop"),
]
