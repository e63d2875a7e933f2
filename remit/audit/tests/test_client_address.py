"""The address recorded for a request: REMOTE_ADDR unless the peer is a trusted proxy."""

import ipaddress

import pytest
from django.test import RequestFactory

from remit.audit.actions import client_ip


@pytest.fixture
def proxies(settings):
    settings.REMIT_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))


def _ip(peer, forwarded=None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("peer", "forwarded", "recorded"),
    [
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7, 10.0.0.6, 10.0.0.7", "203.0.113.7"),
        ("10.0.0.5", "10.0.0.6, 10.0.0.7", "10.0.0.6"),
        ("10.0.0.5", "garbage", "10.0.0.5"),
        ("198.51.100.1", "203.0.113.7", "198.51.100.1"),
        ("fd00::1", "2001:db8::9", "2001:db8::9"),
        ("fd00::1", "[2001:db8::9]:8443, fd00::2", "2001:db8::9"),
        ("10.0.0.5", "203.0.113.7:4711", "203.0.113.7"),
    ],
)
def test_the_right_most_untrusted_hop_is_the_client(proxies, peer, forwarded, recorded):
    assert _ip(peer, forwarded) == recorded


def test_no_trusted_proxies_means_the_header_is_never_read(settings):
    settings.REMIT_TRUSTED_PROXIES = ()
    assert _ip("10.0.0.5", "203.0.113.7") == "10.0.0.5"
