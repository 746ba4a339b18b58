from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.enums import AwardItemKind

# What a winner receives is rulebook data (awards.AwardItem); the kinds are shared with it.
IssuedItemKind = AwardItemKind


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Under investigation")
    UPHELD = "upheld", _("Upheld: the candidate leaves the list")
    DISMISSED = "dismissed", _("Dismissed")


class EntryOutcome(models.TextChoices):
    """What became of a name on a public notice; kept on the notice so that past notices stay readable."""

    PENDING = "pending", _("In notice")
    PASSED = "passed", _("Passed the notice")
    WITHDRAWN = "withdrawn", _("Removed after an objection")
