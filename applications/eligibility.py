"""The eligibility engine: may this applicant apply to this edition on this day?

Pure: it reads the edition, its scheme and rulebook, the rulebook's eligibility rules (data, see
awards.models.EligibilityRule) and the facts the applicant declares, and returns every failure it finds. It
writes nothing and makes at most one query, for the rules, and none when they are prefetched
(`prefetch_related("rulebook__eligibility_rules")`; the edition's scheme and rulebook should come with
`select_related`). No threshold or article is written here: a new scheme's rules need no new code.

Failures come in a stable order: the application window, the rulebook's validity, the applicant's category,
then the rules of that category in their data order (by id).

Declarations (the DECLARATIONS kinds) are met when the applicant ticked them; the message for a missing one
quotes the rule's own words (EligibilityRule.text) and its article. A choice (FOCUS_FIELD) is met when the
applicant picked one of the rule's options (EligibilityRule.options, keyed by item number).

A past winner (NO_REPEAT_WINNER): the rule's `years` empty means the winner may never apply to the same scheme
again; `years` = N means it may apply again to an edition whose year is at least the winning edition's year
+ N (won in the 2020 edition, N = 3: refused for 2021 and 2022, allowed from the 2023 edition on).
"""

import calendar
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.enums import Category, EditionStatus, EligibilityKind

K = EligibilityKind

# Failure kinds that are not eligibility rules of the rulebook.
APPLICATION_WINDOW = "application_window"
RULEBOOK_IN_FORCE = "rulebook_in_force"
CATEGORY = "category"

# What the applicant declares by ticking the rule's words (the accident and violation declarations have their
# own columns on the application; the others are kept with the form, see formspec.form_facts).
DECLARATIONS = frozenset(
    {
        K.ACCIDENT_FREE_YEARS,
        K.VIOLATION_FREE_YEARS,
        K.INDEPENDENT_LIABILITY,
        K.INTEGRITY,
        K.CLEAN_RECORD,
        K.METHOD_APPLIED,
        K.SHARING_COMMITMENT,
    }
)
# The declarations kept with the form rather than in a column of their own.
FORM_DECLARATIONS = DECLARATIONS - {K.ACCIDENT_FREE_YEARS, K.VIOLATION_FREE_YEARS}


@dataclass(frozen=True)
class PastAward:
    scheme_code: str
    edition_year: int
    awarded_on: date
    revoked_on: date | None = None
    scheme_id: int | None = None


@dataclass(frozen=True)
class ApplicantFacts:
    category: str
    operating_since: date | None = None
    four_new_field: bool = False
    quality_work_since: date | None = None
    profitable_years: int | None = None
    independent_legal_person: bool | None = None
    accident_free_declared: bool = False
    violation_free_declared: bool = False
    # The FORM_DECLARATIONS kinds ticked, and the key of the option chosen for a FOCUS_FIELD rule.
    declared: frozenset[str] = frozenset()
    focus_field: str = ""
    past_awards: tuple[PastAward, ...] = ()

    def has_declared(self, kind: str) -> bool:
        if kind == K.ACCIDENT_FREE_YEARS:
            return self.accident_free_declared
        if kind == K.VIOLATION_FREE_YEARS:
            return self.violation_free_declared
        return kind in self.declared


@dataclass(frozen=True)
class Failure:
    kind: str
    article: str
    message: str


def check_eligibility(*, edition, facts: ApplicantFacts, on: date) -> list[Failure]:
    """Every reason `facts` may not apply to `edition` on `on`; empty when it may."""
    scheme, rulebook = edition.scheme, edition.rulebook
    failures = [
        failure
        for failure in (
            _window_failure(edition, on),
            _rulebook_failure(edition, on),
            _category_failure(scheme, facts),
        )
        if failure is not None
    ]

    # Filtered in Python so that a prefetched set is used as it is.
    rules = sorted(
        (rule for rule in rulebook.eligibility_rules.all() if rule.category == facts.category),
        key=attrgetter("pk"),
    )
    kinds = {rule.kind for rule in rules}
    # A four-new unit is held to the four-new threshold instead of the ordinary one where the rulebook has
    # one; where it has none, the ordinary threshold applies to it too.
    four_new = facts.four_new_field and K.FOUR_NEW_OPERATING_YEARS in kinds
    for rule in rules:
        if rule.kind == K.OPERATING_YEARS and four_new:
            continue
        if rule.kind == K.FOUR_NEW_OPERATING_YEARS and not facts.four_new_field:
            continue
        try:
            check = _CHECKS[rule.kind]
        except KeyError:
            raise ImproperlyConfigured(f"Eligibility rule {rule.pk}: no check for the kind {rule.kind!r}.") from None
        if rule.kind in _NEEDS_YEARS and not rule.years:
            raise ImproperlyConfigured(f"Eligibility rule {rule.pk} ({rule.kind}) has no number of years.")
        if rule.kind == K.NO_REPEAT_WINNER and K.REVOCATION_BAN_YEARS in kinds:
            # Where the rulebook bans a revoked holder for N years, that ban governs revoked awards; counting
            # them as past wins too would make the ban's end meaningless.
            message = _no_repeat_winner(rule, edition, replace(facts, past_awards=_unrevoked(facts)), on)
        else:
            message = check(rule, edition, facts, on)
        if message is not None:
            failures.append(Failure(kind=rule.kind, article=rule.article, message=message))
    return failures


