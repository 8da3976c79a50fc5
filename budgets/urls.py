from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.year_list, name="year-list"),
    path("<int:year>/", views.year_detail, name="year-detail"),
    path("<int:year>/booklet.pdf", views.year_booklet, name="year-booklet"),
    path("participatory/", views.cycle_list, name="cycle-list"),
    path("participatory/<slug:slug>/", views.cycle_detail, name="cycle-detail"),
    path("participatory/<slug:slug>/propose/", views.proposal_create, name="proposal-create"),
    path("participatory/<slug:slug>/propose/thanks/", views.proposal_thanks, name="proposal-thanks"),
    path("participatory/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("participatory/<slug:slug>/vote/", views.voter_create, name="voter-create"),
    path("participatory/<slug:slug>/vote/sent/", views.voter_sent, name="voter-sent"),
    path("participatory/<slug:slug>/vote/confirm/<str:token>/", views.voter_confirm, name="voter-confirm"),
    path("participatory/<slug:slug>/ballot/", views.ballot_edit, name="ballot-edit"),
    path("participatory/<slug:slug>/ballot/recorded/", views.ballot_recorded, name="ballot-recorded"),
]
