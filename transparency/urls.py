from django.urls import path

from transparency import views

app_name = "transparency"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/api/", views.api_docs, name="api-docs"),
    path("feeds/calendar.ics", views.calendar_ics, name="calendar"),
    path("feeds/<slug:slug>.atom", views.feed, name="feed"),
    path("share.png", views.site_share, name="site-share"),
]
