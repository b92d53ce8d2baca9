from django.urls import include, path

from . import views
from .awards import urls as awards_urls
from .benchmarking import urls as benchmarking_urls
from .notifications import urls as notification_urls
from .patents import urls as patents_urls
from .plans import urls as plan_urls

app_name = "assistance"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/", views.ticket_list, name="ticket-list"),
    path("tickets/new/", views.ticket_create, name="ticket-create"),
    path("tickets/autocomplete/", views.ticket_autocomplete, name="ticket-autocomplete"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/edit/", views.ticket_update, name="ticket-update"),
    path("tickets/<int:pk>/attachments/", views.ticket_attach, name="ticket-attach"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_transition, name="ticket-transition"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/attachments/", views.visit_attach, name="visit-attach"),
    path("trainings/", views.training_list, name="training-list"),
    path("trainings/new/", views.training_create, name="training-create"),
    path("trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", views.training_update, name="training-update"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("users/autocomplete/", views.user_autocomplete, name="user-autocomplete"),
    path("experts/autocomplete/", views.expert_autocomplete, name="expert-autocomplete"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("imports/", views.import_start, name="import-start"),
    path("imports/templates/<slug:kind>/", views.import_template, name="import-template"),
    path("imports/<uuid:token>/", views.import_preview, name="import-preview"),
    path("imports/<uuid:token>/confirm/", views.import_confirm, name="import-confirm"),
    path("awards/", include(awards_urls)),
    path("benchmarking/", include(benchmarking_urls)),
    path("patents/", include(patents_urls)),
    path("inbox/", include(notification_urls)),
    path("plans/", include(plan_urls)),
]
