"""The small "head" vector (title A, promise and keywords B) that orders search results by
relevance groups, with its GIN index; filled for the existing aids on PostgreSQL."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

FILL_HEAD = """
UPDATE aids_aid SET search_head =
    setweight(to_tsvector('french_unaccent', COALESCE(title, '')), 'A')
    || setweight(to_tsvector('french_unaccent',
                             COALESCE(promise, '') || ' ' || COALESCE(keywords, '')), 'B')
WHERE search_vector IS NOT NULL
"""


def fill_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_HEAD)


class Migration(migrations.Migration):
    dependencies = [
        ("aids", "0003_listing_index"),
        ("guides", "0001_initial"),
        ("plan", "0001_initial"),
        ("territories", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="aid",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="aid",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_head"], name="aid_search_head_gin"
            ),
        ),
        migrations.RunPython(fill_head, migrations.RunPython.noop),
    ]
