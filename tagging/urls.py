from django.urls import path

from . import views

app_name = "tagging"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<uuid:job_id>/", views.job, name="job"),
    path("<uuid:job_id>/fichier/", views.download, name="download"),
]
