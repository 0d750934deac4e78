from django.contrib import admin

from .models import Mission, Signal, Signup, Skill, Volunteer


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "created_at", "is_demo"]
    list_filter = ["status", "is_demo"]
    raw_id_fields = ["user", "validated_by", "distinguished_by"]
    filter_horizontal = ["communes", "skills"]


class SignupInline(admin.TabularInline):
    model = Signup
    raw_id_fields = ["volunteer"]
    extra = 0


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["title", "commune", "starts_at", "status", "capacity", "is_demo"]
    list_filter = ["status", "is_demo"]
    raw_id_fields = ["organiser"]
    inlines = [SignupInline]


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["pk", "category", "commune", "urgency", "status", "created_at", "is_demo"]
    list_filter = ["status", "category", "urgency", "is_demo"]
    raw_id_fields = ["reporter", "handled_by", "duplicate_of"]
