from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Guide, GuideTag, SituationBanner


@admin.register(Guide)
class GuideAdmin(AuditedModelAdmin):
    list_display = ["title", "status", "updated_at"]
    list_filter = ["status", "tags"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(GuideTag)
class GuideTagAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SituationBanner)
class SituationBannerAdmin(AuditedModelAdmin):
    list_display = ["title", "level", "is_active", "starts_at", "ends_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from django.core.cache import cache

        from .selectors import BANNER_CACHE_KEY

        cache.delete(BANNER_CACHE_KEY)
