"""Office configuration screens of the decisions app: what each rulebook's public notice is called and where it is
published, and the award its winners are recommended on to."""

from django.contrib import admin

from accounts.admin_audit import AuditedModelAdmin

from .models import NoticeChannel, NoticeSpec, OnwardAward


class NoticeChannelInline(admin.TabularInline):
    model = NoticeChannel
    fields = ("position", "name")
    extra = 0


@admin.register(NoticeSpec)
class NoticeSpecAdmin(AuditedModelAdmin):
    list_display = ("rulebook", "list_name", "article", "objections_to_committee")
    list_select_related = ("rulebook",)
    fields = (
        "rulebook",
        "list_name",
        "article",
        "text",
        "objections_to_committee",
        "objections_article",
        "committee_body",
    )
    inlines = [NoticeChannelInline]


@admin.register(OnwardAward)
class OnwardAwardAdmin(AuditedModelAdmin):
    list_display = ("rulebook", "award_name", "article")
    list_select_related = ("rulebook",)
    fields = ("rulebook", "award_name", "article", "text")
