"""The read-only open data API, versioned and without a language prefix: every text is given in each language."""

from django.urls import path

from transparency import views

app_name = "api"

urlpatterns = [
    path("", views.api_index, name="index"),
    path("openmun-open-data.zip", views.api_zip, name="zip"),
    path("<slug:dataset>/", views.api_dataset, name="dataset"),
    path("<slug:dataset>.csv", views.api_csv, name="dataset-csv"),
    path("<slug:dataset>.schema.json", views.api_schema, name="dataset-schema"),
    path("<slug:dataset>/<str:key>/", views.api_item, name="dataset-item"),
]
