"""How an audit row reads on the audit-log page: in the reader's language, with names a person recognises.

The rows are kept as they were written (machine text in English: states by their codes, refusal reasons as the
services phrase them, "applications.Application" as the object's type) and are never changed; this module
translates them when they are shown:

- the object: the model's verbose name in the reader's language and the name stored with the row, so
  "applications.Application #5 WH-2026-0001 威海…" reads "申报 WH-2026-0001 威海…";
- the detail: a state change "submitted → recommended: 同意" with the states' labels; a known fixed phrase or
  refusal reason through the catalogue (``KNOWN_DETAILS``, marked for translation here); the details the
  services compose from parts (``PATTERNS``) rebuilt from those parts. Anything else is shown as stored.

It reads no database: models, fields and choices come from the app registry (which also keeps this lowest app
from importing the higher ones whose states it names).
"""

import re
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext, gettext_noop

# Fixed details and refusal reasons written by the services, views and middleware.
KNOWN_DETAILS = (
    gettext_noop("account locked after repeated failed logins"),
    gettext_noop("idle timeout"),
    gettext_noop("absolute timeout"),
    gettext_noop("admin"),
    gettext_noop("admin inline"),
    gettext_noop("answered"),
    gettext_noop("applicant account"),
    gettext_noop("approved"),
    gettext_noop("certificate"),
    gettext_noop("certificate PDF"),
    gettext_noop("certificate batch"),
    gettext_noop("confirmation withdrawn: members changed"),
    gettext_noop("decision document"),
    gettext_noop("draft saved"),
    gettext_noop("individual applicant"),
    gettext_noop("objection evidence"),
    gettext_noop("package"),
    gettext_noop("password set through the expert's link"),
    gettext_noop("password-set link issued"),
    gettext_noop("removed"),
    gettext_noop("self-report file"),
    gettext_noop("self-report filed"),
    gettext_noop("unit registered"),
    gettext_noop("the requester cannot approve their own conflict override"),
    gettext_noop("may not run this review stage"),
    gettext_noop("neither office staff nor an evaluator"),
    gettext_noop("not a coordinator of this district"),
    gettext_noop("not a member of this supervision group"),
    gettext_noop("not an evaluator of this round"),
    gettext_noop("not the applicant"),
    gettext_noop("not the assigned expert"),
    gettext_noop("not the holder"),
    gettext_noop("only a group leader records a consensus"),
    gettext_noop("only a qualification department or the office signs off"),
    gettext_noop("only applicants create applications"),
    gettext_noop("only office staff add experts"),
    gettext_noop("only office staff approve a conflict override"),
    gettext_noop("only office staff assign experts"),
    gettext_noop("only office staff change assignments"),
    gettext_noop("only office staff change experts"),
    gettext_noop("only office staff change the candidate list"),
    gettext_noop("only office staff confirm review bodies"),
    gettext_noop("only office staff create experts"),
    gettext_noop("only office staff deactivate experts"),
    gettext_noop("only office staff form review bodies"),
    gettext_noop("only office staff import experts"),
    gettext_noop("only office staff issue password-set links"),
    gettext_noop("only office staff launch an evaluation round"),
    gettext_noop("only office staff name evaluators"),
    gettext_noop("only office staff propose the candidate list"),
    gettext_noop("only office staff reactivate experts"),
    gettext_noop("only office staff request a conflict override"),
    gettext_noop("only office staff seat experts on review bodies"),
    gettext_noop("only office staff set up a supervision group"),
    gettext_noop("only office staff set up review stages"),
    gettext_noop("only office staff take experts off review bodies"),
    gettext_noop("only office staff write experts' credit records"),
    gettext_noop("only the assigned expert declares a conflict of interest"),
    gettext_noop("only the auditor reads the audit log"),
    gettext_noop("only the award office approves candidates"),
    gettext_noop("only the award office decides objections"),
    gettext_noop("only the award office issues certificates"),
    gettext_noop("only the award office publishes a public notice"),
    gettext_noop("only the award office records an approval"),
    gettext_noop("only the award office records approvals"),
    gettext_noop("only the award office records items issued to winners"),
    gettext_noop("only the award office records the announcement"),
    gettext_noop("only the award office records the decision chain"),
    gettext_noop("only the award office renders certificates"),
    gettext_noop("only the award office takes a name off a notice"),
    gettext_noop("only the expert or office staff declare an expert's ties"),
    gettext_noop("only the office or the agency closes a review stage"),
    gettext_noop("only the office or the agency records a gate stage"),
    gettext_noop("only the office or the agency schedules a defence session"),
    gettext_noop("only the office or the agency schedules a site visit"),
    gettext_noop("only the office re-opens a score sheet"),
    gettext_noop("only the office sets the signing departments"),
    gettext_noop("only the office, the agency or, for a qualification check, its departments"),
    gettext_noop("only the system administrator manages accounts"),
    gettext_noop("the auditor reads spot checks only"),
    gettext_noop("this department account is bound to no department"),
)

