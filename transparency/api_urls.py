"""The read-only open data API, versioned and without a language prefix: every text is given in each language."""

from django.urls import path, re_path

from transparency import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("openmun-open-data.zip", api.archive, name="zip"),
    path("<slug:dataset>/", api.dataset_page, name="dataset"),
    path("<slug:dataset>.csv", api.dataset_csv, name="dataset-csv"),
    path("<slug:dataset>.schema.json", api.schema, name="dataset-schema"),
    path("<slug:dataset>/<str:key>/", api.item, name="dataset-item"),
    # Anything else under /api/v1/ gets the API's JSON 404, never the HTML error page: a line break in the path
    # included (the "s" flag), which "." alone does not match.
    re_path(r"^(?P<path>(?s:.*))$", api.not_found, name="not-found"),
]
