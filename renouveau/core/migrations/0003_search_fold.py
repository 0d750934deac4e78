"""The global search's folding on PostgreSQL: ``renouveau_fold(text)``, an IMMUTABLE SQL
function, ``lower(unaccent('<schema>.unaccent'::regdictionary, $1))`` — the folding the search
did inline before (``lower(unaccent('unaccent'::regdictionary, x))``), now usable in the
trigram indexes of the apps (``unaccent`` is only STABLE: its dictionary could change; we
promise it does not). ``unaccent`` and ``pg_trgm`` are created if the aids' migrations have not
done it yet (a role allowed to create extensions is needed, see README). The function calls
``unaccent`` with its schema written out, so that it folds the same under any
``search_path`` (maintenance commands run with an empty one).

Nothing happens on SQLite, which registers a Python function of the same name on each
connection (``renouveau.core.search``). Reversing drops the function (the apps' indexes on it are
reversed first), never the extensions, which the aids' search uses too.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION renouveau_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower({schema}.unaccent({dictionary}::regdictionary, $1)) $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname), quote_literal(quote_ident(n.nspname) || '.unaccent') "
            "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        schema, dictionary = cursor.fetchone()
    schema_editor.execute(FUNCTION.format(schema=schema, dictionary=dictionary))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS renouveau_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_scheduledrun")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
