from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "moderators"
PERMISSIONS = [
    ("consultations", "view_round"),
    ("consultations", "view_meeting"),
    ("consultations", "view_contribution"),
    ("consultations", "add_contribution"),
    ("consultations", "change_contribution"),
    ("consultations", "moderate_contribution"),
    ("consultations", "view_comment"),
    ("consultations", "change_comment"),
    ("consultations", "moderate_comment"),
    ("consultations", "reply_comment"),
    # To name the project a contribution was taken into.
    ("programme", "view_project"),
    ("programme", "view_axis"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("programme", "0002_programme_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
