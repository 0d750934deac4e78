"""``search_text`` again with the stemmer that pairs irregular plurals ("travail"/"travaux" →
``traval``, "yeux" → ``oeil``): the SQLite search and the back-office filter read it."""

from django.db import migrations


def restem(apps, schema_editor):
    from renouveau.aids.search import index_text

    Aid = apps.get_model("aids", "Aid")
    batch = []
    fields = ("title", "promise", "keywords", "description", "eligibility", "examples")
    for aid in Aid.objects.only("pk", "search_extra", *fields).iterator(chunk_size=500):
        aid.search_text = index_text(*(getattr(aid, f) for f in fields), aid.search_extra)
        batch.append(aid)
        if len(batch) >= 500:
            Aid.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Aid.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("aids", "0004_search_head")]

    operations = [migrations.RunPython(restem, migrations.RunPython.noop)]
