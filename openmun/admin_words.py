"""Django's admin messages that our catalogues translate anew, repeated here so that makemessages keeps them.

Django's Arabic catalogue says "added" (نجحت إضافة) for a change, addresses staff in the masculine singular
(احفظ، أضف، اختر), and leaves some newer messages in English. Our catalogue in LOCALE_PATHS redefines these msgids
in the administrative register (يرجى + مصدر, أنتم) and wins over Django's, as openmun/months.py does for the
months. Nothing imports this module: it exists for makemessages (`make messages`), which otherwise drops the
entries as obsolete. The date picker's words are Django's JavaScript catalogue: locale/*/LC_MESSAGES/djangojs.po.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"
    ),
    gettext_noop("Items must be selected in order to perform actions on them. No items have been changed."),
    gettext_noop("No action selected."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count"),
    gettext_noop("Added."),
    gettext_noop("Changed {fields}."),
    gettext_noop("No fields changed."),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Change history: %s"),
    gettext_noop("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    gettext_noop("Save"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("Save as new"),
    gettext_noop("Delete"),
    gettext_noop("Delete?"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Add"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Remove"),
    gettext_noop("Go"),
    gettext_noop("Run the selected action"),
    gettext_noop("Filter"),
    gettext_noop("Show all"),
    gettext_noop("Lookup"),
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following '
        "related items will be deleted:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and "
        "their related items will be deleted:"
    ),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("Log in"),
    gettext_noop("Log in again"),
    gettext_noop("Log out"),
    gettext_noop("Welcome,"),
    gettext_noop("Change password"),
    gettext_noop("Password change"),
    gettext_noop("Change my password"),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we "
        "can verify you typed it in correctly."
    ),
    gettext_noop("Set password"),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields may be"
        " case-sensitive."
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would you like to"
        " login to a different account?"
    ),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Enter the same password as before, for verification."),
)
