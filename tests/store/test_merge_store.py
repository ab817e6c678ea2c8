"""Merging contacts in the store: one write moves links, relations, activities, documents and files to
the survivor and trashes the others with a pointer; a stale preview or a refused rule writes
nothing. Everything is read back through fresh repositories on the file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm.domain.activity import Activity, to_utc_text
from tui_crm.domain.contact import Email, Note, Phone
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.merge import ORGANIZATION, PRIMARY, SUCCESSOR
from tui_crm.store import ConflictError, ContactRepository, Database
from tui_crm.store.activities import ActivityQuery, ActivityRepository
from tui_crm.store.documents import DocumentRepository
from tui_crm.store.links import RELATIONS, LinkRepository
from tui_crm.store.merge import MergeRuleError, MergeService

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class World:
    """Repositories on one file, as a session of the app has them."""

    def __init__(self, path: Path) -> None:
        self.contacts = ContactRepository(Database(path))
        self.links = LinkRepository(self.contacts)
        self.activities = ActivityRepository(self.contacts, self.links, self.contacts.history, clock=lambda: NOW)
        self.merges = MergeService(self.contacts, self.links, self.activities)

    def versions(self, *contacts) -> dict[int, int]:
        return {c.id: self.contacts.get(c.id).version for c in contacts}

    def merge(self, survivor, others, choices=None, **answers):
        return self.merges.merge(survivor.id, [o.id for o in others], choices or {}, author="kasia",
                                 expected_versions=self.versions(survivor, *others), **answers)

    def link(self, person, org, **flags) -> ContactPersonLink:
        return self.links.link(ContactPersonLink(person.id, org.id, **flags), author="seed")

    def activity(self, org, *persons, **extra) -> Activity:
        new = Activity(counterparty_id=org.id, person_ids=[p.id for p in persons], planned_at=to_utc_text(NOW),
                       employee="anna", **extra)
        return self.activities.save(new, author="seed").activity

    def history(self, contact_id: int, entity: str = "contact"):
        return self.contacts.history.of(entity, contact_id)


@pytest.fixture
def world(db_path: Path) -> World:
    return World(db_path)


def fresh(path: Path) -> World:
    return World(path)


def test_the_survivor_takes_the_chosen_values_and_unites_the_lists(world: World, db_path: Path) -> None:
    anna = world.contacts.save(make_person(
        "Anna", "Nowak", position="Księgowa", phones=[Phone("+48601234567", whatsapp=True)],
        emails=[Email("anna@example.pl")], tags=["VIP"], consents={"email": "2024-01-01"}), author="seed")
    world.contacts.add_note(anna.id, "first call", author="seed")
    ania = world.contacts.save(make_person(
        "Ania", "Nowakowa", position="Główna księgowa", phones=[Phone("601 234 567", sms=True), Phone("+48501000111")],
        emails=[Email("ANNA@example.pl", consent=True), Email("ania@firma.pl")], tags=["vip", "hurt"],
        consents={"email": "2025-03-01", "sms": "2025-01-01"}), author="seed")
    world.contacts.add_note(ania.id, "second call", author="seed")

    world.merge(anna, [ania], {"last_name": ania.id, "position": ania.id})

    again = fresh(db_path)
    survivor, merged = again.contacts.get(anna.id), again.contacts.get(ania.id)
    assert (survivor.first_name, survivor.last_name, survivor.position) == ("Anna", "Nowakowa", "Główna księgowa")
    assert [(p.number, p.whatsapp, p.sms) for p in survivor.phones] == [("+48601234567", True, True), ("+48501000111", False, False)]
    assert [(e.address, e.consent) for e in survivor.emails] == [("anna@example.pl", True), ("ania@firma.pl", False)]
    assert survivor.tags == ["VIP", "hurt"]
    assert [n.text for n in survivor.notes] == ["first call", "second call"]
    assert survivor.consents == {"email": "2025-03-01", "sms": "2025-01-01"}
    assert survivor.version == 3 and survivor.deleted_at is None and survivor.updated_by == "kasia"
    assert merged.deleted_at and merged.deleted_by == "kasia" and merged.merged_into == anna.id
    assert merged.last_name == "Nowakowa" and merged.notes == [Note("second call", "seed", merged.notes[0].at)]
    assert [c.id for c in again.contacts.trash()] == [ania.id]
    assert again.contacts.find() == [anna.id]

    on_survivor = again.history(anna.id)[0]
    assert on_survivor.action == "merged" and on_survivor.author == "kasia"
    changes = {c.field: (c.old, c.new) for c in on_survivor.changes}
    assert changes["merged_from"] == (None, [ania.id])
    assert changes["last_name"] == ("Nowak", "Nowakowa")
    on_merged = again.history(ania.id)[0]
    assert on_merged.action == "merged"
    assert ("merged_into", None, anna.id) in [(c.field, c.old, c.new) for c in on_merged.changes]


def test_a_person_with_an_organization_is_refused_and_nothing_is_written(world: World, db_path: Path) -> None:
    anna, org = world.contacts.save(make_person("Anna"), author="s"), world.contacts.save(make_org("Anna"), author="s")
    with pytest.raises(MergeRuleError, match="person cannot be merged with an organization"):
        world.merge(anna, [org])
    assert fresh(db_path).contacts.get(org.id).deleted_at is None


def test_persons_of_one_organization_keep_one_link_primary_if_either_was(world: World, db_path: Path) -> None:
    org = world.contacts.save(make_org("Hurtownia"), author="s")
    anna, ania, bogdan = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania", "Bogdan"))
    world.link(ania, org, role="Prezes", may_represent=True)  # first: primary
    world.link(anna, org, may_collect_mail=True)
    world.link(bogdan, org)
    assert world.merges.conflicts([anna.id, ania.id]) == []

    world.merge(anna, [ania])

    links = fresh(db_path).links
    assert [(l.person_id, l.primary) for l in links.of_organization(org.id)] == [(anna.id, True), (bogdan.id, False)]
    kept = links.of_person(anna.id)
    assert kept.may_collect_mail and kept.may_represent and kept.role == "Prezes"
    assert links.of_person(ania.id) is None


def test_persons_of_two_organizations_keep_the_chosen_one(world: World, db_path: Path) -> None:
    first, second = (world.contacts.save(make_org(n), author="s") for n in ("Alfa", "Beta"))
    anna, ania, ewa = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania", "Ewa"))
    world.link(anna, first)
    world.link(ania, second, role="Księgowa")  # primary of Beta
    world.link(ewa, second)
    assert [c.kind for c in world.merges.conflicts([anna.id, ania.id])] == [ORGANIZATION]

    with pytest.raises(MergeRuleError, match="different organizations"):
        world.merge(anna, [ania])
    with pytest.raises(MergeRuleError, match="choose who becomes primary"):
        world.merge(anna, [ania], organization_choice=first.id)
    assert [c.kind for c in world.merges.conflicts([anna.id, ania.id], organization_choice=first.id)] == [
        ORGANIZATION, SUCCESSOR]
    assert fresh(db_path).contacts.get(ania.id).deleted_at is None  # refused: nothing written

    world.merge(anna, [ania], organization_choice=first.id, successors={second.id: ewa.id})

    again = fresh(db_path)
    assert again.links.of_person(anna.id).organization_id == first.id
    assert again.links.of_person(ania.id) is None
    assert again.links.primary_of(second.id).person_id == ewa.id
    dropped = [c.old for c in again.history(ania.id)[0].changes if c.field == "organization_link"]
    assert [(d["organization_id"], d["role"]) for d in dropped] == [(second.id, "Księgowa")]


def test_the_survivor_moves_to_the_other_organization_when_chosen(world: World, db_path: Path) -> None:
    first, second = (world.contacts.save(make_org(n), author="s") for n in ("Alfa", "Beta"))
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    world.link(anna, first)
    world.link(ania, second)
    world.merge(anna, [ania], organization_choice=second.id)
    again = fresh(db_path)
    assert again.links.of_person(anna.id).organization_id == second.id
    assert again.links.primary_of(second.id).person_id == anna.id
    assert again.links.of_organization(first.id) == []


def test_relations_move_without_self_relations_or_duplicates(world: World, db_path: Path) -> None:
    anna, ania, jan, ewa = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania", "Jan", "Ewa"))
    world.links.relate(anna.id, ania.id, note="duplicate", author="s")
    world.links.relate(anna.id, jan.id, note="husband", author="s")
    world.links.relate(ania.id, jan.id, note="married", author="s")
    world.links.relate(ewa.id, ania.id, note="sister", author="s")

    world.merge(anna, [ania])

    again = fresh(db_path)
    assert sorted(again.links.related_persons(anna.id)) == sorted([(jan.id, "husband · married"), (ewa.id, "sister")])
    pairs = [frozenset((d["a"], d["b"])) for _i, d in again.contacts.database.table(RELATIONS).raw_items()]
    assert len(pairs) == len(set(pairs)) == 2


def test_activities_move_to_the_survivor(world: World, db_path: Path) -> None:
    first = world.contacts.save(make_org("Alfa"), author="s")
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    world.link(anna, first)
    world.link(ania, first)
    both = world.activity(first, anna, ania, subject="both")
    only_ania = world.activity(first, ania, subject="ania")

    world.merge(anna, [ania])

    again = fresh(db_path)
    assert again.activities.get(both.id).person_ids == [anna.id]
    assert again.activities.get(only_ania.id).person_ids == [anna.id]
    assert again.activities.get(only_ania.id).version == 2
    assert set(again.activities.find(ActivityQuery(contact_id=anna.id))) == {both.id, only_ania.id}
    assert again.activities.find(ActivityQuery(contact_id=ania.id)) == []
    entry = again.history(only_ania.id, "activity")[0]
    assert (entry.action, [(c.field, c.old, c.new) for c in entry.changes]) == (
        "merged", [("person_ids", [ania.id], [anna.id])])



def test_an_organizations_activities_name_the_survivor_as_counterparty(world: World, db_path: Path) -> None:
    alfa, alfa2 = (world.contacts.save(make_org(n), author="s") for n in ("Alfa", "Alfa Sp. z o.o."))
    anna = world.contacts.save(make_person("Anna", "Nowak"), author="s")
    world.link(anna, alfa2)
    call = world.activity(alfa2, anna, subject="call")
    world.activities.delete(world.activity(alfa2, anna, subject="trashed").id, author="s")

    world.merge(alfa, [alfa2])

    again = fresh(db_path)
    assert again.activities.get(call.id).counterparty_id == alfa.id
    assert again.activities.find(ActivityQuery(contact_id=alfa.id)) == [call.id]
    assert {again.activities.get(i).counterparty_id for i, _d in again.contacts.database.table("activities").raw_items()} == {alfa.id}
    assert again.links.primary_of(alfa.id).person_id == anna.id


def test_attached_files_move_to_the_survivor_trashed_ones_too(world: World, db_path: Path, tmp_path: Path) -> None:
    from tui_crm.store.attachments import AttachmentRepository

    files = AttachmentRepository(world.contacts.database)
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    scan = tmp_path / "dowod.jpg"
    scan.write_bytes(b"JPEG scan")
    own = files.attach(anna.id, scan, author="s")
    moved = files.attach(ania.id, scan, "skan", author="s")
    trashed = files.attach(ania.id, scan, "old", author="s")
    files.delete(trashed.id, author="s")
    other_session = AttachmentRepository(fresh(db_path).contacts.database)
    assert len(other_session.list_of(ania.id)) == 1  # its index is built before the merge

    world.merge(anna, [ania])

    assert {r.id for r in files.list_of(anna.id)} == {own.id, moved.id}  # the index followed the write
    assert files.list_of(ania.id) == [] and files.list_of(ania.id, trashed=True) == []
    other_session.database.poll()
    assert [r.id for r in other_session.list_of(anna.id, trashed=True)] == [trashed.id]
    assert {r.id for r in AttachmentRepository(fresh(db_path).contacts.database).list_of(anna.id)} == {own.id, moved.id}


def test_organizations_unite_their_contact_persons_with_one_primary(world: World, db_path: Path) -> None:
    alfa, alfa2 = (world.contacts.save(make_org(n), author="s") for n in ("Alfa", "ALFA sp. z o.o."))
    anna, bogdan, ewa = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Bogdan", "Ewa"))
    world.link(anna, alfa)
    world.link(bogdan, alfa2)
    world.link(ewa, alfa2)
    meeting = world.activity(alfa2, bogdan, ewa, subject="meeting")
    DocumentRepository(world.contacts.database).record(alfa2.id, "umowa.html", Path("/tmp/umowa.html"), author="s")
    conflicts = world.merges.conflicts([alfa.id, alfa2.id])
    assert [(c.kind, set(c.options)) for c in conflicts] == [(PRIMARY, {anna.id, bogdan.id})]

    with pytest.raises(MergeRuleError, match="choose who stays primary"):
        world.merge(alfa, [alfa2])
    world.merge(alfa, [alfa2], primary_choice=bogdan.id)

    again = fresh(db_path)
    assert [(l.person_id, l.primary) for l in again.links.of_organization(alfa.id)] == [
        (bogdan.id, True), (anna.id, False), (ewa.id, False)]
    assert again.links.of_organization(alfa2.id) == []
    assert again.activities.get(meeting.id).counterparty_id == alfa.id
    assert [d.template for d in DocumentRepository(again.contacts.database).of_organization(alfa.id)] == ["umowa.html"]
    assert again.contacts.get(alfa2.id).merged_into == alfa.id
    restored = again.contacts.restore(alfa2.id, author="s")  # back from the trash: no longer "merged"
    assert restored.merged_into is None and fresh(db_path).contacts.get(alfa2.id).merged_into is None


def test_an_edit_by_another_session_since_the_preview_writes_nothing(world: World, db_path: Path) -> None:
    org = world.contacts.save(make_org("Alfa"), author="s")
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    world.link(ania, org)
    activity = world.activity(org, ania)
    seen = world.versions(anna, ania)

    other_session = fresh(db_path)
    ania_now = other_session.contacts.get(ania.id)
    ania_now.position = "Prezes"
    other_session.contacts.save(ania_now, author="piotr")

    with pytest.raises(ConflictError, match="changed by piotr"):
        world.merges.merge(anna.id, [ania.id], {}, author="kasia", expected_versions=seen)

    again = fresh(db_path)
    assert again.contacts.get(ania.id).deleted_at is None and again.contacts.get(ania.id).position == "Prezes"
    assert again.contacts.get(anna.id).version == 1
    assert again.links.of_person(ania.id).organization_id == org.id
    assert again.activities.get(activity.id).person_ids == [ania.id]
    assert [e.action for e in again.history(anna.id)] == ["created"]


def test_a_contact_trashed_meanwhile_stops_the_merge(world: World) -> None:
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    seen = world.versions(anna, ania)
    world.contacts.delete(ania.id, author="piotr")
    with pytest.raises(ConflictError, match="deleted by piotr"):
        world.merges.merge(anna.id, [ania.id], {}, author="kasia", expected_versions=seen)


def test_a_merge_is_all_or_nothing(world: World, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = world.contacts.save(make_org("Alfa"), author="s")
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    world.link(ania, org)
    world.links.relate(anna.id, ania.id, author="s")
    activity = world.activity(org, ania)

    def disk_full(*_args) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(world.contacts.database.journal, "append", disk_full)
    with pytest.raises(Exception, match="disk is full"):
        world.merge(anna, [ania], {"first_name": ania.id})

    for session in (world, fresh(db_path)):  # neither in memory nor on disk
        assert session.contacts.get(anna.id).first_name == "Anna"
        assert session.contacts.get(ania.id).deleted_at is None
        assert session.links.of_person(ania.id).organization_id == org.id
        assert session.links.related_persons(anna.id) == [(ania.id, "")]
        assert session.activities.get(activity.id).person_ids == [ania.id]
        assert [e.action for e in session.history(anna.id)] == ["created"]


def test_another_session_sees_the_merge_after_polling(world: World, db_path: Path) -> None:
    org = world.contacts.save(make_org("Alfa"), author="s")
    anna, ania = (world.contacts.save(make_person(n, "Nowak"), author="s") for n in ("Anna", "Ania"))
    world.link(ania, org)
    other = fresh(db_path)
    world.merge(anna, [ania])
    assert other.contacts.database.poll()
    assert other.links.of_person(anna.id).organization_id == org.id
    assert other.contacts.find() == sorted([org.id, anna.id], key=lambda i: other.contacts.get(i).display_name)
