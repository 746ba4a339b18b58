app_name = "revocation"

urlpatterns: list = []