_ARROW = "→"
_STATE_CHANGE = re.compile(r"^(?P<before>[a-z_]+) (?:→|->) (?P<after>[a-z_]+)(?:: (?P<comment>.*))?$", re.S)
_REQUEST = re.compile(r"^(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<path>\S+): (?P<reason>.*)$", re.S)
_SCOPE = re.compile(r"^(?P<items>items of )?(?P<label>\w+\.\w+) #(?P<pk>\w+) (?:is|are) outside the user's scope$")


@cache
def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str) -> str:
    """The verbose name of "app.Model" in the reader's language; the label itself for a model that is gone."""
    model = _model(label) if label else None
    return str(model._meta.verbose_name) if model is not None else label


@cache
def _choices(label: str) -> dict:
    """Every coded value of the model's fields with choices ("state" and "status" first) → its lazy label."""
    model = _model(label)
    if model is None:
        return {}
    fields = sorted(
        (field for field in model._meta.get_fields() if getattr(field, "choices", None)),
        key=lambda field: field.name not in ("state", "status"),
    )
    found = {}
    for field in reversed(fields):
        found.update({str(value): text for value, text in field.flatchoices})
    return found


def _choice(label: str, value: str, *, model_label: str = "", field: str = "") -> str:
    """The label of a coded value: of `field` of `model_label` when given, else of any field of `label`."""
    if model_label and field:
        model = _model(model_label)
        try:
            options = dict(model._meta.get_field(field).flatchoices) if model is not None else {}
        except FieldDoesNotExist:
            options = {}
        if value in options:
            return str(options[value])
    text = _choices(label).get(value)
    return str(text) if text is not None else value


def _stage(value: str) -> str:
    return _choice("", value, model_label="awards.Stage", field="kind")


def _field_names(label: str, names: str) -> str:
    model = _model(label)
    shown = []
    for name in (part.strip() for part in names.split(",")):
        if not name:
            continue
        try:
            shown.append(str(model._meta.get_field(name).verbose_name) if model is not None else name)
        except FieldDoesNotExist:
            shown.append(name)
    return "、".join(shown)


def _phrase(text: str) -> str:
    """A fixed phrase through the catalogue (unchanged when the catalogue does not know it)."""
    return gettext(text) if text else text


def _comment(text: str | None) -> str:
    return _phrase(text.strip()) if text else ""


def _with_comment(main: str, comment: str | None) -> str:
    comment = _comment(comment)
    return gettext("%(main)s: %(comment)s") % {"main": main, "comment": comment} if comment else main


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.S)


