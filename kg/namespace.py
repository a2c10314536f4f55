"""Vocabularies of the project, as attributes so that a typo fails at import time.

`KG` mirrors ontology/kg.ttl term for term (tests/test_ontology.py checks both directions).
"""

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace

from .prefixes import BASE  # noqa: E402  (one definition, shared with the rdflib-free query path)

#: Entities of the graph: ``ENT.DavidChiu``.
ENT = Namespace(BASE + "id/")
#: Statement records: ``STMT["targeting2025-014"]``.
STMT = Namespace(BASE + "statement/")
#: Source documents: ``SRC.targeting2025``.
SRC = Namespace(BASE + "source/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")


class KG(DefinedNamespace):
    """The kg ontology (ontology/kg.ttl)."""

    _NS = Namespace(BASE + "ontology/")
    _fail = True

    # Entity classes
    Entity: object
    Actor: object
    Person: object
    Organization: object
    GovernmentAgency: object
    Court: object
    LegislativeBody: object
    AdvocacyOrganization: object
    ResearchOrganization: object
    MediaOrganization: object
    Jurisdiction: object
    City: object
    County: object
    State: object
    Country: object
    Group: object
    JurisdictionGroup: object
    Policy: object
    ExecutiveOrder: object
    Ordinance: object
    Memorandum: object
    Statute: object
    Program: object
    AgencyOrder: object
    LegalProvision: object
    ConstitutionalProvision: object
    StatutoryProvision: object
    LegalDoctrine: object
    Lawsuit: object
    Claim: object
    LegalClaim: object
    FactualClaim: object
    Event: object
    Study: object
    SourceDocument: object
    Statement: object

    # Describing relations
    Relation: object
    Polarity: object
    Hostile: object
    Cooperative: object
    Neutral: object
    Confidence: object
    Explicit: object
    Implied: object
    StateRelation: object
    Rank: object
    PreferredRank: object
    NormalRank: object
    DeprecatedRank: object
    CaseStatus: object
    Pending: object
    InjunctionGranted: object
    Decided: object
    Appealed: object
    polarity: object
    cameoCode: object
    ploverCategory: object
    ploverContext: object
    Mode: object
    Threatened: object
    Planned: object
    Attempted: object
    Denied: object
    Hypothetical: object

    # Relation families
    relatedTo: object
    opposes: object
    supports: object
    legalAction: object
    policyAction: object
    affiliation: object
    communication: object

    # Relations
    sued: object
    suedBy: object
    partyTo: object
    plaintiffIn: object
    hasPlaintiff: object
    defendantIn: object
    hasDefendant: object
    filedIn: object
    caseStatus: object
    ruledOn: object
    ruledFor: object
    ruledAgainst: object
    cited: object
    citedBy: object
    invokes: object
    challenges: object
    assertedIn: object
    threatened: object
    targeted: object
    targetedBy: object
    opposed: object
    criticized: object
    accused: object
    investigated: object
    demanded: object
    withheldFunding: object
    refusedToCooperate: object
    defied: object
    prohibited: object
    supported: object
    cooperatedWith: object
    authorized: object
    signed: object
    signedBy: object
    issued: object
    issuedBy: object
    enacted: object
    repealed: object
    implements: object
    instanceOf: object
    holdsRole: object
    memberOf: object
    hasMember: object
    partOf: object
    locatedIn: object
    leads: object
    stated: object
    asserts: object
    assertedBy: object
    disputes: object
    reported: object
    conducted: object
    testifiedBefore: object
    invited: object
    contacted: object
    participatedIn: object
    about: object
    count: object
    amount: object

    # Entities and sources
    wikidata: object
    description: object
    fullText: object
    outlet: object
    author: object
    published: object
    dateBasis: object
    seedFile: object

    # Statement records
    quote: object
    displayQuote: object
    startOffset: object
    endOffset: object
    eventDate: object
    confidence: object
    mode: object
    title: object
    startDate: object
    endDate: object
    latestEnd: object
    manner: object
    via: object
    unit: object
    note: object
    judge: object
    rank: object
    rankReason: object
