"""The issue's examples, in our own words: the right act, the right actor, the right entity.

Each sentence is written for this test (places and people invented or in public-record roles);
the known entities stand for a graph that already has them.
"""

from __future__ import annotations

from kg.builder.curated import Entity, Loc
from kg.ingest import extract

LOC = Loc("data/entities/test.yaml", 1)


def _known(*specs) -> dict[str, Entity]:
    return {ident: Entity(ident, type_, label, LOC, list(aliases)) for ident, type_, label, *aliases in specs}


KNOWN = _known(
    ("KristiNoem", "Person", "Kristi Noem", "Noem"),
    ("Millbrook", "City", "Millbrook"),
    ("ICE", "GovernmentAgency", "Immigration and Customs Enforcement", "ICE"),
    ("TrumpAdministration", "GovernmentAgency", "Trump administration", "the administration"),
    ("SanctuaryJurisdictions", "JurisdictionGroup", "sanctuary jurisdictions", "sanctuary cities"),
    ("ThomasHoman", "Person", "Thomas Homan", "Homan"),
    ("PamBondi", "Person", "Pam Bondi", "Bondi"),
    ("MikeJohnston", "Person", "Mike Johnston", "Johnston"),
    ("Denver", "City", "Denver"),
    ("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
)


def _triples(found, **where):
    return {(s.subject, s.relation, s.object) for s in found.statements
            if all(getattr(s, k) == v for k, v in where.items())}


def test_an_ordinance_forbidding_cooperation_is_no_cooperation(onto):
    found = extract("Millbrook's 2019 ordinance forbids city police from cooperating with ICE on "
                    "civil immigration matters.", date="2025-02-01", known=KNOWN, onto=onto)
    assert not _triples(found, relation="cooperatedWith")


def test_name_variants_link_to_the_entity_the_graph_has(onto):
    found = extract("Border czar Tom Homan and Attorney General Pamela Bondi spoke on Monday. "
                    "Denver Mayor Mike Johnston answered them.", date="2025-02-01", known=KNOWN, onto=onto)
    people = {m.text: m.entity for m in found.mentions if found.entities[m.entity].type == "Person"}
    assert people["Tom Homan"] == "ThomasHoman" and people["Pamela Bondi"] == "PamBondi"
    assert found.entities["ThomasHoman"].known and "Tom Homan" in found.entities["ThomasHoman"].aliases
    assert not [e for e in found.entities.values() if e.type == "Person" and not e.known]


def test_relief_granted_to_those_who_sought_it_is_a_ruling_for_them(onto):
    known = {**KNOWN, **_known(("SanFrancisco", "City", "San Francisco"),
                               ("SantaClara", "County", "Santa Clara County"))}
    found = extract("U.S. District Judge William H. Orrick of the Northern District of California granted a "
                    "preliminary injunction sought by San Francisco, Santa Clara County and other local governments.",
                    date="2025-04-25", known=known, onto=onto)
    triples = _triples(found)
    assert {("NorthernDistrictOfCalifornia", "ruledFor", "SanFrancisco"),
            ("NorthernDistrictOfCalifornia", "ruledFor", "SantaClara"),
            } <= triples
    assert ("WilliamOrrick", "supported", "SanFrancisco") not in triples  # a ruling for a party is no support


def test_the_speaker_before_an_occasion_is_the_speaker_not_the_outlet(onto):
    found = extract("Sean Hannity during an interview on Fox News last night said the cities were breaking "
                    "the law.", date="2025-03-12", known=KNOWN, onto=onto)
    [claim] = [s for s in found.statements if s.relation == "asserts"]
    assert claim.subject == "SeanHannity"
    assert found.entities[claim.object].label.startswith("The cities were breaking the law")


def test_names_are_not_garbled_by_titles_and_ids_stay_short(onto):
    found = extract("White House Chief of Staff Reince Priebus said the administration would cut grants to "
                    "every city that shields people from deportation while the courts consider the cases.",
                    date="2017-03-01", known=KNOWN, onto=onto)
    people = {e.label for e in found.entities.values() if e.type == "Person"}
    assert people == {"Reince Priebus"}
    assert all(len(ident) <= 40 for ident in found.entities)  # a long claim gets a short readable id


def test_a_quotation_is_said_by_the_one_named_after_it_not_by_a_name_inside_it(onto):
    text = ('The county filed its brief on Monday.\n"The courts have read the statute the same way for '
            'years, and it says nothing Congress did not write," said Maria Okafor, a law professor.')
    found = extract(text, date="2025-05-14", onto=onto)
    claims = [(s.subject, s.relation) for s in found.statements if s.relation == "asserts"]
    assert claims == [("MariaOkafor", "asserts")]


