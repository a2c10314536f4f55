"""Vocabularies of the project, as attributes so that a typo fails at import time.

`KG` mirrors ontology/kg.ttl term for term, as rdflib's own vocabularies do (`term: URIRef  #
its rdfs:comment`; tests/test_ontology.py checks both directions); `K` gives the same terms as
local names (``K.sued == "sued"``) for code that handles ids rather than IRIs.
"""

from rdflib import Namespace, URIRef
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
    Entity: URIRef  # Anything the graph says something about: an actor, a policy, a legal provision, a claim...
    Actor: URIRef  # Something that acts: a person, an organization, a jurisdiction or a collective group.
    Person: URIRef  # A human being.
    Organization: URIRef  # A formal organization.
    GovernmentAgency: URIRef  # A department, agency or office of a government, including an administration and a pol...
    Court: URIRef  # A court of law, or the courts collectively.
    LegislativeBody: URIRef  # A legislature, one of its chambers or one of its committees.
    AdvocacyOrganization: URIRef  # A nonprofit or association that advocates or litigates for a cause or a profession.
    ResearchOrganization: URIRef  # A university, think tank or research center.
    MediaOrganization: URIRef  # A news outlet or broadcaster.
    Jurisdiction: URIRef  # A governed place acting through its government: a city, county, state or country.
    City: URIRef  # A city or town.
    County: URIRef  # A county.
    State: URIRef  # A state of a federation.
    Country: URIRef  # A sovereign country.
    Group: URIRef  # A collective that the sources treat as one actor without it being one organization: 'De...
    JurisdictionGroup: URIRef  # A set of jurisdictions the sources count or treat together, such as the sanctuary ci...
    Policy: URIRef  # A rule, order, program or practice adopted by an actor.
    ExecutiveOrder: URIRef  # An order signed by a chief executive.
    Ordinance: URIRef  # A local law passed by a city or county.
    Memorandum: URIRef  # A memo or directive issued inside an administration.
    Statute: URIRef  # A law passed by a legislature.
    Program: URIRef  # A government program or plan.
    AgencyOrder: URIRef  # An order issued by a department or agency.
    LegalProvision: URIRef  # A rule of law that can be invoked: a constitutional or statutory provision or a doctrine.
    Constitution: URIRef  # A constitution as a whole, invoked as law; its amendments and clauses are its provisions...
    ConstitutionalProvision: URIRef  # An amendment or clause of a constitution.
    StatutoryProvision: URIRef  # A statute or a section of one, invoked as law.
    LegalDoctrine: URIRef  # A principle of law developed by courts, such as the separation of powers.
    Lawsuit: URIRef  # A case brought before a court.
    Claim: URIRef  # A proposition that an actor asserts and others may dispute.
    LegalClaim: URIRef  # A claim that an action or policy is unlawful or lawful, invoking legal provisions, poss...
    FactualClaim: URIRef  # A contested claim of fact, such as crime rates or costs.
    Event: URIRef  # Something that happened at a time: a meeting, a hearing, an interview, an election.
    Study: URIRef  # A study or report with findings.
    SourceDocument: URIRef  # A stored news article from which statements are drawn.
    Statement: URIRef  # The provenance record of one relation: rdf:subject, rdf:predicate and rdf:object name t...

    # Describing relations
    #: A typed relation of the conflict graph; every kg relation property is an instance, so that tools can list them.
    Relation: URIRef
    Polarity: URIRef  # The sign of a relation: hostile, cooperative or neutral.
    Hostile: URIRef  # The subject acts against the object.
    Cooperative: URIRef  # The subject acts for or with the object.
    Neutral: URIRef  # Neither for nor against.
    Confidence: URIRef  # How directly the source supports a statement.
    Explicit: URIRef  # The quoted text states the relation.
    Implied: URIRef  # The quoted text implies the relation without stating it.
    StateRelation: URIRef  # A relation that holds over a span of time (a role, a membership, where a lawsuit stands...
    Rank: URIRef  # How a statement stands among what the sources say, as Wikidata ranks statements: prefer...
    PreferredRank: URIRef  # The statement to take first where several disagree.
    NormalRank: URIRef  # The default: the statement is taken as the source gives it.
    DeprecatedRank: URIRef  # Known to be wrong, yet attested: the record stays, with kg:rankReason, and no direct ed...
    CaseStatus: URIRef  # Where a lawsuit stands, as a source says at a time: the value of kg:caseStatus.
    Pending: URIRef  # Filed and not yet decided.
    InjunctionGranted: URIRef  # A court has granted a preliminary injunction or restraining order; the case goes on.
    Decided: URIRef  # A court has decided the case and no appeal is said to be pending (the rulings say for w...
    Appealed: URIRef  # A decision in the case has been appealed to a higher court.
    polarity: URIRef  # Sign of a relation for signed-network analysis: kg:Hostile, kg:Cooperative or kg:Neutral.
    cameoCode: URIRef  # The CAMEO event code (as used by GDELT) that this relation corresponds to, where one ex...
    ploverCategory: URIRef  # The PLOVER event category (AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, I...
    ploverContext: URIRef  # The PLOVER context ('future', 'hypothetical') that a mode of kg:Mode corresponds to, wh...
    Mode: URIRef  # The modality of a statement's act when the source does not report it as done: threatene...
    #: The subject threatened to do it ('threatened to cut funding'); the threat itself is also a kg:threatened
    #: statement.
    Threatened: URIRef
    Planned: URIRef  # Announced, intended or scheduled, not yet done ('plans to sue', 'will withhold').
    Attempted: URIRef  # Tried without (reported) success ('sought to withhold', 'an attempt to cut funding' tha...
    Denied: URIRef  # Negated or denied by the source or the actor ('did not cooperate', 'denied withholding').
    Hypothetical: URIRef  # Conditional or hypothetical ('would lose funding if', 'could be prosecuted').

    # Relation families
    relatedTo: URIRef  # Top of the relation hierarchy.
    opposes: URIRef  # Family: the subject acts against the object.
    supports: URIRef  # Family: the subject acts for or with the object.
    legalAction: URIRef  # Family: suing, ruling, invoking law and making legal claims.
    policyAction: URIRef  # Family: signing, issuing, enacting and repealing policies, and what policies do.
    affiliation: URIRef  # Family: roles, membership, leadership and location.
    communication: URIRef  # Family: stating, reporting, testifying and asserting or disputing claims.

    # Relations
    sued: URIRef  # The subject filed a lawsuit against the object.
    suedBy: URIRef  # Inverse of sued: the subject was sued by the object.
    partyTo: URIRef  # The subject is a party to the lawsuit; use plaintiffIn or defendantIn when the side is known.
    plaintiffIn: URIRef  # The subject brought the lawsuit.
    hasPlaintiff: URIRef  # Inverse of plaintiffIn.
    defendantIn: URIRef  # The lawsuit was brought against the subject.
    hasDefendant: URIRef  # Inverse of defendantIn.
    filedIn: URIRef  # The lawsuit was brought before the court.
    caseStatus: URIRef  # Where the lawsuit stands (pending, injunction granted, decided, appealed), as the quote...
    #: The court decided on the object (a lawsuit, policy or claim); use ruledFor or ruledAgainst when the outcome is
    #: known.
    ruledOn: URIRef
    ruledFor: URIRef  # The court ruled in favour of the object.
    ruledAgainst: URIRef  # The court ruled against the object.
    cited: URIRef  # The subject invoked the object (a legal provision, policy, study or precedent) in suppo...
    citedBy: URIRef  # Inverse of cited.
    invokes: URIRef  # The legal claim rests on the legal provision.
    challenges: URIRef  # The legal claim is made against the object (a policy, action or actor).
    assertedIn: URIRef  # The legal claim is made in the lawsuit (its venue).
    #: The subject threatened the object; the manner qualifier says with what (prosecution, loss of funding).
    threatened: URIRef
    targeted: URIRef  # The subject (an actor or a policy) aims its action at the object.
    targetedBy: URIRef  # Inverse of targeted.
    opposed: URIRef  # The subject resisted, rejected or argued against the object.
    criticized: URIRef  # The subject criticized or denounced the object.
    accused: URIRef  # The subject accused the object of wrongdoing.
    investigated: URIRef  # The subject opened or announced an investigation into the object.
    demanded: URIRef  # The subject demanded action of the object.
    withheldFunding: URIRef  # The subject withheld or cut funding owed or granted to the object.
    refusedToCooperate: URIRef  # The subject refused to cooperate with the object (for example, to honor its detaine...
    defied: URIRef  # The subject declared it would resist the object whatever the consequences (for example,...
    prohibited: URIRef  # The policy forbids some dealing with the object; the manner qualifier says what is forbidden.
    supported: URIRef  # The subject endorsed, defended or favoured the object.
    cooperatedWith: URIRef  # The subject worked with the object (or said it would).
    authorized: URIRef  # The policy empowers the object to act.
    signed: URIRef  # The subject signed the policy (an executive order, a bill).
    signedBy: URIRef  # Inverse of signed.
    issued: URIRef  # The subject issued or released the object (a memo, order, statement or report).
    issuedBy: URIRef  # Inverse of issued.
    enacted: URIRef  # The subject adopted the policy (a law, ordinance or local rule).
    repealed: URIRef  # The subject ended the policy.
    implements: URIRef  # The subject carries out or builds on the policy.
    provisionOf: URIRef  # The provision is a part of the body of law the object names: the Tenth Amendment of the...
    instanceOf: URIRef  # The policy is one of the kind the object names: Denver's policy is one of the sanctuary...
    #: The person holds an office in the organization or jurisdiction; qualifiers give the title and its valid time
    #: (start, end, or a date at which the text says it held; never the source's date as such).
    holdsRole: URIRef
    memberOf: URIRef  # The subject belongs to the group, party or organization.
    hasMember: URIRef  # Inverse of memberOf.
    partOf: URIRef  # The organization is a unit of the object (an agency of an administration, a committee o...
    locatedIn: URIRef  # The subject lies within the jurisdiction.
    leads: URIRef  # The subject leads the object (an organization, a coalition or a lawsuit).
    stated: URIRef  # The subject made a statement about the object; the via qualifier names the outlet or occasion.
    asserts: URIRef  # The subject makes or endorses the claim.
    assertedBy: URIRef  # Inverse of asserts.
    disputes: URIRef  # The subject contests the claim.
    reported: URIRef  # The subject (an outlet, a study, an organization) reported the object as a finding or a...
    conducted: URIRef  # The subject carried out the study or event.
    testifiedBefore: URIRef  # The subject gave testimony before the legislative body.
    invited: URIRef  # The subject invited the object (for example, to testify).
    contacted: URIRef  # The subject sent the object a letter or other message.
    participatedIn: URIRef  # The subject took part in the event.
    about: URIRef  # The claim is about the object (a policy, a jurisdiction, an agency): its topic, neither...
    #: A number the source gives for the subject; the unit qualifier says of what (cities, counties, agents).
    count: URIRef
    amount: URIRef  # A sum of money the source gives for the subject; the unit qualifier names the currency.

    # Entities and sources
    wikidata: URIRef  # The verified Wikidata item for the entity.
    description: URIRef  # A short description, in the curators' words, of what the sources say the entity is.
    fullText: URIRef  # The stored, verbatim text of the source document; every quote is a substring of it.
    outlet: URIRef  # The publishing outlet, where the text tells.
    author: URIRef  # The byline, where the text gives one.
    published: URIRef  # When the document was published, as precisely as its text allows (xsd:date, xsd:gYearMo...
    dateBasis: URIRef  # How the publication date was inferred from the text.
    seedFile: URIRef  # The name of the file the document was imported from.

    # Statement records
    quote: URIRef  # The verbatim text of the source that supports the statement, exactly as stored (damage...
    displayQuote: URIRef  # The quote with encoding damage repaired, for reading; kg:quote stays the verifiable form.
    startOffset: URIRef  # Index of the quote's first character in the source text (Unicode code points, from 0).
    endOffset: URIRef  # Index one past the quote's last character in the source text.
    eventDate: URIRef  # Valid time at a point, only where the text gives or fixes it: when the act happened, or...
    confidence: URIRef  # kg:Explicit or kg:Implied.
    mode: URIRef  # Qualifier: the act was only threatened, planned, attempted, denied or hypothetical (a k...
    title: URIRef  # Qualifier of holdsRole: the title of the office held.
    startDate: URIRef  # Valid time of a kg:StateRelation: when the role or state began, where the text gives or...
    endDate: URIRef  # Valid time of a kg:StateRelation: when the role or state ended, where the text gives or...
    latestEnd: URIRef  # Valid time of a kg:StateRelation whose end the text does not date but bounds: the state...
    threatensAct: URIRef  # Qualifier of a threat (kg:threatened): the relation of the act threatened...
    manner: URIRef  # Qualifier: how, or with what (for a threat: prosecution, loss of funding).
    via: URIRef  # Qualifier: the entity through which the act was done (an order, a memo, an outlet, an e...
    unit: URIRef  # Qualifier of count and amount: what is counted, or the currency.
    note: URIRef  # A curator's note on how the statement was read from the text.
    #: Qualifier of a ruling (ruledOn, ruledFor, ruledAgainst): the judge who gave it; the court is the statement's
    #: subject and the lawsuit its object or kg:via.
    judge: URIRef
    rank: URIRef  # The statement's rank: kg:PreferredRank, kg:NormalRank (the default) or kg:DeprecatedRank.
    #: Why a statement is deprecated or preferred, e.g. 'source error' (Wikidata's reason for deprecated rank).
    rankReason: URIRef


class _LocalNames(type):
    def __getattr__(cls, name: str) -> str:
        if name.startswith("_") or name not in KG.__annotations__:
            raise AttributeError(f"{name!r} is not a term of ontology/kg.ttl (kg/namespace.py lists them)")
        return name


class K(metaclass=_LocalNames):
    """KG's terms as local names, for code that handles ids rather than IRIs (the networkx
    export's attributes, the views' data, the ingest rules): ``K.sued == "sued"``; a typo fails
    as it does with KG.

    >>> K.sued, K.Person
    ('sued', 'Person')
    >>> K.sues
    Traceback (most recent call last):
    ...
    AttributeError: 'sues' is not a term of ontology/kg.ttl (kg/namespace.py lists them)
    """
