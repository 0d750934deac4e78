"""Every URL pattern of the project, and how to fill its path parameters from the crawl's world.

``ROUTES`` maps a URL name to a function of the world returning its keyword arguments. A new URL
pattern with parameters and no entry here fails ``test_every_parametrised_url_has_an_entry``:
add a line, so the crawl covers it. Back-office (``admin:``) URLs are filled generically from
their model (see ``admin_kwargs``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

BOGUS_TOKEN = "jeton-invalide"  # noqa: S105 - a token nobody holds


@dataclass(frozen=True)
class Route:
    name: str  # namespaced name, e.g. "ideas:detail"
    pattern: URLPattern
    prefix: tuple  # the resolvers above it
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        """The name, plus ``.format`` for the API's format-suffix variants."""
        return self.name + (".format" if "format" in self.params else "")


def _params(pattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def iter_routes(resolver=None, prefix=(), namespace=()) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from iter_routes(entry, (*prefix, entry), ns)
        elif isinstance(entry, URLPattern):
            params = [p for r in prefix for p in _params(r)] + _params(entry)
            name = ":".join((*namespace, entry.name or "?"))
            yield Route(name=name, pattern=entry, prefix=prefix, params=tuple(params))


def build_path(route: Route, kwargs: dict[str, Any]) -> str:
    """The path of ``route`` with ``kwargs`` (no reverse(): several API patterns share a name,
    and the admin's unnamed redirects have none)."""
    parts = []
    for piece in (*route.prefix, route.pattern):
        pattern = piece.pattern
        text = str(pattern)
        if hasattr(pattern, "_route"):  # path() syntax
            text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), text)
        else:  # re_path(): replace the named groups, drop the anchors and escapes
            text = text.removeprefix("^").removesuffix("$")
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), text)
            text = text.replace("/?", "/").replace("\\.", ".")
        parts.append(text)
    return "/" + "".join(parts)


def _w(key: str, attr: str = "pk") -> Callable:
    return lambda w: getattr(w[key], attr)


def _submission(key):
    return lambda w: {"slug": w[key].call.slug, "pk": w[key].pk}


