"""The schema: one pydantic model per table, and the registry of tables.

Everything else (the Frictionless descriptor, Arrow and pandas types, the codebook, the checks)
is derived from these definitions.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from . import vocab
from .types import (
    Amount,
    CountryCode,
    CurrencyCode,
    Kind,
    PartialDate,
    Ref,
    Slug,
    Text,
    bounds,
)

SourceRef = Annotated[Slug, Ref("sources")]
InstitutionRef = Annotated[Slug, Ref("institutions")]
AgreementRef = Annotated[Slug, Ref("agreements")]
DialogueRef = Annotated[Slug, Ref("dialogues")]
MeetingRef = Annotated[Slug, Ref("meetings")]
ProgramRef = Annotated[Slug, Ref("programs")]
CommitmentRef = Annotated[Slug, Ref("funding_commitments")]
DiscrepancyRef = Annotated[Slug, Ref("discrepancies")]
DomainList = Annotated[list[Annotated[Slug, Ref("domains")]], Kind("list")]
TextList = Annotated[list[Text], Kind("list")]
TableName = Annotated[str, Kind("table_name")]
RecordKey = Annotated[str, Field(min_length=1), Kind("record_key")]
FieldName = Annotated[str, Field(pattern=r"^[a-z_]+$")]


class Record(BaseModel):
    """Base of every table row: unknown keys are errors, values are checked on assignment too."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _not_before(later: str | None, earlier: str | None, later_name: str, earlier_name: str) -> None:
    if later and earlier and bounds(later)[1] < bounds(earlier)[0]:
        raise PydanticCustomError(
            "order-error",
            "{later_name} ({later}) is before {earlier_name} ({earlier})",
            {"later_name": later_name, "later": later, "earlier_name": earlier_name, "earlier": earlier},
        )


class Source(Record):
    """A document the records are curated from, or a reference one of those documents cites."""

    id: Slug = Field(description="Stable slug of the source, e.g. `schoff-2020`.")
    kind: vocab.SourceKind = Field(description="What sort of document it is.")
    title: Text = Field(description="Title as printed (the main title, before any colon).")
    subtitle: Text | None = Field(None, description="Subtitle as printed.")
    authors: TextList = Field(default_factory=list, description="Authors as printed, in order.")
    publisher: Text | None = Field(
        None, description="Publisher or issuing body as printed; for a reprint, the body whose text it is."
    )
    site: Text | None = Field(None, description="For a reprint: the site or database that hosts the copy consulted.")
    language: vocab.Language | None = Field(None, description="Language of the text consulted.")
    published: PartialDate | None = Field(None, description="Publication date, at the precision given.")
    url: Text | None = Field(None, description="URL as printed in the document, or of the page consulted.")
    doi: Text | None = Field(None, description="DOI as printed in the document.")
    cited_in: SourceRef | None = Field(None, description="For a reference: the source document that cites it.")
    cited_at: Text | None = Field(
        None, description="For a reference: where the citing document cites it (note or reference number)."
    )
    retrieved: PartialDate | None = Field(None, description="When the curators consulted the page at `url`.")
    note: Text | None = Field(None, description="Curator's note on the source.")


class Citation(Record):
    """Where a record's facts come from: one row per record, source and locator."""

    table: TableName = Field(description="Table of the cited record.")
    record_id: RecordKey = Field(
        description="Key of the cited record: its `id`, or its primary-key values joined by `/`."
    )
    source_id: SourceRef = Field(description="The source that states the facts.")
    locator: Text = Field(description="Where in the source: section heading, page, note or reference number.")
    fields: Annotated[list[FieldName], Kind("list")] = Field(
        default_factory=list,
        description="The fields this locator supports; empty means the whole record.",
    )
    basis: vocab.CitationBasis = Field(
        vocab.CitationBasis.STATED,
        description="`stated` when the source states the facts; `inferred` when the curators infer the listed "
        "fields from it with certainty, explained in `note`.",
    )
    note: Text | None = Field(None, description="Curator's note on this citation: the reasoning of an inference.")

    @model_validator(mode="after")
    def _inference_explained(self) -> Self:
        if self.basis is vocab.CitationBasis.INFERRED and (self.note is None or not self.fields):
            raise PydanticCustomError(
                "constraint-error", "an inferred citation names its fields and explains the inference in note", {}
            )
        return self


