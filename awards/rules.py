"""Predicates about schemes and editions: every refusal names the rulebook's article, read from its data."""

from django.utils.translation import gettext as _

from .confirmations import VALID_FROM, VALID_UNTIL, problem
from .enums import EditionCycle
from .models import Edition

# The fewest years between the years of two editions of a scheme, by its edition cycle (a cycle "per notice"
# leaves each round to its own text).
CYCLE_GAP_YEARS = {EditionCycle.ANNUAL: 1, EditionCycle.BIENNIAL: 2}


def _article(value: str, fallback: str) -> str:
    return value or fallback


def edition_window_problems(edition) -> list[str]:
    """Why an edition's dates fall outside its rulebook: the time it is in force, the application window and the
    submission deadline the text fixes."""
    rulebook = edition.rulebook
    problems = []
    opens, closes = edition.application_opens, edition.application_closes
    if opens < rulebook.valid_from:
        problems.append(
            _(
                "The rulebook “%(title)s” comes into force on %(start)s, after applications would open on %(opens)s."
            )
            % {"title": rulebook.title, "start": rulebook.valid_from.isoformat(), "opens": opens.isoformat()}
        )
    if rulebook.valid_until is not None and closes > rulebook.valid_until:
        problems.append(
            _(
                "The rulebook “%(title)s” is in force only until %(end)s (%(article)s), "
                "but applications would close on %(closes)s."
            )
            % {
                "title": rulebook.title,
                "end": rulebook.valid_until.isoformat(),
                "article": rulebook.validity_article or _("its validity clause"),
                "closes": closes.isoformat(),
            }
        )
    window_article = _article(rulebook.application_window_article, _("its application window"))
    if rulebook.application_window_from is not None and opens < rulebook.application_window_from:
        problems.append(
            _(
                "The rulebook “%(title)s” opens applications on %(start)s (%(article)s), "
                "but this edition would open them on %(opens)s."
            )
            % {
                "title": rulebook.title,
                "start": rulebook.application_window_from.isoformat(),
                "article": window_article,
                "opens": opens.isoformat(),
            }
        )
    if rulebook.application_window_until is not None and closes > rulebook.application_window_until:
        problems.append(
            _(
                "The rulebook “%(title)s” closes applications on %(end)s (%(article)s), "
                "but this edition would close them on %(closes)s."
            )
            % {
                "title": rulebook.title,
                "end": rulebook.application_window_until.isoformat(),
                "article": window_article,
                "closes": closes.isoformat(),
            }
        )
    due = edition.recommendation_deadline
    if rulebook.submission_deadline is not None and due and due > rulebook.submission_deadline:
        problems.append(
            _(
                "The rulebook “%(title)s” has recommendations sent by %(deadline)s (%(article)s), "
                "but this edition would take them until %(due)s."
            )
            % {
                "title": rulebook.title,
                "deadline": rulebook.submission_deadline.isoformat(),
                "article": _article(rulebook.submission_deadline_article, _("its submission deadline")),
                "due": due.isoformat(),
            }
        )
    return problems


def edition_cycle_problems(edition) -> list[str]:
    """Why the scheme's edition cycle leaves no room for an edition in `edition.year`: another edition of the
    scheme falls inside the same cycle (biennial: the years of two editions differ by two or more)."""
    gap = CYCLE_GAP_YEARS.get(edition.scheme.edition_cycle)
    if gap is None:
        return []
    clashes = (
        Edition.objects.filter(
            scheme_id=edition.scheme_id, year__gt=edition.year - gap, year__lt=edition.year + gap
        )
        .exclude(pk=edition.pk)
        .order_by("year")
        .values_list("year", "title")
    )
    article = _article(edition.rulebook.edition_article, _("its edition clause"))
    return [
        _(
            "“%(scheme)s” is held %(cycle)s (%(article)s): the %(other_year)s edition “%(other)s” leaves no "
            "room for an edition in %(year)s."
        )
        % {
            "scheme": edition.scheme.name,
            "cycle": edition.scheme.get_edition_cycle_display().lower(),
            "article": article,
            "other_year": other_year,
            "other": other_title,
            "year": edition.year,
        }
        for other_year, other_title in clashes
    ]


def edition_notice_problems(edition) -> list[str]:
    """Why the edition cannot open for want of its application notice, where the rulebook has one issued first."""
    article = edition.rulebook.application_notice_article
    if not article or edition.has_notice:
        return []
    return [
        _(
            "The office must issue the application notice of “%(edition)s” before it opens (%(article)s): "
            "enter the notice's title and text on the edition."
        )
        % {"edition": edition.title, "article": article}
    ]


def edition_open_problems(edition) -> list[str]:
    """Everything that keeps an edition from opening besides its status: its dates against the rulebook, the
    edition cycle, the application notice, and validity dates the office set that nobody has confirmed."""
    problems = edition_window_problems(edition) + edition_cycle_problems(edition) + edition_notice_problems(edition)
    for key in (VALID_FROM, VALID_UNTIL):
        reason = problem(edition.rulebook, key)
        if reason:
            problems.append(reason)
    return problems
