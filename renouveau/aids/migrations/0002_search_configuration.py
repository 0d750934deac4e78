"""PostgreSQL full-text search: the ``french_unaccent`` configuration (unaccent + french_stem),
the ``unaccent`` and ``pg_trgm`` extensions and the trigram index of the lexicon (typos).

Nothing happens on SQLite, which searches the normalised ``search_text`` column instead.
Creating extensions needs a role allowed to (the database owner on PostgreSQL 13+ for these
trusted extensions, or a superuser); see docs/aids.md.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CREATE_CONFIGURATION = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_CONFIGURATION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS aid_searchword_trgm "
        "ON aids_searchword USING gist (word gist_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The configuration may be shared with other apps' searches: it is kept.
    schema_editor.execute("DROP INDEX IF EXISTS aid_searchword_trgm")


class Migration(migrations.Migration):
    dependencies = [("aids", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
