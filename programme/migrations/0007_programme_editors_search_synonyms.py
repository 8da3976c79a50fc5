from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "programme editors"
CODENAMES = ["add_searchsynonym", "change_searchsynonym", "delete_searchsynonym", "view_searchsynonym"]


def grant(apps, schema_editor):
    # The programme's editors know the words of its projects: they keep the search's synonyms of them.
    transparency = apps.get_app_config("transparency")
    transparency.models_module = True
    create_permissions(transparency, apps=apps, verbosity=0)
    transparency.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="transparency", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="transparency", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0006_letterhead_signature"),
        ("transparency", "0002_searchsynonym"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