class Institution(Record):
    """An organization that acts in the cooperation or its policy."""

    id: Slug = Field(description="Stable slug, usually the acronym, e.g. `mext`.")
    name: Text = Field(description="Full name in English.")
    name_ja: Text | None = Field(None, description="Official Japanese name, where a Japanese source prints it.")
    acronym: Text | None = Field(None, description="Acronym as the sources use it.")
    aliases: TextList = Field(default_factory=list, description="Other names and spellings in the sources.")
    country: CountryCode | None = Field(
        None, description="ISO 3166-1 alpha-2 code, or INT for multilateral bodies, where a source states it."
    )
    kind: vocab.InstitutionKind = Field(description="What sort of organization it is.")
    parent_id: InstitutionRef | None = Field(None, description="The organization it belongs to.")
    predecessor_id: InstitutionRef | None = Field(None, description="The organization it replaced.")
    established: PartialDate | None = Field(None, description="When it was founded.")
    description: Text | None = Field(None, description="Its role in the cooperation, in a sentence.")


class InstitutionBudget(Record):
    """An institution's budget for a year, as a source states it."""

    id: Slug = Field(description="Stable slug, e.g. `nsf-budget-2020`.")
    institution_id: InstitutionRef = Field(description="The institution whose budget it is.")
    fiscal_year: PartialDate | None = Field(
        None, description="The (fiscal) year the budget is for, where the source names it."
    )
    as_of: PartialDate | None = Field(None, description="When the source stated the figure (its publication date).")
    amount: Amount = Field(description="The amount, exact as the source gives it.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of `amount`.")
    amount_qualifier: vocab.AmountQualifier = Field(description="How exact the source says the amount is.")
    description: Text | None = Field(None, description="What the budget covers.")


