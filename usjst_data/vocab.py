"""Controlled vocabularies: every enumerated column takes its allowed values from here."""

from enum import StrEnum


class SourceKind(StrEnum):
    REPORT = "report"
    WORKING_PAPER = "working_paper"
    JOURNAL_ARTICLE = "journal_article"
    COMMENTARY = "commentary"
    EVENT_SUMMARY = "event_summary"
    PRESS_RELEASE = "press_release"
    NEWS_ARTICLE = "news_article"
    GOVERNMENT_DOCUMENT = "government_document"
    WEB_PAGE = "web_page"
    BOOK = "book"
    BOOK_CHAPTER = "book_chapter"
    STATEMENT = "statement"
    SPEECH = "speech"
    TESTIMONY = "testimony"
    DATASET = "dataset"
    OFFICIAL_STATEMENT = "official_statement"
    READOUT = "readout"
    TREATY_TEXT = "treaty_text"
    WHITE_PAPER = "white_paper"
    REPRINT = "reprint"
    OTHER = "other"


class InstitutionKind(StrEnum):
    GOVERNMENT = "government"
    MINISTRY = "ministry"
    AGENCY = "agency"
    OFFICE = "office"
    LEGISLATURE = "legislature"
    UNIVERSITY = "university"
    NATIONAL_LAB = "national_lab"
    RESEARCH_INSTITUTE = "research_institute"
    COMPANY = "company"
    THINK_TANK = "think_tank"
    FOUNDATION = "foundation"
    INTERNATIONAL_ORG = "international_org"
    MULTILATERAL_GROUPING = "multilateral_grouping"
    COUNCIL = "council"
    MILITARY = "military"
    EMBASSY = "embassy"
    ASSOCIATION = "association"
    OTHER = "other"


class AgreementKind(StrEnum):
    TREATY = "treaty"
    AGREEMENT = "agreement"
    EXTENSION = "extension"
    AMENDMENT = "amendment"
    MEMORANDUM = "memorandum"
    PROJECT_ARRANGEMENT = "project_arrangement"
    IMPLEMENTING_ARRANGEMENT = "implementing_arrangement"
    JOINT_STATEMENT = "joint_statement"
    DECLARATION = "declaration"
    EXCHANGE_OF_NOTES = "exchange_of_notes"
    FRAMEWORK = "framework"
    OTHER = "other"


class AgreementStatus(StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    PROPOSED = "proposed"
    UNKNOWN = "unknown"


class PartyRole(StrEnum):
    PARTY = "party"
    SIGNATORY = "signatory"
    IMPLEMENTING_AGENCY = "implementing_agency"


class DialogueKind(StrEnum):
    MINISTERIAL_COMMITTEE = "ministerial_committee"
    WORKING_LEVEL_COMMITTEE = "working_level_committee"
    POLICY_DIALOGUE = "policy_dialogue"
    FORUM = "forum"
    WORKING_GROUP = "working_group"
    CONSULTATION = "consultation"
    ADVISORY_PANEL = "advisory_panel"
    SUMMIT_PARTNERSHIP = "summit_partnership"
    TRACK_TWO = "track_two"
    TASK_FORCE = "task_force"
    OTHER = "other"


class DialogueStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    DORMANT = "dormant"
    PROPOSED = "proposed"
    UNKNOWN = "unknown"


class ParticipantRole(StrEnum):
    CHAIR = "chair"
    CO_CHAIR = "co_chair"
    LEAD = "lead"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    HOST = "host"


class DateBasis(StrEnum):
    HELD = "held"
    STATEMENT = "statement"
    SCHEDULED = "scheduled"
    INFERRED = "inferred"


class NumberBasis(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"


class CitationBasis(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class Side(StrEnum):
    US = "US"
    JP = "JP"


class MeetingRole(StrEnum):
    CO_CHAIR = "co_chair"
    HEAD_OF_DELEGATION = "head_of_delegation"
    PARTICIPANT = "participant"


class Language(StrEnum):
    EN = "en"
    JA = "ja"


class ProgramKind(StrEnum):
    RESEARCH_PROGRAM = "research_program"
    PARTNERSHIP = "partnership"
    CONSORTIUM = "consortium"
    CENTER = "center"
    CHALLENGE = "challenge"
    WORKSHOP = "workshop"
    MISSION = "mission"
    EXCHANGE = "exchange"
    FELLOWSHIP = "fellowship"
    INITIATIVE = "initiative"
    PROJECT = "project"
    FACILITY = "facility"
    OTHER = "other"


class ProgramStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    PLANNED = "planned"
    PROPOSED = "proposed"
    UNKNOWN = "unknown"


class ProgramRole(StrEnum):
    LEAD = "lead"
    FUNDER = "funder"
    MEMBER = "member"
    HOST = "host"
    PARTNER = "partner"


class AmountQualifier(StrEnum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    UP_TO = "up_to"


class UsdBasis(StrEnum):
    SAME_CURRENCY = "same_currency"
    STATED_BY_SOURCE = "stated_by_source"


class CommitmentKind(StrEnum):
    GRANT = "grant"
    INVESTMENT = "investment"
    FUND = "fund"
    BUDGET = "budget"
    PLEDGE = "pledge"
    TAX_CREDIT = "tax_credit"
    LOAN = "loan"
    SUBSIDY = "subsidy"
    OTHER = "other"


class CommitmentStatus(StrEnum):
    ANNOUNCED = "announced"
    COMMITTED = "committed"
    DISBURSED = "disbursed"
    PROPOSED = "proposed"
    UNKNOWN = "unknown"


class CommitmentRole(StrEnum):
    FUNDER = "funder"
    RECIPIENT = "recipient"
    PARTNER = "partner"


class PolicyKind(StrEnum):
    LAW = "law"
    REGULATION = "regulation"
    EXECUTIVE_ORDER = "executive_order"
    STRATEGY = "strategy"
    PROGRAM = "program"
    EXPORT_CONTROL_REGIME = "export_control_regime"
    INVESTMENT_SCREENING = "investment_screening"
    PRINCIPLES = "principles"
    GUIDELINE = "guideline"
    PLAN = "plan"
    BUDGET = "budget"
    OTHER = "other"


class PolicyStatus(StrEnum):
    IN_FORCE = "in_force"
    PROPOSED = "proposed"
    REPEALED = "repealed"
    SUPERSEDED = "superseded"
    UNKNOWN = "unknown"


class Jurisdiction(StrEnum):
    US = "US"
    JP = "JP"
    INT = "INT"


# ISO 3166-1 alpha-2 codes, plus INT for multilateral and international bodies.
COUNTRY_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW INT""".split()  # noqa: SIM905 - a compact, checkable block of the ISO list
)

# ISO 4217 codes of the currencies the sources use; extend when a source names another.
CURRENCY_CODES = frozenset({"USD", "JPY", "EUR", "GBP", "CNY", "KRW", "AUD", "INR", "TWD"})