# --- dates --------------------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls on 28 February in a common year."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on`: how many anniversaries (by add_years) fall on or before `on`."""
    years = on.year - since.year
    if years > 0 and add_years(since, years) > on:
        years -= 1
    return max(years, 0)


def _reached(since: date, on: date, rule) -> bool:
    """Inclusive ("N年（含）以上"): passes from the Nth anniversary on; otherwise only after it."""
    anniversary = add_years(since, rule.years)
    return on >= anniversary if rule.inclusive else on > anniversary


# --- the edition --------------------------------------------------------------------------------------------


def _window_failure(edition, on: date) -> Failure | None:
    params = {
        "scheme": edition.scheme.short_name,
        "edition": edition.title,
        "opens": edition.application_opens.isoformat(),
        "closes": edition.application_closes.isoformat(),
        "on": on.isoformat(),
    }
    if edition.status != EditionStatus.OPEN:
        params["status"] = str(EditionStatus(edition.status).label)
        message = _(
            "%(scheme)s %(edition)s is not open for applications (%(status)s); "
            "the application period is %(opens)s to %(closes)s."
        )
    elif on < edition.application_opens:
        message = _(
            "%(scheme)s %(edition)s: the application period is %(opens)s to %(closes)s; "
            "applications are not accepted before it opens (%(on)s)."
        )
    elif on > edition.application_closes:
        message = _(
            "%(scheme)s %(edition)s: the application period is %(opens)s to %(closes)s; "
            "applications closed on %(closes)s."
        )
    else:
        return None
    return Failure(kind=APPLICATION_WINDOW, article="", message=message % params)


def _rulebook_failure(edition, on: date) -> Failure | None:
    rulebook = edition.rulebook
    if rulebook.in_force_on(on):
        return None
    params = {
        "scheme": edition.scheme.short_name,
        "title": rulebook.title,
        "article": rulebook.validity_article or _("its validity clause"),
        "on": on.isoformat(),
    }
    if on < rulebook.valid_from:
        params["start"] = rulebook.valid_from.isoformat()
        message = _(
            "%(scheme)s: the rulebook “%(title)s” comes into force on %(start)s (%(article)s); "
            "no application can be made under it on %(on)s."
        )
    else:
        params["end"] = rulebook.valid_until.isoformat()
        message = _(
            "%(scheme)s: the rulebook “%(title)s” was in force only until %(end)s (%(article)s); "
            "no application can be made under it on %(on)s."
        )
    return Failure(kind=RULEBOOK_IN_FORCE, article=rulebook.validity_article, message=message % params)


def _label(category: str) -> str:
    return str(Category(category).label) if category in Category.values else category


def _category_failure(scheme, facts: ApplicantFacts) -> Failure | None:
    if facts.category in scheme.categories:
        return None
    message = _("%(scheme)s accepts only these categories of applicant: %(allowed)s; “%(category)s” is not one.") % {
        "scheme": scheme.short_name,
        "allowed": " / ".join(_label(c) for c in scheme.categories),
        "category": _label(facts.category),
    }
    return Failure(kind=CATEGORY, article="", message=message)


# --- the rules ----------------------------------------------------------------------------------------------
# Each check returns None when the rule is met, else the message for the applicant.


def _params(rule, edition, **extra) -> dict:
    return {"scheme": edition.scheme.short_name, "article": rule.article, **extra}