ROUTES: dict[str, Callable[[Any], dict[str, Any]]] = {
    # allauth
    "account_confirm_email": lambda w: {"key": "cle-invalide"},
    "account_reset_password_from_key": lambda w: {"uidb36": "0", "key": "cle-invalide"},
    # core
    "core:audit_log": lambda w: {
        "app_label": "mutualaid",
        "model": "helpoffer",
        "object_id": w["offer_a"].pk,
    },
    # accounts
    "accounts:organisation": lambda w: {"pk": w["organisation"].pk},
    "accounts:organisation_verify": lambda w: {"pk": w["organisation"].pk},
    # plan
    "plan:workstream": lambda w: {"slug": w["workstream"].slug},
    "plan:agreement": lambda w: {"code": w["agreement"].code},
    # aids
    "aids:alert_confirm": lambda w: {"token": BOGUS_TOKEN},
    "aids:alert_manage": lambda w: {"token": BOGUS_TOKEN},
    "aids:alert_unsubscribe": lambda w: {"token": BOGUS_TOKEN},
    "aids:bo_detail": lambda w: {"pk": w["aid"].pk},
    "aids:bo_edit": lambda w: {"pk": w["aid"].pk},
    "aids:bo_action": lambda w: {"pk": w["aid"].pk, "action": "archive"},
    "aids:detail": lambda w: {"slug": w["aid"].slug},
    # guides
    "guides:edit": lambda w: {"pk": w["guide"].pk},
    "guides:action": lambda w: {"pk": w["guide"].pk, "action": "archive"},
    "guides:banner_end": lambda w: {"pk": w["banner"].pk},
    "guides:detail": lambda w: {"slug": w["guide"].slug},
    # mutual aid (A's posts; the match between A's request and C's offer)
    "mutualaid:offer_detail": lambda w: {"pk": w["offer_a"].pk},
    "mutualaid:request_detail": lambda w: {"pk": w["request_a"].pk},
    "mutualaid:propose_to": lambda w: {"kind": "request", "pk": w["request_a"].pk},
    "mutualaid:post_close": lambda w: {"kind": "offer", "pk": w["offer_a"].pk},
    "mutualaid:match_detail": lambda w: {"pk": w["match"].pk},
    "mutualaid:match_answer": lambda w: {"pk": w["match"].pk},
    "mutualaid:match_done": lambda w: {"pk": w["match"].pk},
    "mutualaid:testimony_add": lambda w: {"pk": w["match"].pk},
    "mutualaid:block_other": lambda w: {"pk": w["match"].pk},
    "mutualaid:block_delete": lambda w: {"pk": w["block"].pk},
    "mutualaid:initiative_detail": lambda w: {"pk": w["initiative"].pk},
    "mutualaid:report": lambda w: {"kind": "offer", "pk": w["offer_c"].pk},
    "mutualaid:report_decide": lambda w: {"pk": w["mutualaid_report"].pk},
    "mutualaid:content_restore": lambda w: {"kind": "offer", "pk": w["offer_c"].pk},
    # ideas
    "ideas:detail": lambda w: {"pk": w["idea"].pk},
    "ideas:photo": lambda w: {"pk": w["idea"].pk},
    "ideas:support": lambda w: {"pk": w["idea"].pk},
    "ideas:comment": lambda w: {"pk": w["idea"].pk},
    "ideas:status": lambda w: {"pk": w["idea"].pk},
    "ideas:flag": lambda w: {"kind": "comment", "pk": w["idea_comment"].pk},
    "ideas:flag_decide": lambda w: {"pk": w["idea_flag"].pk},
    "ideas:content_restore": lambda w: {"kind": "comment", "pk": w["idea_comment"].pk},
    # calls (A's own project in the open call; a comment on a demo project)
    "calls:comment_dismiss": lambda w: {"comment_pk": w["call_comment"].pk},
    "calls:detail": lambda w: {"slug": w["call"].slug},
    "calls:edit": lambda w: {"slug": w["call"].slug},
    "calls:phase": lambda w: {"slug": w["call"].slug},
    "calls:projects": lambda w: {"slug": w["call"].slug},
    "calls:submit": lambda w: {"slug": w["open_call"].slug},
    "calls:submission": _submission("own_submission"),
    "calls:submission_edit": _submission("own_submission"),
    "calls:submission_coauthor": _submission("own_submission"),
    "calls:submission_withdraw": _submission("own_submission"),
    "calls:review": _submission("own_submission"),
    "calls:submission_leave": _submission("own_submission"),
    "calls:invitation_cancel": lambda w: {
        **_submission("own_submission")(w),
        "invitation_pk": w["invitation"].pk,
    },
    "calls:invitation": lambda w: {"token": BOGUS_TOKEN},
    "calls:invitation_accept": lambda w: {"token": BOGUS_TOKEN},
    "calls:invitation_decline": lambda w: {"token": BOGUS_TOKEN},
    # follows
    "follows:toggle": lambda w: {"model": "ideas.idea", "pk": w["idea"].pk},
    "calls:comment": _submission("submission"),
    "calls:comment_report": lambda w: {
        **_submission("submission")(w),
        "comment_pk": w["call_comment"].pk,
    },
    "calls:comment_moderate": lambda w: {
        **_submission("submission")(w),
        "comment_pk": w["call_comment"].pk,
    },
    # budgets
    "budgets:vote": lambda w: {"pk": w["envelope"].pk},
    "budgets:withdraw": lambda w: {"pk": w["envelope"].pk},
    "budgets:paper": lambda w: {"pk": w["envelope"].pk},
    "budgets:envelope_edit": lambda w: {"pk": w["envelope"].pk},
    "budgets:pabulib": lambda w: {"pk": w["envelope"].pk},
    "budgets:envelope_create": lambda w: {"slug": w["envelope"].call.slug},
    "budgets:close": lambda w: {"slug": w["envelope"].call.slug},
    "budgets:results": lambda w: {"slug": w["envelope"].call.slug},
    "budgets:recompute": lambda w: {"slug": w["envelope"].call.slug},
    "budgets:tracked": lambda w: {"pk": w["tracked"].pk},
    "budgets:tracked_edit": lambda w: {"pk": w["tracked"].pk},
    # portfolio
    "portfolio:project": lambda w: {"slug": w["portfolio_project"].slug},
    "portfolio:score": lambda w: {"slug": w["portfolio_project"].slug},
    "portfolio:scenario": lambda w: {"slug": w["scenario"].slug},
    "portfolio:scenario_edit": lambda w: {"slug": w["scenario"].slug},
    "portfolio:constraint_add": lambda w: {"slug": w["scenario"].slug},
    "portfolio:constraint_remove": lambda w: {
        "slug": w["scenario"].slug,
        "pk": w["constraint"].pk,
    },
    "portfolio:scenario_run": lambda w: {"slug": w["scenario"].slug},
    "portfolio:programme": lambda w: {"pk": w["programme"].pk},
    "portfolio:explain": lambda w: {
        "pk": w["programme"].pk,
        "slug": w["portfolio_project"].slug,
    },
    "portfolio:export_scores": lambda w: {"fmt": "csv"},
    "portfolio:export_scenarios": lambda w: {"fmt": "json"},
    # monitoring
    "monitoring:project": lambda w: {"slug": w["project"].slug},
    "monitoring:project_edit": lambda w: {"slug": w["project"].slug},
    "monitoring:manage": lambda w: {"slug": w["project"].slug},
    "monitoring:spending_set": lambda w: {"slug": w["project"].slug},
    "monitoring:funding_add": lambda w: {"slug": w["project"].slug},
    "monitoring:milestone_add": lambda w: {"slug": w["project"].slug},
    "monitoring:milestone_done": lambda w: {
        "slug": w["milestone"].project.slug,
        "pk": w["milestone"].pk,
    },
    "monitoring:document_add": lambda w: {"slug": w["project"].slug},
    "monitoring:indicator_add": lambda w: {"slug": w["project"].slug},
    "monitoring:measurement_add": lambda w: {"slug": w["project"].slug},
    "monitoring:workstream": lambda w: {"slug": w["workstream"].slug},
    "monitoring:export_projects": lambda w: {"fmt": "csv"},
    "monitoring:export_indicators": lambda w: {"fmt": "json"},
    # reserve (A's volunteer profile and warning signal)
    "reserve:volunteer_detail": lambda w: {"pk": w["volunteer"].pk},
    "reserve:volunteer_status": lambda w: {"pk": w["volunteer"].pk},
    "reserve:volunteer_distinguish": lambda w: {"pk": w["volunteer"].pk},
    "reserve:mission_detail": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_ical": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_edit": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_signups": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_action": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_cancel": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_signup": lambda w: {"pk": w["mission"].pk},
    "reserve:mission_withdraw": lambda w: {"pk": w["mission"].pk},
    "reserve:signal_detail": lambda w: {"pk": w["signal"].pk},
    "reserve:signal_triage": lambda w: {"pk": w["signal"].pk},
    # alerts (A's subscription)
    "alerts:detail": lambda w: {"pk": w["alert"].pk},
    "alerts:cap": lambda w: {"pk": w["alert"].pk},
    "alerts:edit": lambda w: {"pk": w["alert"].pk},
    "alerts:publish": lambda w: {"pk": w["alert"].pk},
    "alerts:update": lambda w: {"pk": w["alert"].pk},
    "alerts:cancel": lambda w: {"pk": w["alert"].pk},
    "alerts:subscription_delete": lambda w: {"pk": w["subscription"].pk},
    "alerts:unsubscribe": lambda w: {"token": BOGUS_TOKEN},
    "alerts:exercise_detail": lambda w: {"pk": w["exercise"].pk},
    "alerts:exercise_register": lambda w: {"pk": w["exercise"].pk},
    "alerts:exercise_edit": lambda w: {"pk": w["exercise"].pk},
    "alerts:exercise_debrief": lambda w: {"pk": w["exercise"].pk},
    "alerts:exercise_cancel": lambda w: {"pk": w["exercise"].pk},
    # governance
    "governance:body": lambda w: {"code": w["body"].code},
    "governance:body_calendar": lambda w: {"code": w["body"].code},
    "governance:body_recommendations": lambda w: {"code": w["body"].code},
    "governance:member_add": lambda w: {"code": w["body"].code},
    "governance:member_edit": lambda w: {
        "code": w["body_member"].body.code,
        "pk": w["body_member"].pk,
    },
    "governance:meeting": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_ics": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_register": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_unregister": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_waitlist_join": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_waitlist_leave": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_registrants": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_edit": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_cancel": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_minutes": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_document": lambda w: {"pk": w["meeting"].pk},
    "governance:meeting_document_file": lambda w: {
        "pk": w["meeting"].pk,
        "document": w["meeting_document"].pk,
        "filename": "ordre-du-jour.pdf",
    },
    "governance:meeting_document_remove": lambda w: {
        "pk": w["meeting"].pk,
        "document": w["meeting_document"].pk,
    },
    "governance:draw": lambda w: {"pk": w["draw"].pk},
    "governance:draw_withdraw": lambda w: {"pk": w["draw"].pk},
    "governance:draw_run": lambda w: {"pk": w["draw"].pk},
    "governance:draw_data": lambda w: {"pk": w["draw"].pk},
    "governance:recommendation": lambda w: {"pk": w["recommendation"].pk},
    "governance:recommendation_respond": lambda w: {"pk": w["recommendation"].pk},
    "governance:place": lambda w: {"pk": w["place"].pk},
    "governance:comparison_export": lambda w: {"fmt": "csv"},
    "governance:indicator": lambda w: {"code": w["comparison"].code},
    # API (A's posts are what the mutual-aid endpoints are asked for)
    "api:call-results": lambda w: {"pk": w["envelope"].call.pk},
    "api:territory-detail": lambda w: {"code": w["marseille"].territory.code},
    "api:chantier-detail": lambda w: {"slug": w["workstream"].slug},
    "api:aid-detail": lambda w: {"pk": w["aid"].pk},
    "api:mutualaid-offer-detail": lambda w: {"pk": w["offer_a"].pk},
    "api:mutualaid-request-detail": lambda w: {"pk": w["request_a"].pk},
    "api:initiative-detail": lambda w: {"pk": w["initiative"].pk},
    "api:idea-detail": lambda w: {"pk": w["idea"].pk},
    "api:call-detail": lambda w: {"pk": w["call"].pk},
    "api:call-projects": lambda w: {"pk": w["open_call"].pk},
    "api:project-detail": lambda w: {"slug": w["project"].slug},
    "api:indicator-detail": lambda w: {"pk": w["indicator"].pk},
    "api:reserve-mission-detail": lambda w: {"pk": w["mission"].pk},
    "api:alert-detail": lambda w: {"pk": w["alert"].pk},
    "api:meeting-detail": lambda w: {"pk": w["meeting"].pk},
}

