"""The office's worklists across the lifecycle, mounted at /office/ (namespace "office")."""

app_name = "office"

urlpatterns = []