class Agreement(Record):
    """A treaty, agreement, extension, memorandum, arrangement or joint statement."""

    id: Slug = Field(description="Stable slug, e.g. `us-japan-st-agreement-1988`.")
    title: Text = Field(description="Full title as the sources give it.")
    name_ja: Text | None = Field(None, description="Official Japanese title, where a Japanese source prints it.")
    short_title: Text | None = Field(None, description="Short name in common use.")
    kind: vocab.AgreementKind = Field(description="Legal form of the instrument.")
    signed: PartialDate | None = Field(None, description="Date of signature, at the precision given.")
    signed_at: Text | None = Field(None, description="Place of signature.")
    entry_into_force: PartialDate | None = Field(None, description="Date it entered into force.")
    expires: PartialDate | None = Field(None, description="Date it expires or expired.")
    status: vocab.AgreementStatus = Field(description="Whether it is in force, as the sources support.")
    parent_id: AgreementRef | None = Field(
        None, description="The umbrella agreement an extension or arrangement belongs to."
    )
    meeting_id: MeetingRef | None = Field(None, description="The meeting at which it was signed or issued.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it covers.")
    summary: Text | None = Field(None, description="One or two sentences on what it does.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        _not_before(self.entry_into_force, self.signed, "entry_into_force", "signed")
        _not_before(self.expires, self.entry_into_force or self.signed, "expires", "entry into force")
        return self


class AgreementParty(Record):
    """A party, signatory or implementing agency of an agreement."""

    agreement_id: AgreementRef = Field(description="The agreement.")
    institution_id: InstitutionRef = Field(description="The party or the signatory's institution.")
    role: vocab.PartyRole = Field(description="Part it plays in the agreement.")
    person: Text | None = Field(None, description="Named signatory, as the source gives the name.")
    person_title: Text | None = Field(None, description="The signatory's office at signature.")


class _Span(Record):
    """A record with ``established`` and ``ended`` dates: it cannot end before it begins."""

    if TYPE_CHECKING:  # declared by each subclass, where they keep their place among its columns
        established: str | None
        ended: str | None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        _not_before(self.ended, self.established, "ended", "established")
        return self


class Dialogue(_Span):
    """A standing mechanism: committee, dialogue, forum, working group or panel."""

    id: Slug = Field(description="Stable slug, e.g. `jhlc`.")
    name: Text = Field(description="Full name.")
    name_ja: Text | None = Field(None, description="Official Japanese name, where a Japanese source prints it.")
    acronym: Text | None = Field(None, description="Acronym as the sources use it.")
    kind: vocab.DialogueKind = Field(description="What sort of mechanism it is.")
    established: PartialDate | None = Field(None, description="When it was created.")
    ended: PartialDate | None = Field(None, description="When it ended.")
    status: vocab.DialogueStatus = Field(description="Whether it still meets, as the sources support.")
    agreement_id: AgreementRef | None = Field(None, description="The agreement that created it.")
    parent_id: DialogueRef | None = Field(None, description="The body it reports to.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it covers.")
    summary: Text | None = Field(None, description="One or two sentences on what it does.")


class DialogueParticipant(Record):
    """An institution taking part in a dialogue."""

    dialogue_id: DialogueRef = Field(description="The dialogue.")
    institution_id: InstitutionRef = Field(description="The participating institution.")
    role: vocab.ParticipantRole = Field(description="Its part in the dialogue.")
    person: Text | None = Field(None, description="Named representative, as the source gives the name.")


class Meeting(Record):
    """A dated or numbered session of a dialogue."""

    id: Slug = Field(description="Stable slug, `<dialogue>-<number>` when numbered.")
    dialogue_id: DialogueRef = Field(description="The dialogue that met.")
    number: int | None = Field(None, ge=1, description="Ordinal of the session, e.g. 14 for the 14th.")
    number_basis: vocab.NumberBasis | None = Field(
        None,
        description="`stated` when a source gives the ordinal; `inferred` when the curators infer it with "
        "certainty, explained in a citation note.",
    )
    date: PartialDate | None = Field(None, description="When it met (its first day), at the precision given.")
    date_basis: vocab.DateBasis | None = Field(
        None,
        description="What `date` is: the day the meeting was held, the date of the joint statement or "
        "release issued from it when a source gives only that, the date announced in advance when no source "
        "reports the meeting afterwards, or a date the curators infer with certainty (explained in a citation "
        "note).",
    )
    end_date: PartialDate | None = Field(None, description="Last day of a meeting held over several days.")
    location: Text | None = Field(None, description="Where it met: the city, or the place as the source gives it.")
    venue: Text | None = Field(None, description="The building or institution that hosted it, where stated.")
    format: vocab.MeetingFormat | None = Field(None, description="Whether it met in person, online or both.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it discussed.")
    summary: Text | None = Field(None, description="What it discussed or produced.")

    @model_validator(mode="after")
    def _bases_and_order(self) -> Self:
        if (self.date is None) != (self.date_basis is None):
            raise PydanticCustomError("constraint-error", "date and date_basis are given together or not at all", {})
        if (self.number is None) != (self.number_basis is None):
            raise PydanticCustomError(
                "constraint-error", "number and number_basis are given together or not at all", {}
            )
        if self.end_date is not None and self.date is None:
            raise PydanticCustomError("constraint-error", "end_date needs date, the first day", {})
        _not_before(self.end_date, self.date, "end_date", "date")
        return self


class MeetingParticipant(Record):
    """A side's co-chair, head of delegation or participating institution at a meeting."""

    id: Slug = Field(
        description="Stable slug: `<meeting>-<surname>` for a named person, `<meeting>-<institution>` otherwise."
    )
    meeting_id: MeetingRef = Field(description="The meeting.")
    side: vocab.Side = Field(description="The delegation: US or JP.")
    institution_id: InstitutionRef = Field(description="The institution taking part, or the person's institution.")
    role: vocab.MeetingRole = Field(description="Its part in the meeting.")
    person: Text | None = Field(None, description="Named person, spelled as the source gives the name.")
    person_title: Text | None = Field(None, description="The person's office at the meeting.")


class MeetingCount(Record):
    """How many meetings a dialogue had held by a date, as a source states it."""

    id: Slug = Field(description="Stable slug, `<dialogue>-count-<year>`.")
    dialogue_id: DialogueRef = Field(description="The dialogue.")
    count: int = Field(ge=0, description="The number of meetings the source states.")
    as_of: PartialDate | None = Field(None, description="The date the count is stated for.")
    summary: Text | None = Field(None, description="What the source says, in the curators' words.")


class Program(_Span):
    """A joint research program, partnership, consortium, center, challenge or workshop."""

    id: Slug = Field(description="Stable slug.")
    name: Text = Field(description="Full name.")
    name_ja: Text | None = Field(None, description="Official Japanese name, where a Japanese source prints it.")
    acronym: Text | None = Field(None, description="Acronym as the sources use it.")
    kind: vocab.ProgramKind = Field(description="What sort of program it is.")
    established: PartialDate | None = Field(None, description="When it started.")
    ended: PartialDate | None = Field(None, description="When it ended.")
    status: vocab.ProgramStatus = Field(description="Whether it runs, as the sources support.")
    agreement_id: AgreementRef | None = Field(None, description="The agreement it runs under.")
    dialogue_id: DialogueRef | None = Field(None, description="The dialogue that launched or oversees it.")
    meeting_id: MeetingRef | None = Field(None, description="The meeting at which it was launched.")
    parent_id: ProgramRef | None = Field(None, description="The program it is part of.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it covers.")
    summary: Text | None = Field(None, description="One or two sentences on what it does.")


class ProgramParticipant(Record):
    """An institution taking part in a program."""

    program_id: ProgramRef = Field(description="The program.")
    institution_id: InstitutionRef = Field(description="The participating institution.")
    role: vocab.ProgramRole = Field(description="Its part in the program.")


class FundingCommitment(Record):
    """An amount of money committed, pledged or announced for the cooperation."""

    id: Slug = Field(description="Stable slug, e.g. `5g-investment-pledge-2021`.")
    title: Text = Field(description="What the money is for, in a few words.")
    amount: Amount = Field(description="The amount, exact as the source gives it.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of `amount`.")
    amount_qualifier: vocab.AmountQualifier = Field(
        description="The source's qualifier: exact, about, at least, more than, up to."
    )
    amount_usd: Amount | None = Field(
        None, description="The amount in US dollars, only when in USD or converted by the source."
    )
    usd_basis: vocab.UsdBasis | None = Field(None, description="Where `amount_usd` comes from.")
    duration_years: Amount | None = Field(None, description="Years the money is spread over.")
    announced: PartialDate | None = Field(None, description="When it was announced.")
    kind: vocab.CommitmentKind = Field(description="What sort of money it is.")
    parent_id: CommitmentRef | None = Field(None, description="The total this amount is a component of.")
    agreement_id: AgreementRef | None = Field(None, description="The agreement it serves.")
    program_id: ProgramRef | None = Field(None, description="The program it funds.")
    meeting_id: MeetingRef | None = Field(None, description="The meeting where it was announced.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it funds.")
    status: vocab.CommitmentStatus = Field(description="How far it has got, as the sources support.")
    summary: Text | None = Field(None, description="One or two sentences on what it funds.")

    @model_validator(mode="after")
    def _usd_is_sourced(self) -> Self:
        if (self.amount_usd is None) != (self.usd_basis is None):
            raise PydanticCustomError(
                "constraint-error", "amount_usd and usd_basis are given together or not at all", {}
            )
        if self.usd_basis is vocab.UsdBasis.SAME_CURRENCY and (
            self.currency != "USD" or self.amount_usd != self.amount
        ):
            raise PydanticCustomError(
                "constraint-error",
                "usd_basis same_currency needs currency USD and amount_usd equal to amount",
                {},
            )
        if self.usd_basis is vocab.UsdBasis.STATED_BY_SOURCE and self.currency == "USD":
            raise PydanticCustomError(
                "constraint-error", "a USD amount has usd_basis same_currency, not stated_by_source", {}
            )
        return self


class CommitmentParty(Record):
    """A funder, recipient or partner of a funding commitment."""

    commitment_id: CommitmentRef = Field(description="The commitment.")
    institution_id: InstitutionRef = Field(description="The institution.")
    role: vocab.CommitmentRole = Field(description="Its part in the commitment.")


class Policy(Record):
    """A domestic or multilateral instrument that shapes the cooperation."""

    id: Slug = Field(description="Stable slug, e.g. `firrma-2018`.")
    name: Text = Field(description="Full name.")
    short_name: Text | None = Field(None, description="Short name or acronym.")
    kind: vocab.PolicyKind = Field(description="What sort of instrument it is.")
    jurisdiction: vocab.Jurisdiction = Field(description="US, JP, or INT for multilateral instruments.")
    enacted: PartialDate | None = Field(None, description="When it was enacted, adopted or issued.")
    status: vocab.PolicyStatus = Field(description="Whether it is in force, as the sources support.")
    issuer_id: InstitutionRef | None = Field(None, description="The body that issued it.")
    domains: DomainList = Field(default_factory=list, description="Technology areas it shapes.")
    summary: Text | None = Field(None, description="One or two sentences on what it does.")


class Domain(Record):
    """A technology area of the controlled vocabulary used by every `domains` column."""

    id: Slug = Field(description="Stable slug, e.g. `quantum`.")
    name: Text = Field(description="Display name.")
    description: Text = Field(description="What the area covers.")


class Discrepancy(Record):
    """A fact on which the sources disagree, and the value the dataset chose."""

    id: Slug = Field(description="Stable slug.")
    table: TableName = Field(description="Table of the affected record.")
    record_id: RecordKey = Field(description="Key of the affected record.")
    field: FieldName = Field(description="The field in dispute.")
    chosen_value: Text = Field(description="The value the record carries.")
    rationale: Text = Field(description="Why that value was chosen.")


class DiscrepancyValue(Record):
    """One of the competing values of a discrepancy, with where it is stated."""

    discrepancy_id: DiscrepancyRef = Field(description="The discrepancy.")
    value: Text = Field(description="The value as this source gives it.")
    source_id: SourceRef = Field(description="The source that gives it.")
    locator: Text = Field(description="Where in the source.")


@dataclass(frozen=True)
class Table:
    """A table of the package: its model and how it is keyed, curated and cited."""

    name: str
    model: type[Record]
    primary_key: tuple[str, ...] = ("id",)
    cited: bool = True
    seeded: bool = True

    @property
    def description(self) -> str:
        return (self.model.__doc__ or "").strip()


TABLES: tuple[Table, ...] = (
    Table("sources", Source, cited=False),
    Table("citations", Citation, ("table", "record_id", "source_id", "locator", "basis"), cited=False, seeded=False),
    Table("domains", Domain, cited=False),
    Table("institutions", Institution),
    Table("institution_budgets", InstitutionBudget),
    Table("agreements", Agreement),
    Table("agreement_parties", AgreementParty, ("agreement_id", "institution_id", "role")),
    Table("dialogues", Dialogue),
    Table("dialogue_participants", DialogueParticipant, ("dialogue_id", "institution_id", "role")),
    Table("meetings", Meeting),
    Table("meeting_participants", MeetingParticipant),
    Table("meeting_counts", MeetingCount),
    Table("programs", Program),
    Table("program_participants", ProgramParticipant, ("program_id", "institution_id", "role")),
    Table("funding_commitments", FundingCommitment),
    Table("commitment_parties", CommitmentParty, ("commitment_id", "institution_id", "role")),
    Table("policies", Policy),
    Table("discrepancies", Discrepancy, cited=False),
    Table(
        "discrepancy_values",
        DiscrepancyValue,
        ("discrepancy_id", "source_id", "locator"),
        cited=False,
        seeded=False,
    ),
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def record_key(table: Table, record: Record) -> str:
    """The key citations use for a record: its id, or its primary-key values joined by `/`."""
    if len(table.primary_key) == 1:
        return str(getattr(record, table.primary_key[0]))
    return "/".join(str(getattr(record, f)) for f in table.primary_key)
