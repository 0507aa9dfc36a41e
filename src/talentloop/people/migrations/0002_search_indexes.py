import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["workspace", "country"], name="person_ws_country"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["workspace", "seniority_rank"], name="person_ws_seniority"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["workspace", "lifecycle"], name="person_ws_lifecycle"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["workspace", "created_at"], name="person_ws_created"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                models.F("workspace"),
                django.db.models.functions.text.Lower("city"),
                name="person_ws_city",
            ),
        ),
        migrations.AddIndex(
            model_name="personskill",
            index=models.Index(fields=["normalized", "person"], name="personskill_by_name"),
        ),
    ]
