from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from transparency import services
from transparency.models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ("subject", "words_summary", "updated_at")
    search_fields = ("subject", "words")
    fields = ("subject", "words")

    @admin.display(description=_("equivalent words"))
    def words_summary(self, obj: SearchSynonym) -> str:
        # The list stays one line a group: the words on the group's own page.
        return pgettext("list separator", ", ").join(obj.word_list())

    def save_model(self, request, obj, form, change):
        services.synonym_save(synonym=obj, subject=obj.subject, words=obj.words, acting_user=request.user)

    def delete_model(self, request, obj):
        services.synonym_delete(synonym=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            services.synonym_delete(synonym=synonym, acting_user=request.user)
