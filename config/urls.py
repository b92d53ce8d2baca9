from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language

from config import guide, health, search
from config.api import api_urls
from config.signin import AdminSignInForm, QueuedPasswordResetForm, SignInForm
from reports import views as report_views

admin.site.login_form = AdminSignInForm
admin.site.site_title = admin.site.site_header = gettext_lazy("Key-region quality improvement administration")

urlpatterns = [
    path("", report_views.dashboard, name="home"),
    path("clusters/", include("clusters.urls")),
    path("assistance/", include("assistance.urls")),
    path("reports/", include("reports.urls")),
    path("search/", search.search_page, name="search"),
    path("help/", guide.guide_page, name="help"),
    path("help/print/", guide.guide_print, name="help-print"),
    path("help/screens/<str:name>.png", guide.guide_screen, name="help-screen"),
    path("help/<slug:page>/", guide.guide_page, name="help-page"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm, extra_email_context={"site_url": settings.SITE_URL.rstrip("/")}
        ),
        name="password_reset",
    ),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),
    path("api/v1/", api_urls()),
]

# Also answers 503 when the error is the database being away (see config/outage.py).
handler500 = "config.outage.server_error"
