from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "budget editors"
EDITOR_PERMISSIONS = [
    *(f"{action}_{model}" for model in ("budgetyear", "budgetline", "glossaryterm", "cycle", "phase", "proposalupdate")
      for action in ("view", "add", "change", "delete")),
    "view_proposal", "change_proposal", "review_proposal", "moderate_proposal",
    # Paper ballots are entered by staff; online ballots and voters are the citizens'.
    "view_ballot", "add_ballot",
]
# The consultations app's moderators moderate every piece of citizen input, proposals included.
MODERATORS = "moderators"
MODERATOR_PERMISSIONS = ["view_cycle", "view_proposal", "change_proposal", "moderate_proposal"]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="budgets", codename__in=codenames)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions(apps, EDITOR_PERMISSIONS))
    moderators, _created = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(*permissions(apps, MODERATOR_PERMISSIONS))


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP_NAME).delete()
    for moderators in Group.objects.filter(name=MODERATORS):
        moderators.permissions.remove(*permissions(apps, MODERATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0001_initial"),
        ("consultations", "0002_moderators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