# URLs whose object belongs to resident A and is private: neither resident B nor an anonymous
# visitor may read it (any answer but 200) nor change it.
PRIVATE_TO_A = {
    "core:audit_log",
    "accounts:organisation_verify",
    "mutualaid:post_close",
    "mutualaid:match_detail",
    "mutualaid:match_answer",
    "mutualaid:match_done",
    "mutualaid:testimony_add",
    "mutualaid:block_other",
    "mutualaid:block_delete",
    "calls:submission_edit",
    "calls:submission_coauthor",
    "calls:submission_withdraw",
    "calls:invitation_cancel",
    "calls:review",
    "reserve:volunteer_detail",
    "reserve:volunteer_status",
    "reserve:volunteer_distinguish",
    "reserve:signal_detail",
    "reserve:signal_triage",
    "alerts:subscription_delete",
}


def admin_kwargs(route: Route, world) -> dict[str, Any] | None:
    """Keyword arguments for a back-office URL: an existing row of the model it edits."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    if "url" in route.params:  # the catch-all of unknown back-office pages
        return {"url": "page-inexistante/"}
    if "object_id" not in route.params and "id" not in route.params:
        if "app_label" in route.params:
            return {"app_label": "ideas"}
        if "content_type_id" in route.params:
            user = world.users["resident_a"]
            return {
                "content_type_id": ContentType.objects.get_for_model(user).pk,
                "object_id": user.pk,
            }
        return {}
    if route.name == "admin:auth_user_password_change":
        return {"id": world.users["resident_a"].pk}
    if "content_type_id" in route.params:
        user = world.users["resident_a"]
        return {
            "content_type_id": ContentType.objects.get_for_model(user).pk,
            "object_id": user.pk,
        }
    route_text = "".join(str(p.pattern) for p in (*route.prefix, route.pattern))
    for model in admin.site._registry:
        meta = model._meta
        if f"/{meta.app_label}/{meta.model_name}/" in "/" + route_text.removeprefix("back-office/"):
            if model is world.users["resident_a"].__class__:
                return {"object_id": world.users["resident_a"].pk}
            obj = model._default_manager.order_by("pk").first()
            return {"object_id": obj.pk if obj is not None else 1}
    return None


def route_kwargs(route: Route, world) -> dict[str, Any] | None:
    """Keyword arguments for ``route`` (None: no entry in the table), worked out once per world
    (the back office's ask the database for a row of their model)."""
    memo = getattr(world, "route_kwargs", None)
    if memo is None:
        return _route_kwargs(route, world)
    if route not in memo:
        memo[route] = _route_kwargs(route, world)
    kwargs = memo[route]
    return None if kwargs is None else dict(kwargs)


def _route_kwargs(route: Route, world) -> dict[str, Any] | None:
    if route.name.startswith("admin:"):
        return admin_kwargs(route, world)
    extra = {}
    if "format" in route.params:
        suffix = "drf_format_suffix" in str(route.pattern.pattern)
        extra = {"format": ".json" if suffix else "json"}
    params = [p for p in route.params if p != "format"]
    if not params:
        return extra
    build = ROUTES.get(route.name)
    if build is None:
        return None
    return {**build(world), **extra}
