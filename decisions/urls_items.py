from django.urls import path

from . import views_items

urlpatterns = [
    path("office/editions/<int:edition_id>/items/", views_items.edition_items, name="items"),
    path("office/applications/<int:pk>/items/", views_items.item_record, name="item_record"),
    path("office/items/<int:pk>/money-uses/", views_items.money_uses, name="money_uses"),
    path(
        "office/items/<int:pk>/money-uses/<int:use_pk>/evidence/",
        views_items.money_use_evidence,
        name="money_use_evidence",
    ),
    path("awards/mine/items/", views_items.my_items, name="my_items"),
    path("awards/mine/items/<int:pk>/", views_items.my_application_items, name="my_application_items"),
]
