from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from openmun import views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Browsers ask for it on every site, whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
    # For load balancers: no language prefix, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT), never cached.
    path("healthz", views.healthz, name="healthz"),
    path("", include("transparency.site_urls")),
    # Open data: versioned, without a language prefix (every text is given in each language).
    path("api/v1/", include("transparency.api_urls")),
]

urlpatterns += i18n_patterns(
    # openmun.admin_site.StaffAdminSite (settings: openmun.admin_apps.StaffAdminConfig): sign-in in two steps.
    path("admin/", admin.site.urls),
    path("", include("programme.urls")),
    path("consultations/", include("consultations.urls")),
    path("petitions/", include("petitions.urls")),
    path("council/", include("petitions.council_urls")),
    path("budget/", include("budgets.urls")),
    path("follow/", include("following.urls")),
    path("", include("transparency.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "openmun.views.bad_request"
handler403 = "openmun.views.permission_denied"
handler404 = "openmun.views.page_not_found"
handler500 = "openmun.views.server_error"
