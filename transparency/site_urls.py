"""Addresses outside the language prefix: sitemap.xml lists every page in each language itself."""

from django.urls import path

from transparency import views

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
