from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Plain home page until the full web UI lands."""
    return render(request, "web/home.html")
