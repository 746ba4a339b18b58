from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuedItemKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Honour certificate")
    PLAQUE = "plaque", _("Plaque")
    TROPHY = "trophy", _("Trophy")
    AWARD_MONEY = "award_money", _("Award money")


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
