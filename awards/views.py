from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import scheme_detail as select_scheme
from .selectors import schemes_public


@require_GET
def scheme_list(request):
    return render(request, "awards/scheme_list.html", {"schemes": schemes_public()})


@require_GET
def scheme_detail(request, code: str):
    return render(request, "awards/scheme_detail.html", {"scheme": select_scheme(code=code)})
