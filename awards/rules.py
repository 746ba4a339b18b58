"""Predicates about schemes and editions."""

from django.utils.translation import gettext as _


def edition_window_problems(edition) -> list[str]:
    """Why an edition's application window falls outside the time its rulebook is in force."""
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
    return problems
