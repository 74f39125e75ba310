"""URLs of the requests for services, under /demandes-de-service/ (namespace « offers-requests »)."""

from django.urls import path

from offers import views_requests as views

app_name = "offers-requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("nouvelle/<str:phase>/<str:ti_id>/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/etat/", views.request_transition, name="transition"),
    path("<int:pk>/acceptation/", views.request_accept, name="accept"),
    path("<int:pk>/versement/", views.request_payment, name="payment"),
    path("<int:pk>/message/", views.request_message, name="message"),
]
