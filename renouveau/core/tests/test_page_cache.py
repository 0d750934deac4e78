from renouveau.plan.models import Workstream


def test_anonymous_pages_are_cached_and_writes_invalidate_them(
    client, plan, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    url = Workstream.objects.get(number=5).get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert "Content-Security-Policy" in second

    # An audited change (any service write) shows at once.
    from renouveau.core.services import log_action

    workstream = Workstream.objects.get(number=5)
    workstream.title = "Titre modifié par un agent"
    workstream.save()
    with django_capture_on_commit_callbacks(execute=True):
        log_action(actor=None, action="plan.workstream_changed", obj=workstream)
    assert "Titre modifié par un agent" in client.get(url).content.decode()


def test_logged_in_and_form_pages_are_never_shared(client, plan, resident, settings):
    settings.PAGE_CACHE_SECONDS = 60
    client.force_login(resident)
    body = client.get("/plan/").content.decode()
    assert "Mon compte" in body
    client.logout()
    assert "Se connecter" in client.get("/plan/").content.decode()


def test_language_is_part_of_the_key(client, plan, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert 'lang="fr"' in client.get("/plan/").content.decode()
    response = client.get("/langue/", {"language": "en", "next": "/plan/"})
    assert response.status_code == 302 and response["Location"] == "/plan/"
    assert 'lang="en"' in client.get("/plan/").content.decode()


def test_language_switch_refuses_unknown_language_and_foreign_redirects(client, db):
    assert client.get("/langue/", {"language": "xx"}).status_code == 400
    response = client.get("/langue/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_responses_with_a_csrf_token_or_a_cookie_are_not_shareable(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from renouveau.core.middleware import AnonymousPageCacheMiddleware

    request = rf.get("/idees/")
    request.user = AnonymousUser()
    assert AnonymousPageCacheMiddleware._shareable(request, HttpResponse("ok"))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not AnonymousPageCacheMiddleware._shareable(request, HttpResponse("ok"))
    request = rf.get("/idees/")
    request.user = AnonymousUser()
    response = HttpResponse("ok")
    response.set_cookie("x", "1")
    assert not AnonymousPageCacheMiddleware._shareable(request, response)
    assert not AnonymousPageCacheMiddleware._shareable(request, HttpResponse("no", status=404))


def test_private_writes_do_not_invalidate_the_cache(
    client, plan, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from renouveau.core.middleware import AnonymousPageCacheMiddleware
    from renouveau.core.services import log_action

    settings.PAGE_CACHE_SECONDS = 60
    before = cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0
    with django_capture_on_commit_callbacks(execute=True):
        log_action(actor=None, action="budgets.ballot_cast", obj=plan, public_change=False)
    assert (cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0) == before
    with django_capture_on_commit_callbacks(execute=True):
        log_action(actor=None, action="plan.changed", obj=plan)
    assert cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) == before + 1
