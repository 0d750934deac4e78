"""The global search's trigram indexes on the folded public text of offers, requests and
initiatives (``renouveau.core.search.TrigramSearchIndex``; docs/search.md): never the private
fields (address, phone). PostgreSQL only: nothing is created on SQLite. Building them locks
each table against writes for a few seconds per 10 000 rows."""

from django.db import migrations

import renouveau.core.search


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_search_fold"),
        ("mutualaid", "0002_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="helpoffer",
            index=renouveau.core.search.TrigramSearchIndex(
                "title", "description", name="offer_search_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="helprequest",
            index=renouveau.core.search.TrigramSearchIndex(
                "title", "description", name="request_search_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=renouveau.core.search.TrigramSearchIndex(
                "title", "description", "place", name="initiative_search_trgm"
            ),
        ),
    ]
