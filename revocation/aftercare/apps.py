from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    """Duties after the award that are not a revocation case: Zibo's periodic evaluation (art. 30), the supervision
    group (Zibo art. 12) and experience-sharing events (national art. 23, Weihai art. 22). Part of the revocation
    app's domain, kept as its own Django app so that its tables and migrations stand apart from the cases."""

    name = "revocation.aftercare"
    label = "aftercare"
    verbose_name = _("Supervision after the award")
