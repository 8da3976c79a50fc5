from django.db import migrations

GROUP_NAME = "petition officers"
# Deleting a petition deletes its timeline and its online supports: the procedure withdraws it instead.
REVOKED = ("delete_petition", "delete_petitionevent", "delete_support")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="petitions", codename__in=REVOKED))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="petitions", codename__in=REVOKED))


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0003_support_link_nonce"),
    ]

    operations = [migrations.RunPython(revoke, grant)]
