from django.urls import path

from contacts import views_requests as views

app_name = "contact-requests"
urlpatterns = [
    path("contact/", views.contact_form, name="form"),
    path("contact/envoyee/<str:reference>/", views.sent, name="sent"),
    path("contact/delais/", views.delays, name="delays"),
    path("contacts/demandes/", views.inbox, name="inbox"),
    path("contacts/demandes/<str:reference>/", views.detail, name="detail"),
    path("contacts/demandes/<str:reference>/prendre/", views.take, name="take"),
    path("contacts/demandes/<str:reference>/repondre/", views.answer, name="answer"),
    path("contacts/demandes/<str:reference>/transferer/", views.transfer, name="transfer"),
    path("contacts/demandes/<str:reference>/clore/", views.close, name="close"),
    path("contacts/demandes/<str:reference>/renvoyer/<int:event_id>/", views.retry, name="retry"),
]