# Details composed from parts: (pattern, object type it applies to or "", how to say it).
PATTERNS = [
    (
        _p(r"^review stage (?P<kind>\w+), due (?P<due>[\d-]+), k=(?P<k>\d+)$"),
        "",
        lambda label, m: (
            gettext("review stage “%(stage)s”, score sheets due %(due)s, %(k)s experts per application")
            % {"stage": _stage(m["kind"]), "due": m["due"], "k": m["k"]}
        ),
    ),
    (
        _p(r"^(?P<method>\w+): (?P<n>\d+) assignments, total affinity (?P<affinity>-?\d+)(?:, seed (?P<seed>\d+))?$"),
        "",
        lambda label, m: (
            gettext("%(method)s: %(n)s assignments, total affinity %(affinity)s")
            % {
                "method": _choice("", m["method"], model_label="reviews.Assignment", field="method"),
                "n": m["n"],
                "affinity": m["affinity"],
            }
            + (gettext(", seed %(seed)s") % {"seed": m["seed"]} if m["seed"] else "")
        ),
    ),
    (
        _p(r"^sheet submitted, total (?P<total>[\d.]+)$"),
        "",
        lambda label, m: gettext("score sheet submitted, total %(total)s") % {"total": m["total"]},
    ),
    (
        _p(r"^sheet re-opened: (?P<reason>.*)$"),
        "",
        lambda label, m: gettext("score sheet re-opened: %(reason)s") % {"reason": m["reason"]},
    ),
    (
        _p(r"^agreed score (?P<score>[\d.]+)$"),
        "",
        lambda label, m: gettext("agreed score %(score)s") % {"score": m["score"]},
    ),
    (
        _p(r"^signing departments: (?P<names>.*)$"),
        "",
        lambda label, m: gettext("signing departments: %(names)s") % {"names": m["names"]},
    ),
    (
        _p(r"^(?P<department>.+) (?P<decision>approve|refuse)$"),
        "reviews.DepartmentSignOff",
        lambda label, m: (
            gettext("%(department)s: %(decision)s")
            % {"department": m["department"], "decision": _choice(label, m["decision"])}
        ),
    ),
    (
        _p(r"^(?P<kind>[a-z_]+) (?P<outcome>pass|fail|noted)(?:, score (?P<score>[\d.]+))?$"),
        "",
        lambda label, m: (
            gettext("%(stage)s: %(outcome)s")
            % {
                "stage": _stage(m["kind"]),
                "outcome": _choice("", m["outcome"], model_label="reviews.GateRecord", field="outcome"),
            }
            + (gettext(", score %(score)s") % {"score": m["score"]} if m["score"] else "")
        ),
    ),
    (
        _p(r"^site visit (?P<day>[\d-]+), team \[(?P<team>[\d, ]*)\]$"),
        "",
        lambda label, m: (
            gettext("site visit on %(day)s, team of %(count)s experts")
            % {"day": m["day"], "count": len([t for t in m["team"].split(",") if t.strip()])}
        ),
    ),
    (
        _p(r"^defence session (?P<when>[\d-]+ [\d:]+), applications (?P<ids>.*)$"),
        "",
        lambda label, m: gettext("defence session at %(when)s") % {"when": m["when"]},
    ),
    (
        _p(r"^tier (?P<before>\w+) → (?P<after>\w+): (?P<reason>.*)$"),
        "",
        lambda label, m: (
            gettext("tier %(before)s → %(after)s: %(reason)s")
            % {
                "before": _tier(m["before"]),
                "after": _tier(m["after"]),
                "reason": m["reason"],
            }
        ),
    ),
    (
        _p(r"^barred from assignment: (?P<kind>.*)$"),
        "",
        lambda label, m: gettext("barred from assignment: %(kind)s") % {"kind": m["kind"]},
    ),
    (
        _p(r"^(?P<kind>application_form|self_evaluation|evidence|recommendation_letter) (?P<sha>[0-9a-f]{64})$"),
        "",
        lambda label, m: (
            gettext("upload: %(kind)s (SHA-256 %(sha)s…)")
            % {
                "kind": _choice("", m["kind"], model_label="applications.ApplicationFile", field="kind"),
                "sha": m["sha"][:12],
            }
        ),
    ),
    (
        _p(r"^(?P<expert>expert )?download (?P<sha>[0-9a-f]{64})$"),
        "",
        lambda label, m: (
            (
                gettext("download by an expert (SHA-256 %(sha)s…)")
                if m["expert"]
                else gettext("download (SHA-256 %(sha)s…)")
            )
            % {"sha": m["sha"][:12]}
        ),
    ),
    (
        _p(r"^admin(?P<inline> inline)?: (?P<fields>.*)$"),
        "",
        lambda label, m: (
            (
                gettext("changed in the admin (inline): %(fields)s")
                if m["inline"]
                else gettext("changed in the admin: %(fields)s")
            )
            % {"fields": _field_names(label, m["fields"])}
        ),
    ),
    (
        _p(r"^fields: (?P<fields>.*); roles: (?P<roles>.*)$"),
        "accounts.User",
        lambda label, m: (
            gettext("changed: %(fields)s; roles: %(roles)s")
            % {"fields": _field_names(label, m["fields"]) or "—", "roles": _roles(m["roles"])}
        ),
    ),
    (
        _p(r"^coordinator (?P<username>\S+) granted$"),
        "",
        lambda label, m: gettext("coordinator %(username)s granted the district") % {"username": m["username"]},
    ),
    (
        _p(r"^confirmed with (?P<n>\d+) members$"),
        "",
        lambda label, m: gettext("confirmed with %(n)s members") % {"n": m["n"]},
    ),
    (
        _p(r"^announced (?P<n>\d+) winners, (?P<document>.*)$"),
        "",
        lambda label, m: gettext("announced %(n)s winners, %(document)s") % {"n": m["n"], "document": m["document"]},
    ),
    (
        _p(r"^notice (?P<start>[\d-]+)\.\.(?P<end>[\d-]+) \((?P<days>\d+) working days\), (?P<n>\d+) names$"),
        "",
        lambda label, m: (
            gettext("public notice %(start)s to %(end)s (%(days)s working days), %(n)s names")
            % {"start": m["start"], "end": m["end"], "days": m["days"], "n": m["n"]}
        ),
    ),
    (
        _p(r"^(?P<kind>[a-z_]+) on (?P<day>[\d-]+): kept (?P<kept>\d+) of (?P<n>\d+)$"),
        "",
        lambda label, m: (
            gettext("%(stage)s on %(day)s: %(kept)s of %(n)s kept")
            % {"stage": _stage(m["kind"]), "day": m["day"], "kept": m["kept"], "n": m["n"]}
        ),
    ),
    (
        _p(r"^(?P<kind>[a-z_]+) (?P<document>\S.*)$"),
        "decisions.DecisionStep",
        lambda label, m: (
            gettext("%(stage)s, document %(document)s") % {"stage": _stage(m["kind"]), "document": m["document"]}
        ),
    ),
    (
        _p(r"^objection to notice (?P<notice>\d+), entry (?P<entry>\d+)$"),
        "",
        lambda label, m: gettext("objection to entry %(entry)s of the notice") % {"entry": m["entry"]},
    ),
    (
        _p(r"^objection (?P<state>[a-z_]+)$"),
        "",
        lambda label, m: gettext("objection: %(state)s") % {"state": _choice(label, m["state"])},
    ),
    (
        _p(r"^assignment #(?P<old>\d+) \((?P<before>.*?)\) -> #(?P<new>\d+) \((?P<after>.*?)\): (?P<reason>.*)$"),
        "",
        lambda label, m: (
            gettext("expert replaced: %(before)s → %(after)s: %(reason)s")
            % {"before": m["before"], "after": m["after"], "reason": _comment(m["reason"])}
        ),
    ),
    (
        _p(r"^\d+: (?P<role>\w+)$"),
        "reviews.ReviewBodyMember",
        lambda label, m: gettext("seated as %(role)s") % {"role": _choice(label, m["role"])},
    ),
    (
        _p(r"^member removed: expert \d+ \((?P<role>\w+)\)$"),
        "",
        lambda label, m: (
            gettext("member removed (%(role)s)")
            % {"role": _choice("", m["role"], model_label="reviews.ReviewBodyMember", field="role")}
        ),
    ),
    (
        _p(r"^case on application #(?P<pk>\d+) from (?P<source>\w+) \((?P<state>\w+)\)$"),
        "",
        lambda label, m: (
            gettext("case on application #%(pk)s, from %(source)s (%(state)s)")
            % {"pk": m["pk"], "source": _choice(label, m["source"]), "state": _choice(label, m["state"])}
        ),
    ),
    (
        _p(r"^evidence (?:on|of) (?P<case>.*)$"),
        "",
        lambda label, m: gettext("evidence of case %(case)s") % {"case": m["case"]},
    ),
    (
        _p(r"^confirmed: (?P<rotated>\d+) of (?P<total>\d+) rotated, (?P<required>\d+) required$"),
        "",
        lambda label, m: (
            gettext("confirmed: %(rotated)s of %(total)s members rotated, %(required)s required")
            % {"rotated": m["rotated"], "total": m["total"], "required": m["required"]}
        ),
    ),
    (
        _p(r"^roles: (?P<now>.*) \(was (?P<was>.*)\)$"),
        "",
        lambda label, m: (
            gettext("roles: %(now)s (before: %(was)s)") % {"now": _roles(m["now"]), "was": _roles(m["was"])}
        ),
    ),
    (
        _p(r"^(?P<what>department|agency): (?P<now>.*) \(was (?P<was>.*)\)$"),
        "",
        lambda label, m: (
            (
                gettext("qualification department: %(now)s (before: %(was)s)")
                if m["what"] == "department"
                else gettext("third-party agency: %(now)s (before: %(was)s)")
            )
            % {
                "now": "—" if m["now"] == "-" else m["now"],
                "was": "—" if m["was"] == "-" else m["was"],
            }
        ),
    ),
    (
        _p(r"^run by (?P<agency>\S+)(?P<demo> \(demo data\))?$"),
        "",
        lambda label, m: (
            gettext("run by the third-party agency %(agency)s") % {"agency": m["agency"]}
            + (gettext(" (demo data)") if m["demo"] else "")
        ),
    ),
    (
        _p(r"^(?P<own>.+) signs only for itself, not for (?P<other>.+)$"),
        "",
        lambda label, m: (
            gettext("%(own)s signs only for itself, not for %(other)s")
            % {"own": m["own"], "other": "—" if m["other"] == "-" else m["other"]}
        ),
    ),
    (
        _p(r"^(?P<n>\d+) invited$"),
        "",
        lambda label, m: gettext("%(n)s invited") % {"n": m["n"]},
    ),
    (
        _p(r"^(?P<n>\d+) holders$"),
        "",
        lambda label, m: gettext("%(n)s award holders") % {"n": m["n"]},
    ),
    (
        _p(r"^dissolved (?P<day>[\d-]+)$"),
        "",
        lambda label, m: gettext("dissolved on %(day)s") % {"day": m["day"]},
    ),
    (
        _p(r"^evaluators: (?P<names>.*)$"),
        "",
        lambda label, m: gettext("evaluators: %(names)s") % {"names": m["names"]},
    ),
]


