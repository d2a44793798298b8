"""Lockout per username across addresses, per real client address across usernames, behind a proxy."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from chiso.conftest import WORLD_PASSWORD
from chiso.web.lockout import client_ip

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"
PROXY = "10.0.0.5"


def attempt(username: str, password: str, client_address: str, via_proxy: bool = True):
    """A login POST as the proxy forwards it (REMOTE_ADDR = the proxy)."""
    if via_proxy:
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(
            LOGIN, {"username": username, "password": password})
    return Client(REMOTE_ADDR=client_address).post(LOGIN, {"username": username, "password": password})


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_guesses_from_many_addresses_still_lock_that_username(world):
    for i in range(5):
        attempt("rep_ag_pt_pl", f"sai-{i}", f"203.0.113.{i + 1}")
    assert attempt("rep_ag_pt_pl", WORLD_PASSWORD, "203.0.113.99").status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY], AXES_IP_FAILURE_LIMIT=8)
def test_one_password_sprayed_over_many_accounts_locks_that_address_only(world):
    users = ["viewer", "reviewer", "admin", "outsider", "reviewer_tinh", "rep_ag_snv", "rep_ag_pt"]
    for username in users:  # one guess each: no username comes near its own limit of 5
        assert attempt(username, "ChiSo@2025", "198.51.100.7").status_code == 200
    assert attempt("rep_ag_pt_pt", "ChiSo@2025", "198.51.100.7").status_code == 429  # 8th failure
    assert attempt("rep_ag_pt_pl", WORLD_PASSWORD, "198.51.100.7").status_code == 429
    # Another client behind the same proxy is not affected: the proxy address is not the key.
    assert attempt("rep_ag_pt_pl", WORLD_PASSWORD, "198.51.100.8").status_code == 302


@override_settings(TRUSTED_PROXIES=[PROXY], AXES_IP_FAILURE_LIMIT=4)
def test_logging_into_ones_own_account_does_not_reset_the_address_count(world):
    for username in ("viewer", "reviewer", "admin"):
        attempt(username, "sai", "198.51.100.9")
    assert attempt("outsider", WORLD_PASSWORD, "198.51.100.9").status_code == 302
    assert attempt("reviewer_tinh", "sai", "198.51.100.9").status_code == 429


def test_client_ip_trusts_forwarded_for_only_from_a_listed_proxy():
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    proxied = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.3")
    chained = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.3, 10.0.0.6")
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_ip(proxied) == PROXY
    with override_settings(TRUSTED_PROXIES=[PROXY, "10.0.0.0/24"]):
        assert client_ip(forged) == "203.0.113.5"  # not from our proxy: the header is ignored
        assert client_ip(proxied) == "198.51.100.3"  # the nearest hop; 1.2.3.4 is client-supplied
        assert client_ip(chained) == "198.51.100.3"
