"""Velocity counts: applications sharing a key over 24 hours and 30 days, this one included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from creditline.fraud.velocity import ApplicationKeys, PastApplication, velocity_counts

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def keys(id: str | None = "id-A", phone: str | None = "ph-A", device: str | None = "dev-A",
         ip: str | None = "ip-A") -> ApplicationKeys:
    return ApplicationKeys(id=id, phone=phone, device=device, ip=ip)


def test_first_application_counts_itself_on_every_key_it_has() -> None:
    counts = velocity_counts(keys(ip=None), NOW, [])
    assert counts["id_24h"] == counts["id_30d"] == 1
    assert counts["device_24h"] == 1
    assert counts["ip_24h"] == counts["ip_30d"] == 0  # no IP given: nothing to match


def test_a_device_shared_by_three_others_today_and_one_last_week() -> None:
    past = [PastApplication(keys(id=f"other-{i}", phone=f"ph-{i}", ip=f"ip-{i}"),
                            NOW - timedelta(hours=i + 1)) for i in range(3)]
    past.append(PastApplication(keys(id="other-9", phone="ph-9", ip="ip-9"), NOW - timedelta(days=7)))
    counts = velocity_counts(keys(), NOW, past)
    assert counts["device_24h"] == 4
    assert counts["device_30d"] == 5
    assert counts["id_24h"] == 1 and counts["phone_30d"] == 1


def test_windows_are_inclusive_at_their_edge_and_ignore_older_and_future_rows() -> None:
    past = [PastApplication(keys(), NOW - timedelta(hours=24)),
            PastApplication(keys(), NOW - timedelta(days=30, seconds=1)),
            PastApplication(keys(), NOW + timedelta(minutes=5))]
    counts = velocity_counts(keys(), NOW, past)
    assert counts["id_24h"] == 2
    assert counts["id_30d"] == 2