def _tier(value: str) -> str:
    if value == "outside":
        return gettext("outside the list")
    return _choice("", value, model_label="reviews.CandidateProposal", field="tier")


def _roles(text: str) -> str:
    names = [part.strip() for part in text.strip("[]").replace("'", "").split(",") if part.strip() not in ("", "-")]
    if not names:
        return "—"
    from .enums import Role

    labels = dict(Role.choices)
    return "、".join(str(labels.get(name, name)) for name in names)


def object_label(event) -> str:
    """ "申报 WH-2026-0001 威海…": the type in the reader's language, then the name stored with the row (or the
    id where none was stored)."""
    if not event.object_type:
        return ""
    name = event.object_repr or (f"#{event.object_id}" if event.object_id else "")
    return f"{model_name(event.object_type)} {name}".strip()


def detail_text(event) -> str:
    """The detail of `event` in the reader's language (see the module's docstring)."""
    detail = (event.detail or "").strip()
    if not detail:
        return ""
    label = event.object_type or ""
    if match := _STATE_CHANGE.match(detail):
        changes = _choices(label)
        if match["before"] in changes or match["after"] in changes:
            main = f"{_choice(label, match['before'])} {_ARROW} {_choice(label, match['after'])}"
            return _with_comment(main, match["comment"])
    if match := _REQUEST.match(detail):
        return f"{match['method']} {match['path']}：{_phrase(match['reason'].strip())}"
    if match := _SCOPE.match(detail):
        template = (
            gettext("the items of %(object)s #%(pk)s are outside the user's scope")
            if match["items"]
            else gettext("%(object)s #%(pk)s is outside the user's scope")
        )
        return template % {"object": model_name(match["label"]), "pk": match["pk"]}
    for pattern, only_for, say in PATTERNS:
        if only_for and only_for != label:
            continue
        if match := pattern.match(detail):
            return say(label, match)
    if re.fullmatch(r"[a-z_]+", detail) and detail in _choices(label):
        return _choice(label, detail)  # a state or a decision written by its code
    return _phrase(detail)


# The admin screens of django-axes (login attempts, lock-outs and the access log belong to the audit trail). The
# package has no Chinese catalogue: its labels are marked here so that the portal's catalogue carries them.
AXES_ADMIN_LABELS = (
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("access attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
