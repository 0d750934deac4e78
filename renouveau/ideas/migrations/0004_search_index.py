"""The global search's trigram index on the folded title, description and place of the ideas
(``renouveau.core.search.TrigramSearchIndex``; docs/search.md). PostgreSQL only: nothing is
created on SQLite. Building it locks the table against writes for a few seconds per
10 000 ideas."""

from django.db import migrations

import renouveau.core.search


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_search_fold"),
        ("ideas", "0003_idea_project"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="idea",
            index=renouveau.core.search.TrigramSearchIndex(
                "title", "description", "place", name="idea_search_trgm"
            ),
        ),
    ]
