from django.db import migrations


def create_default_grid(apps, schema_editor):
    from renouveau.portfolio.defaults import CRITERIA, GRID, SCALE_LEVELS

    Grid = apps.get_model("portfolio", "Grid")
    Criterion = apps.get_model("portfolio", "Criterion")
    if Grid.objects.filter(slug=GRID["slug"]).exists():
        return
    grid = Grid.objects.create(is_default=not Grid.objects.filter(is_default=True).exists(), **GRID)
    for position, data in enumerate(CRITERIA):
        Criterion.objects.create(
            grid=grid,
            position=position,
            code=data["code"],
            label=data["label"],
            family=data["family"],
            kind=data["kind"],
            default_weight=data["default_weight"],
            guidance=data["guidance"],
            levels=data.get("levels", SCALE_LEVELS),
        )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]
    operations = [migrations.RunPython(create_default_grid, migrations.RunPython.noop)]
