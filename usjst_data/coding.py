"""The coding rules: how curators choose each value of each controlled vocabulary.

Every value of every enum in ``vocab`` has a one-sentence rule here, saying when to choose it and
what sets it apart from its neighbours, so that two curators code a record the same way. The
codebook and the Data Package descriptor render these rules; a test keeps them complete.
"""

from __future__ import annotations

from enum import StrEnum

from .vocab import (
    AgreementKind,
    AgreementStatus,
    AmountQualifier,
    CitationBasis,
    CommitmentKind,
    CommitmentRole,
    CommitmentStatus,
    DateBasis,
    DialogueKind,
    DialogueStatus,
    InstitutionKind,
    Jurisdiction,
    Language,
    MeetingFormat,
    MeetingRole,
    NumberBasis,
    ParticipantRole,
    PartyRole,
    PolicyKind,
    PolicyStatus,
    ProgramKind,
    ProgramRole,
    ProgramStatus,
    Side,
    SourceKind,
    UsdBasis,
)

GENERAL_RULES: tuple[tuple[str, str], ...] = (
    (
        "No fact without a source",
        "Every value of a cited record rests on a citation naming a source and a locator in it; a field no "
        "source supports stays empty, and a category no source supports takes `unknown` (statuses) or "
        "`other` (kinds) rather than a guess.",
    ),
    (
        "As of the latest source",
        "Statuses describe a record as of the latest source that speaks of it, never from outside knowledge.",
    ),
    (
        "Form before importance",
        "Kinds follow the form or name the sources give the thing, its own title first.",
    ),
    (
        "Partial dates",
        "Dates keep the precision the source gives (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); a year is never "
        "padded to a day.",
    ),
    (
        "Inferred values",
        "A value the curators infer with certainty, though no source states it in so many words, is cited "
        "with basis `inferred`, the fields it supports and the reasoning in the citation's `note`; meetings "
        "also mark an inferred ordinal or date in `number_basis` or `date_basis`.",
    ),
    (
        "Discrepancies",
        "When sources disagree, the record carries one value and a `discrepancies` row names the field, the "
        "chosen value and why, with each competing value and its source in `discrepancy_values`.",
    ),
)

DOMAINS_RULE = (
    "Code the technology areas that the record's own sources name for it, and only those, matching the "
    "source's words to the area descriptions of the `domains` table; leave the list empty rather than "
    "guess, and do not add an area because the record's subject usually involves it."
)