def _operating_years(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    if facts.operating_since is None:
        return _(
            "%(scheme)s %(article)s: the date since which the unit has been operating is needed; "
            "%(required)d years of operation are required."
        ) % _params(rule, edition, required=rule.years)
    if _reached(facts.operating_since, on, rule):
        return None
    actual = full_years(facts.operating_since, on)
    params = _params(rule, edition, actual=actual, required=rule.years)
    if rule.kind == K.FOUR_NEW_OPERATING_YEARS:
        if rule.inclusive:
            return ngettext(
                "%(scheme)s %(article)s: operating in a four-new field for %(actual)d year; "
                "%(required)d years required (inclusive).",
                "%(scheme)s %(article)s: operating in a four-new field for %(actual)d years; "
                "%(required)d years required (inclusive).",
                actual,
            ) % params
        return ngettext(
            "%(scheme)s %(article)s: operating in a four-new field for %(actual)d year; "
            "more than %(required)d years required.",
            "%(scheme)s %(article)s: operating in a four-new field for %(actual)d years; "
            "more than %(required)d years required.",
            actual,
        ) % params
    if rule.inclusive:
        return ngettext(
            "%(scheme)s %(article)s: operating for %(actual)d year; %(required)d years required (inclusive).",
            "%(scheme)s %(article)s: operating for %(actual)d years; %(required)d years required (inclusive).",
            actual,
        ) % params
    return ngettext(
        "%(scheme)s %(article)s: operating for %(actual)d year; more than %(required)d years required.",
        "%(scheme)s %(article)s: operating for %(actual)d years; more than %(required)d years required.",
        actual,
    ) % params


def _quality_work_years(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    if facts.quality_work_since is None:
        return _(
            "%(scheme)s %(article)s: the date since which the applicant has done quality work in the city is "
            "needed; %(required)d years of quality work are required."
        ) % _params(rule, edition, required=rule.years)
    if _reached(facts.quality_work_since, on, rule):
        return None
    actual = full_years(facts.quality_work_since, on)
    params = _params(rule, edition, actual=actual, required=rule.years)
    if rule.inclusive:
        return ngettext(
            "%(scheme)s %(article)s: quality work in the city for %(actual)d year; "
            "%(required)d years required (inclusive).",
            "%(scheme)s %(article)s: quality work in the city for %(actual)d years; "
            "%(required)d years required (inclusive).",
            actual,
        ) % params
    return ngettext(
        "%(scheme)s %(article)s: quality work in the city for %(actual)d year; "
        "more than %(required)d years required.",
        "%(scheme)s %(article)s: quality work in the city for %(actual)d years; "
        "more than %(required)d years required.",
        actual,
    ) % params


def _profitable_years(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    # Profitable years are whole years, so "more than N" is "N + 1 or more".
    required = rule.years if rule.inclusive else rule.years + 1
    if facts.profitable_years is None:
        return _(
            "%(scheme)s %(article)s: the number of consecutive profitable years is needed; "
            "%(required)d consecutive profitable years are required."
        ) % _params(rule, edition, required=required)
    if facts.profitable_years >= required:
        return None
    return ngettext(
        "%(scheme)s %(article)s: profitable for %(actual)d consecutive year; "
        "%(required)d consecutive profitable years are required.",
        "%(scheme)s %(article)s: profitable for %(actual)d consecutive years; "
        "%(required)d consecutive profitable years are required.",
        facts.profitable_years,
    ) % _params(rule, edition, actual=facts.profitable_years, required=required)


def _words(rule) -> str:
    return rule.text or str(K(rule.kind).label)


def _declaration(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    """A declaration in the rulebook's words: met when ticked; the message quotes the words and the article."""
    if facts.has_declared(rule.kind):
        return None
    return _(
        "%(scheme)s %(article)s: the applicant has not declared “%(text)s”; this declaration is required."
    ) % _params(rule, edition, text=_words(rule))


def _focus_field(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    """One of the rulebook's listed fields or categories must be chosen (the options are data on the rule)."""
    keys = [str(option.get("key", "")) for option in rule.options or ()]
    if not keys:
        raise ImproperlyConfigured(f"Eligibility rule {rule.pk} ({rule.kind}) has no options.")
    if facts.focus_field in keys:
        return None
    params = _params(rule, edition, text=_words(rule), keys=" / ".join(keys), chosen=facts.focus_field)
    if not facts.focus_field:
        return _(
            "%(scheme)s %(article)s: choose the item of “%(text)s” the application falls in (%(keys)s)."
        ) % params
    return _("%(scheme)s %(article)s: “%(chosen)s” is not an item of “%(text)s” (%(keys)s).") % params


def _independent_legal_person(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    if facts.independent_legal_person is True:
        return None
    if facts.independent_legal_person is None:
        return _(
            "%(scheme)s %(article)s: only an independent legal person may apply; "
            "the applicant has not stated whether it is one."
        ) % _params(rule, edition)
    return _(
        "%(scheme)s %(article)s: only an independent legal person may apply; the applicant is not one."
    ) % _params(rule, edition)


def _unrevoked(facts: ApplicantFacts) -> tuple[PastAward, ...]:
    return tuple(award for award in facts.past_awards if award.revoked_on is None)


def _own_awards(edition, facts: ApplicantFacts) -> list[PastAward]:
    return [award for award in facts.past_awards if award.scheme_code == edition.scheme.code]


def _no_repeat_winner(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    """A past winner of the same scheme may not apply again; with `years` = N, not before the edition of the
    winning year + N (see the module docstring). Revoked awards count, except where the rulebook has a
    revocation ban, which then governs them (see check_eligibility)."""
    won = _own_awards(edition, facts)
    if not won:
        return None
    latest = max(won, key=attrgetter("edition_year"))
    if rule.years is None:
        return _(
            "%(scheme)s %(article)s: the applicant already won this award in %(year)d; "
            "past winners may not apply again."
        ) % _params(rule, edition, year=latest.edition_year)
    again = latest.edition_year + rule.years
    if edition.year >= again:
        return None
    return ngettext(
        "%(scheme)s %(article)s: the applicant already won this award in %(year)d; a past winner may apply again "
        "%(years)d year after the winning edition, from the edition of %(again)d.",
        "%(scheme)s %(article)s: the applicant already won this award in %(year)d; a past winner may apply again "
        "%(years)d years after the winning edition, from the edition of %(again)d.",
        rule.years,
    ) % _params(rule, edition, year=latest.edition_year, years=rule.years, again=again)


def _revocation_ban_years(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    """An applicant whose award of the same scheme was revoked is barred for N years ("N年内不得再次申报").

    The ban runs from the revocation day through the day before its Nth anniversary; the applicant may apply
    again on the anniversary itself (revoked_on + N years, 29 February falling on 28 February). Where several
    awards were revoked, the ban that ends last is the one reported.
    """
    bans = [
        (add_years(award.revoked_on, rule.years), award)
        for award in _own_awards(edition, facts)
        if award.revoked_on is not None
    ]
    bans = [(again, award) for again, award in bans if on < again]
    if not bans:
        return None
    again, award = max(bans, key=lambda ban: ban[0])
    return ngettext(
        "%(scheme)s %(article)s: the award of %(year)d was revoked on %(revoked)s, which bars the applicant for "
        "%(years)d year; it may apply again from %(again)s.",
        "%(scheme)s %(article)s: the award of %(year)d was revoked on %(revoked)s, which bars the applicant for "
        "%(years)d years; it may apply again from %(again)s.",
        rule.years,
    ) % _params(
        rule,
        edition,
        year=award.edition_year,
        revoked=award.revoked_on.isoformat(),
        years=rule.years,
        again=again.isoformat(),
    )


def _previous_provincial_benchmark(rule, edition, facts: ApplicantFacts, on: date) -> str | None:
    """Only an earlier-year winner of the scheme the rule names (`source_scheme`) may apply; a title revoked by
    `on` does not count."""
    if rule.source_scheme_id is None:
        raise ImproperlyConfigured(f"Eligibility rule {rule.pk} ({rule.kind}) names no scheme (source_scheme).")
    if any(
        award.scheme_id == rule.source_scheme_id
        and award.edition_year < edition.year
        and (award.revoked_on is None or award.revoked_on > on)
        for award in facts.past_awards
    ):
        return None
    return _(
        "%(scheme)s %(article)s: only a provincial quality benchmark of a year before %(year)d may apply; "
        "the applicant is not one."
    ) % _params(rule, edition, year=edition.year)


_CHECKS = {
    K.OPERATING_YEARS: _operating_years,
    K.FOUR_NEW_OPERATING_YEARS: _operating_years,
    K.QUALITY_WORK_YEARS: _quality_work_years,
    K.PROFITABLE_YEARS: _profitable_years,
    K.ACCIDENT_FREE_YEARS: _declaration,
    K.VIOLATION_FREE_YEARS: _declaration,
    K.INDEPENDENT_LIABILITY: _declaration,
    K.INTEGRITY: _declaration,
    K.CLEAN_RECORD: _declaration,
    K.METHOD_APPLIED: _declaration,
    K.SHARING_COMMITMENT: _declaration,
    K.FOCUS_FIELD: _focus_field,
    K.INDEPENDENT_LEGAL_PERSON: _independent_legal_person,
    K.NO_REPEAT_WINNER: _no_repeat_winner,
    K.REVOCATION_BAN_YEARS: _revocation_ban_years,
    K.PREVIOUS_PROVINCIAL_BENCHMARK: _previous_provincial_benchmark,
}

_NEEDS_YEARS = frozenset(
    {
        K.OPERATING_YEARS,
        K.FOUR_NEW_OPERATING_YEARS,
        K.QUALITY_WORK_YEARS,
        K.PROFITABLE_YEARS,
        K.ACCIDENT_FREE_YEARS,
        K.VIOLATION_FREE_YEARS,
        K.REVOCATION_BAN_YEARS,
    }
)
