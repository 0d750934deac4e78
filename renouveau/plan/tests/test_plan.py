from decimal import Decimal

from renouveau.plan.models import Agreement, Deliberation, EmergencyMeasure, Target, Workstream


def test_plan_loaded_from_the_seed(plan):
    assert plan.workstreams.count() == 8
    assert set(plan.imperatives.values_list("code", flat=True)) == {
        "emploi",
        "inclusion",
        "ecologie",
    }
    values = {(t.unit, t.value) for t in Target.objects.all()}
    assert any(v == Decimal("350") for _, v in values)
    assert any(v == Decimal("200") for _, v in values)
    labels = " ".join(Target.objects.values_list("label", flat=True)).lower()
    assert "artificialisation" in labels
    assert EmergencyMeasure.objects.filter(title__icontains="23 km").exists()
    assert Deliberation.objects.filter(number="15336", body="bureau").exists()
    assert Deliberation.objects.filter(number="15529").count() == 2  # the source lists it twice


def test_oecd_agreement(plan):
    agreement = Agreement.objects.get(deliberation__number="15336")
    assert agreement.amount_eur == Decimal("80000")
    assert agreement.amount_basis == "TTC"
    assert agreement.ends_on.isoformat() == "2021-07-01"
    assert agreement.deliverables.count() == 2


def test_plan_load_is_idempotent(plan):
    from renouveau.plan.services import plan_load

    plan_load()
    assert Workstream.objects.count() == 8
    assert Deliberation.objects.filter(number="15336").count() == 1


def test_public_plan_pages(client, plan):
    response = client.get("/plan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Huit chantiers" in body
    workstream = Workstream.objects.get(number=5)
    response = client.get(workstream.get_absolute_url())
    assert response.status_code == 200
    assert "350" in response.content.decode()
    assert client.get("/plan/chantiers/inexistant/").status_code == 404
    assert client.get("/plan/deliberations/").status_code == 200
    agreement = Agreement.objects.first()
    assert client.get(agreement.get_absolute_url()).status_code == 200


def test_api_lists_the_eight_chantiers_with_targets(client, plan):
    data = client.get("/api/v1/chantiers/").json()
    assert [w["number"] for w in data] == list(range(1, 9))
    transport = data[4]
    assert any(t["value"] == "350.00" for t in transport["targets"])


def test_agents_edits_in_back_office_are_audited(client, plan, administrator):
    from renouveau.core.models import AuditLog

    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    workstream = Workstream.objects.get(number=1)
    url = f"/back-office/plan/workstream/{workstream.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "imperatives"}
    data.update(
        {"title": "Nouveau titre", "imperatives": [i.pk for i in workstream.imperatives.all()]}
    )
    data.update({"targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = AuditLog.objects.filter(action="plan.workstream_changed").get()
    assert entry.actor == administrator and "title" in entry.data["fields"]


def test_agents_see_the_change_log_link(client, plan, personas):
    workstream = Workstream.objects.get(number=5)
    client.force_login(personas["resident"])
    assert (
        "Journal des modifications"
        not in client.get(workstream.get_absolute_url()).content.decode()
    )
    client.force_login(personas["metropolis_agent"])
    body = client.get(workstream.get_absolute_url()).content.decode()
    assert f"/journal/plan/workstream/{workstream.pk}/" in body


def test_metropolis_agents_can_edit_the_plan_in_the_back_office(client, plan, personas):
    agent = personas["metropolis_agent"]
    assert agent.is_staff
    client.force_login(agent)
    workstream = Workstream.objects.get(number=1)
    assert client.get(f"/back-office/plan/workstream/{workstream.pk}/change/").status_code == 200
    client.force_login(personas["moderator"])
    assert client.get(f"/back-office/plan/workstream/{workstream.pk}/change/").status_code == 403


def test_over_long_chantier_slug_is_a_404(client, plan):
    """A 300-character slug went into the page's cache key (CacheKeyWarning: over memcached's
    250 characters, an error there); found by the security crawl."""
    assert client.get("/plan/chantiers/" + "x" * 300 + "/").status_code == 404