RULES: dict[type[StrEnum], dict[str, str]] = {
    SourceKind: {
        SourceKind.REPORT: (
            "A standalone report issued as such by an agency, commission, research body or company (e.g. a CRS "
            "report); a paper in a think tank's paper series is a `working_paper`."
        ),
        SourceKind.WORKING_PAPER: "A paper its publisher issues in a working-paper or paper series, for discussion.",
        SourceKind.JOURNAL_ARTICLE: "An article in a scholarly or peer-reviewed journal.",
        SourceKind.COMMENTARY: (
            "An analysis or opinion piece by a named author or firm (op-ed, blog, law-firm or think-tank commentary) "
            "that is neither news reporting nor a report."
        ),
        SourceKind.EVENT_SUMMARY: "A summary of a conference, workshop or discussion written by its organizer.",
        SourceKind.PRESS_RELEASE: (
            "A release, media note, notice or fact sheet in which a government, agency, company or university reports "
            "an event or decision in its own words; the text of a joint statement itself is an `official_statement`."
        ),
        SourceKind.NEWS_ARTICLE: (
            "A report by a news organization (newspaper, wire, magazine, trade or specialist news site), whether in "
            "print or online."
        ),
        SourceKind.GOVERNMENT_DOCUMENT: (
            "A government text that no narrower kind covers: a law as published, a Federal Register notice, an "
            "official report, guidance, an FAQ or a policy document."
        ),
        SourceKind.WEB_PAGE: (
            "A standing page of an organization's site (overview, about, programme or history page) that is not dated "
            "as a release, article or statement."
        ),
        SourceKind.BOOK: "A whole book, monograph or edited volume.",
        SourceKind.BOOK_CHAPTER: "A chapter in an edited book.",
        SourceKind.STATEMENT: (
            "A statement issued by a non-governmental body or in a person's own name (an academy, a council, a "
            "company), other than a speech; a government's joint statement is an `official_statement`."
        ),
        SourceKind.SPEECH: "Remarks, an address or a lecture, as delivered or as transcribed.",
        SourceKind.TESTIMONY: "Testimony given or submitted to a legislature.",
        SourceKind.DATASET: "A published data set or statistical table.",
        SourceKind.OFFICIAL_STATEMENT: (
            "The text of a joint statement, joint announcement, communiqué or declaration issued by one or more "
            "governments or their bodies, as its title names it."
        ),
        SourceKind.READOUT: (
            "An official's or ministry's own account of a meeting, call or signing it took part in (a readout, a "
            "minister's activity report)."
        ),
        SourceKind.TREATY_TEXT: (
            "The text of a treaty, agreement, protocol or exchange of notes itself, as a party publishes it."
        ),
        SourceKind.WHITE_PAPER: (
            "A government's periodic white paper or blue book (e.g. the Science and Technology White Paper, the "
            "Diplomatic Bluebook), or a part of one."
        ),
        SourceKind.REPRINT: (
            "A copy of a government text hosted by a site other than its issuer's own (news site, database, "
            "aggregator, another office), with `publisher` the issuing body and `site` the host; a text on one of its "
            "issuers' own sites is coded by its own form."
        ),
        SourceKind.OTHER: (
            "A document of another sort, such as an interview, a letter or a comment filed in a rulemaking."
        ),
    },
    InstitutionKind: {
        InstitutionKind.GOVERNMENT: (
            "A national government as a whole, used when a source names the country or its government rather than a "
            "particular body."
        ),
        InstitutionKind.MINISTRY: (
            "A cabinet-level ministry or executive department (a U.S. Department, a Japanese 省)."
        ),
        InstitutionKind.AGENCY: (
            "A government agency, administration, bureau or funding body with its own mandate under or beside a "
            "ministry (e.g. NASA, NSF, JST, JAXA, BIS)."
        ),
        InstitutionKind.OFFICE: (
            "An office of a head of government or a cabinet, a secretariat, a ministerial post, or a unit of a "
            "ministry or agency that is not itself an agency."
        ),
        InstitutionKind.LEGISLATURE: "A parliament or congress, or one of its chambers or committees.",
        InstitutionKind.UNIVERSITY: "A university or other degree-granting institution.",
        InstitutionKind.NATIONAL_LAB: "A laboratory of the U.S. national laboratory system (e.g. Fermilab, LLNL).",
        InstitutionKind.RESEARCH_INSTITUTE: (
            "A public or private research institute or research complex that is neither a university nor a national "
            "lab (e.g. RIKEN, NICT, J-PARC, a company's named research institute)."
        ),
        InstitutionKind.COMPANY: "A business enterprise.",
        InstitutionKind.THINK_TANK: "A policy research organization that mainly publishes analysis, not grants.",
        InstitutionKind.FOUNDATION: "A grant-making or endowed foundation, even one that also runs policy programmes.",
        InstitutionKind.INTERNATIONAL_ORG: (
            "An intergovernmental organization with a charter and its own secretariat (e.g. the OECD, NATO)."
        ),
        InstitutionKind.MULTILATERAL_GROUPING: (
            "A grouping or arrangement of states that the sources treat as a club rather than an organization (e.g. "
            "the G7, the Quad, AUKUS, the Wassenaar Arrangement)."
        ),
        InstitutionKind.COUNCIL: (
            "A standing council, commission, committee or board of government or science (e.g. CFIUS, CSTI, a "
            "National Security Council, the Science Council of Japan)."
        ),
        InstitutionKind.MILITARY: "An armed service, command or military unit.",
        InstitutionKind.EMBASSY: "An embassy or consulate of one country in another.",
        InstitutionKind.ASSOCIATION: (
            "A membership association of companies or professionals (e.g. Keidanren, a chamber of commerce)."
        ),
        InstitutionKind.OTHER: (
            "An organization of another sort, such as a port authority, an interagency programme or a community of "
            "agencies."
        ),
    },
    AgreementKind: {
        AgreementKind.TREATY: "An instrument titled a treaty, or concluded and ratified as one.",
        AgreementKind.AGREEMENT: (
            "An instrument titled an agreement that no narrower kind covers, or one a source names as an agreement "
            "without giving its form."
        ),
        AgreementKind.EXTENSION: (
            "An instrument, other than an exchange of notes, whose only stated effect is to prolong another's term, "
            "including an extension whose form the sources do not give."
        ),
        AgreementKind.AMENDMENT: (
            "An instrument that changes another's text, even if it also extends its term (e.g. a protocol extending "
            "and partly amending)."
        ),
        AgreementKind.MEMORANDUM: "An instrument titled a memorandum of understanding or of cooperation.",
        AgreementKind.PROJECT_ARRANGEMENT: (
            "An instrument titled a project arrangement, for one project under an umbrella or implementing arrangement."
        ),
        AgreementKind.IMPLEMENTING_ARRANGEMENT: (
            "An instrument titled an implementing arrangement, carrying out an umbrella agreement or memorandum in "
            "one field."
        ),
        AgreementKind.JOINT_STATEMENT: (
            "A statement the parties issue jointly (joint statement, joint press release, joint announcement) that "
            "records shared intentions rather than binding terms."
        ),
        AgreementKind.DECLARATION: "An instrument titled a declaration, such as a declaration of intent.",
        AgreementKind.EXCHANGE_OF_NOTES: (
            "An instrument concluded by an exchange of notes or letters, whatever it does: the form decides, so an "
            "extension made by notes is coded here."
        ),
        AgreementKind.FRAMEWORK: (
            "An instrument titled a framework agreement, setting the common terms under which later arrangements are "
            "made."
        ),
        AgreementKind.OTHER: (
            "An instrument of another form (action plan, fact sheet, guidelines) or one the sources describe only as "
            "cooperation without naming its form."
        ),
    },
    AgreementStatus: {
        AgreementStatus.IN_FORCE: (
            "A source states it is in force, or its stated term had not ended as of the latest source about it."
        ),
        AgreementStatus.EXPIRED: "Its stated term ended and no source states an extension or a replacement.",
        AgreementStatus.SUPERSEDED: (
            "A later instrument took its place: a new agreement replaced it or, for an extension, a later extension "
            "of the same agreement overtook it; an agreement that is merely extended stays `in_force`."
        ),
        AgreementStatus.PROPOSED: "The sources describe it as under negotiation or proposed, not yet signed.",
        AgreementStatus.UNKNOWN: (
            "The sources support none of the above, as for an instrument whose term and later history they do not give."
        ),
    },
    PartyRole: {
        PartyRole.PARTY: "A government or body the instrument binds, as a source names the parties.",
        PartyRole.SIGNATORY: (
            "The institution of a person who signed it (named in `person`), whether or not that institution is itself "
            "a party."
        ),
        PartyRole.IMPLEMENTING_AGENCY: (
            "A body the instrument or a source names to carry it out, which neither signed it nor is a party."
        ),
    },
    DialogueKind: {
        DialogueKind.MINISTERIAL_COMMITTEE: (
            "A standing body the sources call a committee, led by ministers or cabinet-level officials (e.g. the "
            "JHLC, the Security Consultative Committee)."
        ),
        DialogueKind.WORKING_LEVEL_COMMITTEE: (
            "A standing committee of officials below ministerial level that prepares or follows up a ministerial "
            "committee (e.g. the JWLC)."
        ),
        DialogueKind.POLICY_DIALOGUE: (
            "Recurring government-to-government talks that the sources call a dialogue or a process, at any level."
        ),
        DialogueKind.FORUM: (
            "A recurring gathering the sources call a forum or a conference, held by or with governments, that is not "
            "track two."
        ),
        DialogueKind.WORKING_GROUP: (
            "A group on one subject that the sources call a working group, technical working group or policy group."
        ),
        DialogueKind.CONSULTATION: (
            "Recurring intergovernmental talks the sources call consultations, a liaison group, a coordination "
            "mechanism or a plenary meeting."
        ),
        DialogueKind.ADVISORY_PANEL: (
            "A panel, committee or council, with members from outside government, that advises one or both governments."
        ),
        DialogueKind.SUMMIT_PARTNERSHIP: (
            "A partnership the two leaders launched at a summit and that the sources name as a partnership (e.g. the "
            "CoRe Partnership)."
        ),
        DialogueKind.TRACK_TWO: (
            "A non-governmental dialogue, roundtable, study group or forum of think tanks, academics or industry, "
            "officials taking part only in a personal capacity."
        ),
        DialogueKind.TASK_FORCE: (
            "A group the sources call a task force, including task forces and liaison groups under a committee."
        ),
        DialogueKind.OTHER: (
            "A mechanism of another sort, such as leaders' summits, a track or subgroup within another mechanism, or "
            "one whose form the sources do not give."
        ),
    },
    DialogueStatus: {
        DialogueStatus.ACTIVE: (
            "The latest source that speaks of it reports it meeting or working, and none reports its end."
        ),
        DialogueStatus.ENDED: (
            "A source states it ended, was abolished or was replaced (the date in `ended` when stated)."
        ),
        DialogueStatus.DORMANT: "A source says it stopped meeting, faded or lapsed, without stating that it was ended.",
        DialogueStatus.PROPOSED: "The sources describe it only as proposed, planned or recommended, not as set up.",
        DialogueStatus.UNKNOWN: "The sources do not show whether it still meets.",
    },
    ParticipantRole: {
        ParticipantRole.CHAIR: "The institution a source says chairs or presides over the mechanism alone.",
        ParticipantRole.CO_CHAIR: "An institution a source calls a co-chair, usually one for each side.",
        ParticipantRole.LEAD: (
            "An institution a source says leads, heads or represents a side, when the source does not call it a chair."
        ),
        ParticipantRole.MEMBER: "An institution a source names as taking part, without a leading or supporting role.",
        ParticipantRole.SECRETARIAT: (
            "An institution a source says serves as secretariat or coordinates the mechanism's business."
        ),
        ParticipantRole.HOST: (
            "An institution a source says hosts or convenes the mechanism without chairing or leading it."
        ),
    },
    DateBasis: {
        DateBasis.HELD: "A source gives the day, month or year the meeting was held, and `date` is that.",
        DateBasis.STATEMENT: (
            "The sources give only the date of the joint statement or release issued from the meeting, and `date` is "
            "that date."
        ),
        DateBasis.SCHEDULED: (
            "Only an advance notice dates the meeting and no source reports it afterwards, and `date` is the date "
            "announced."
        ),
        DateBasis.INFERRED: (
            "The curators infer the meeting date with certainty, and an inferred citation for `date` gives the "
            "reasoning."
        ),
    },
    NumberBasis: {
        NumberBasis.STATED: "A source gives the ordinal (e.g. 'the 14th meeting').",
        NumberBasis.INFERRED: (
            "No source gives the ordinal, but the curators infer it with certainty (e.g. from the ordinals of the "
            "meetings around it), and an inferred citation for `number` gives the reasoning."
        ),
    },
    CitationBasis: {
        CitationBasis.STATED: "The source states the cited facts in so many words, in any language.",
        CitationBasis.INFERRED: (
            "The curators infer the listed `fields` with certainty from what the source states, with the reasoning in "
            "`note`; never used for a guess."
        ),
    },
    MeetingFormat: {
        MeetingFormat.IN_PERSON: (
            "A source says the delegations met face to face, with no remote participation; a place alone does not "
            "decide the format, which stays empty when no source gives it."
        ),
        MeetingFormat.ONLINE: "A source says the meeting was held online or by video conference.",
        MeetingFormat.HYBRID: "A source says some took part in person and others remotely.",
    },
    Side: {
        Side.US: (
            "The U.S. delegation, by the government the person or institution represents, not by where the meeting "
            "was held."
        ),
        Side.JP: (
            "The Japanese delegation, by the government the person or institution represents, not by where the "
            "meeting was held."
        ),
    },
    MeetingRole: {
        MeetingRole.CO_CHAIR: "A person or institution a source names as co-chair, or as chair of its side.",
        MeetingRole.HEAD_OF_DELEGATION: (
            "The person a source names as leading its side's delegation, when the source does not call them a co-chair."
        ),
        MeetingRole.PARTICIPANT: "Any other person or institution a source names as part of a delegation.",
    },
    Language: {
        Language.EN: "The text consulted is in English, whatever the original language.",
        Language.JA: (
            "The text consulted is in Japanese, including a Japanese provisional translation (仮訳) of an English "
            "original."
        ),
    },
    ProgramKind: {
        ProgramKind.RESEARCH_PROGRAM: (
            "A funded programme of research, with calls, projects or grants, run by agencies, institutes or companies."
        ),
        ProgramKind.PARTNERSHIP: (
            "A named collaboration between particular institutions that the sources call a partnership, collaboration "
            "or cooperation."
        ),
        ProgramKind.CONSORTIUM: (
            "A membership body of several companies or institutions pooling resources for common work (e.g. SEMATECH, "
            "an industry alliance)."
        ),
        ProgramKind.CENTER: "A research centre with its own name and organization.",
        ProgramKind.CHALLENGE: "A prize competition or challenge with entrants.",
        ProgramKind.WORKSHOP: "A workshop, symposium or similar meeting of researchers, held as an event of its own.",
        ProgramKind.MISSION: "A single space flight or mission.",
        ProgramKind.EXCHANGE: (
            "A programme that sends students or researchers between the countries, called an exchange by the sources."
        ),
        ProgramKind.FELLOWSHIP: "A programme that awards fellowships or placements to individual researchers.",
        ProgramKind.INITIATIVE: (
            "A broad named effort the sources call an initiative or programme that spans several activities without "
            "being one research programme (e.g. the Artemis Program)."
        ),
        ProgramKind.PROJECT: (
            "A single bounded undertaking to build or develop something (an aircraft, a cable system, a database)."
        ),
        ProgramKind.FACILITY: (
            "Research infrastructure that users share: a supercomputer, station, laboratory or accelerator."
        ),
        ProgramKind.OTHER: (
            "An effort of another sort, such as an investigation, a training scheme or a proposed network."
        ),
    },
    ProgramStatus: {
        ProgramStatus.ACTIVE: "The latest source about it describes it as running.",
        ProgramStatus.COMPLETED: (
            "A source says it has finished, or describes a one-off event or mission as having taken place."
        ),
        ProgramStatus.PLANNED: "A source says it has been decided or scheduled but has not started.",
        ProgramStatus.PROPOSED: "The sources describe it only as proposed or recommended, not as decided.",
        ProgramStatus.UNKNOWN: "The sources do not show whether it runs.",
    },
    ProgramRole: {
        ProgramRole.LEAD: "The institution a source says leads, runs or launched it.",
        ProgramRole.FUNDER: "An institution a source says pays for it, without leading it.",
        ProgramRole.MEMBER: "An institution belonging to a consortium, alliance, network or grouping that has members.",
        ProgramRole.HOST: "An institution at whose site it takes place or that receives its participants.",
        ProgramRole.PARTNER: "Any other institution a source names as taking part.",
    },
    AmountQualifier: {
        AmountQualifier.EXACT: "The source gives the amount with no qualifier, however round.",
        AmountQualifier.APPROXIMATELY: (
            "The source says about, roughly, some or nearly, or marks the figure as an estimate."
        ),
        AmountQualifier.AT_LEAST: "The source says at least or a minimum of.",
        AmountQualifier.MORE_THAN: "The source says more than, over or in excess of.",
        AmountQualifier.UP_TO: "The source says up to, as much as or a maximum of.",
    },
    UsdBasis: {
        UsdBasis.SAME_CURRENCY: "`amount` is in U.S. dollars, so `amount_usd` equals it.",
        UsdBasis.STATED_BY_SOURCE: (
            "The source itself gives the dollar figure for an amount in another currency; the curators never convert."
        ),
    },
    CommitmentKind: {
        CommitmentKind.GRANT: "Money given to named recipients for given work, called a grant or award by the sources.",
        CommitmentKind.INVESTMENT: (
            "Money a company, university or investor puts into a partnership, plant or venture of its own choosing."
        ),
        CommitmentKind.FUND: "A pool of money set up to be given out or invested later, such as a venture fund.",
        CommitmentKind.BUDGET: "A government's appropriation or budgeted spending for a programme or area.",
        CommitmentKind.PLEDGE: (
            "Money that governments or leaders promise, in the sources' words a pledge, before it is tied to a budget "
            "or recipients."
        ),
        CommitmentKind.TAX_CREDIT: "A tax credit or deduction for qualifying spending.",
        CommitmentKind.LOAN: "Money lent, including loan guarantees.",
        CommitmentKind.SUBSIDY: (
            "A government payment that lowers the cost of an activity for companies or buyers, other than a tax credit."
        ),
        CommitmentKind.OTHER: "Money of another sort, or of a sort the sources do not give.",
    },
    CommitmentStatus: {
        CommitmentStatus.ANNOUNCED: (
            "A source reports the amount as announced, planned or intended, without saying it has been committed."
        ),
        CommitmentStatus.COMMITTED: (
            "A source says the money has been committed, allocated, agreed, awarded, appropriated or raised."
        ),
        CommitmentStatus.DISBURSED: "A source says the money has been spent or paid out.",
        CommitmentStatus.PROPOSED: (
            "The amount is requested or proposed (a budget request, a bill) and not yet decided."
        ),
        CommitmentStatus.UNKNOWN: "The sources do not say how far it has got.",
    },
    CommitmentRole: {
        CommitmentRole.FUNDER: "An institution a source says provides the money.",
        CommitmentRole.RECIPIENT: "An institution a source says receives the money.",
        CommitmentRole.PARTNER: (
            "An institution a source names as part of the commitment without saying whether it gives or receives "
            "(e.g. the governments behind a jointly backed fund)."
        ),
    },
    PolicyKind: {
        PolicyKind.LAW: (
            "A statute or act of a legislature, including an amending act, and a bill (with status `proposed`)."
        ),
        PolicyKind.REGULATION: (
            "A rule, list or control an executive body issues under a law (e.g. a Federal Register rule, the Entity "
            "List, ITAR)."
        ),
        PolicyKind.EXECUTIVE_ORDER: (
            "An order, proclamation or directive a head of state or government issues on their own authority."
        ),
        PolicyKind.STRATEGY: (
            "A government document the sources call a strategy, policy or vision, setting goals across an area (e.g. "
            "AI Strategy 2019, Society 5.0)."
        ),
        PolicyKind.PROGRAM: (
            "A standing government programme that funds, supports or enforces (e.g. a tax-credit programme, the China "
            "Initiative)."
        ),
        PolicyKind.EXPORT_CONTROL_REGIME: (
            "A multilateral regime coordinating its members' export controls; one country's export-control laws and "
            "rules are coded by their form."
        ),
        PolicyKind.INVESTMENT_SCREENING: (
            "An instrument of any legal form whose purpose is to review or restrict foreign investment (e.g. FIRRMA, "
            "CFIUS rules), chosen before `law` or `regulation`."
        ),
        PolicyKind.PRINCIPLES: (
            "A set of principles or a position statement adopted by governments or a body (e.g. the OECD AI "
            "Principles)."
        ),
        PolicyKind.GUIDELINE: (
            "Guidance, a code of conduct, a manual or an administrative policy that directs practice without being a "
            "regulation."
        ),
        PolicyKind.PLAN: "A plan with stated targets or a timetable.",
        PolicyKind.BUDGET: "A government budget or appropriation treated as a policy.",
        PolicyKind.OTHER: (
            "An instrument of another form, such as a designation, an arrangement or a tariff, or one whose form the "
            "sources do not give."
        ),
    },
    PolicyStatus: {
        PolicyStatus.IN_FORCE: (
            "A source states it is in force or describes it as applied at the source's date, and no later source "
            "reports its repeal or replacement."
        ),
        PolicyStatus.PROPOSED: "A bill, draft or proposed rule not yet adopted as of the latest source.",
        PolicyStatus.REPEALED: "A source states it was repealed, revoked or allowed to lapse.",
        PolicyStatus.SUPERSEDED: "A source states that a later instrument replaced it.",
        PolicyStatus.UNKNOWN: "The sources support none of the above.",
    },
    Jurisdiction: {
        Jurisdiction.US: "Issued by a U.S. federal body or enacted under U.S. law.",
        Jurisdiction.JP: "Issued by a Japanese government body or enacted under Japanese law.",
        Jurisdiction.INT: (
            "Adopted by a multilateral body or grouping (e.g. the G7, the G20, the OECD) rather than by one country."
        ),
    },
}


def value_rules(vocabulary: type[StrEnum]) -> tuple[tuple[str, str], ...]:
    """Each value of ``vocabulary`` with its coding rule, in the vocabulary's order."""
    by_value = RULES[vocabulary]
    return tuple((member.value, by_value[member]) for member in vocabulary)
