"""Rings: applicants joined by a shared emergency-contact phone, device or IP."""

from __future__ import annotations

from creditline.fraud.rings import Link, explore, ring_of


def test_five_applicants_sharing_one_contact_phone_form_one_ring() -> None:
    links = [Link(f"c{i}", "contact_phone", "h-shared") for i in range(5)]
    links += [Link(f"c{i}", "device", f"dev-{i}") for i in range(5)]
    ring = ring_of("c0", links)
    assert ring.size == 5
    assert ring.members == ("c0", "c1", "c2", "c3", "c4")
    # only the shared phone joins anyone; private devices are not listed as links
    assert [(k, v) for k, v, _ in ring.shared] == [("contact_phone", "h-shared")]


def test_links_chain_through_different_kinds() -> None:
    links = [Link("a", "device", "d1"), Link("b", "device", "d1"), Link("b", "ip", "i1"),
             Link("c", "ip", "i1"), Link("x", "ip", "i9")]
    assert ring_of("a", links).members == ("a", "b", "c")
    assert ring_of("x", links).members == ("x",)


def test_an_applicant_without_links_is_a_ring_of_one() -> None:
    assert ring_of("lonely", []).size == 1


def _store(links: list[Link]):  # type: ignore[no-untyped-def]
    def links_of(ids: set[str]) -> list[Link]:
        return [lk for lk in links if lk.customer_id in ids]

    def sharing(values: set[tuple[str, str]]) -> list[Link]:
        return [lk for lk in links if (lk.kind, lk.value) in values]

    return links_of, sharing


def test_explore_walks_outward_from_the_applicant() -> None:
    links = [Link("a", "contact_phone", "p"), Link("b", "contact_phone", "p"),
             Link("b", "device", "d"), Link("c", "device", "d"), Link("z", "device", "other")]
    links_of, sharing = _store(links)
    ring = explore("a", links_of({"a"}), links_of, sharing)
    assert ring.members == ("a", "b", "c") and not ring.truncated


def test_explore_stops_at_its_cap_and_says_so() -> None:
    links = [Link(f"c{i:03d}", "ip", "office") for i in range(200)]
    links_of, sharing = _store(links)
    ring = explore("c000", links_of({"c000"}), links_of, sharing, max_members=10)
    assert ring.size == 10 and ring.truncated
    assert ring.as_dict()["truncated"] is True
