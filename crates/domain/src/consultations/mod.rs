//! Public consultations (`domain.md` §1.4–1.6): the plan an official fills in (the May 2025
//! template), its schedule and the city's minimum durations, the phases that follow from the
//! schedule, and the one function answering "may this actor do this now?" ([`may`]). Pages ask
//! it what to show, handlers what to do; the store repeats the state part with conditional
//! writes.
//!
//! A consultation is a draft until an official publishes it; from then on its plan is public
//! and its dates drive the phases: the information campaign, the consultation itself (when
//! residents take part), the analysis (when every comment gets an answer) and the report.

pub mod answers;
pub mod comments;
pub mod document;
pub mod grouping;
pub mod meetings;
pub mod statements;
pub mod survey;
pub mod weighting;

use crate::{DistrictId, FieldError, Permission, Role, UnitId, UserId};
use chrono::{DateTime, Duration, Utc};

/// The longest subject, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest of the plan's free texts (goal, legal basis, target groups), in characters.
pub const TEXT_MAX: usize = 10_000;

/// A full consultation or a Small Consultation (14–30 days, for the people directly
/// concerned; the draft resolution's new form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Standard,
    Small,
}

impl Kind {
    pub const ALL: [Self; 2] = [Self::Standard, Self::Small];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Small => "small",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }
}

/// How residents take part; any mix per consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Survey,
    Comments,
    Meetings,
    DutyHours,
    /// Paper, e-mail and letter comments typed in by staff.
    Paper,
    /// Statements residents agree or disagree with; opinion groups found as Pol.is does.
    Statements,
}

impl Method {
    pub const ALL: [Self; 6] = [
        Self::Survey,
        Self::Comments,
        Self::Statements,
        Self::Meetings,
        Self::DutyHours,
        Self::Paper,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Survey => "survey",
            Self::Comments => "comments",
            Self::Meetings => "meetings",
            Self::DutyHours => "duty_hours",
            Self::Paper => "paper",
            Self::Statements => "statements",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw.trim())
    }
}

/// What a consultation is about: the residents' filter and what they subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Greenery,
    Transport,
    Planning,
    Housing,
    Social,
    Education,
    Culture,
    Safety,
    Governance,
}

impl Topic {
    pub const ALL: [Self; 9] = [
        Self::Greenery,
        Self::Transport,
        Self::Planning,
        Self::Housing,
        Self::Social,
        Self::Education,
        Self::Culture,
        Self::Safety,
        Self::Governance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greenery => "greenery",
            Self::Transport => "transport",
            Self::Planning => "planning",
            Self::Housing => "housing",
            Self::Social => "social",
            Self::Education => "education",
            Self::Culture => "culture",
            Self::Safety => "safety",
            Self::Governance => "governance",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw.trim())
    }
}

/// Checks the topics ticked (each known; none is allowed), in order, without repeats.
pub fn check_topics(raw: &[&str]) -> Result<Vec<Topic>, FieldError> {
    let mut topics = raw
        .iter()
        .map(|r| Topic::parse(r).ok_or(FieldError::KindUnknown))
        .collect::<Result<Vec<_>, _>>()?;
    topics.sort();
    topics.dedup();
    Ok(topics)
}

/// What a resident subscribed to: consultations concerning a district (or any) on a topic
/// (or any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interest {
    pub district: Option<DistrictId>,
    pub topic: Option<Topic>,
}

impl Interest {
    /// Whether a consultation of `area` on `topics` is news for this interest: a city-wide
    /// one concerns every district; one without topics is news for "any topic" only.
    pub fn matches(&self, area: &Area, topics: &[Topic]) -> bool {
        let place = match (self.district, area) {
            (None, _) | (_, Area::CityWide) => true,
            (Some(d), Area::Districts(ds)) => ds.contains(&d),
        };
        place && self.topic.is_none_or(|t| topics.contains(&t))
    }
}

/// Whom a consultation concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    CityWide,
    /// These districts (at least one).
    Districts(Vec<DistrictId>),
}

/// The city's minimum durations, in days (Kraków's: 7 days of information, 21 of
/// consultation; a Small Consultation lasts 14 to 30 days; the report within 30 days of a
/// Small Consultation's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minimums {
    pub information_days: i64,
    pub consultation_days: i64,
    pub small_min_days: i64,
    pub small_max_days: i64,
    pub small_report_days: i64,
}

impl Default for Minimums {
    fn default() -> Self {
        Self {
            information_days: 7,
            consultation_days: 21,
            small_min_days: 14,
            small_max_days: 30,
            small_report_days: 30,
        }
    }
}

/// The dates: the information campaign opens at `information`, the consultation runs from
/// `opens` to `closes`, the report is due by `report_due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub information: DateTime<Utc>,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    pub report_due: DateTime<Utc>,
}

/// Why a schedule is refused; each names the field to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleError {
    /// The dates are out of order (information, opening, closing, report).
    OutOfOrder,
    /// The information campaign is shorter than the city's minimum.
    InformationTooShort,
    /// The consultation is shorter than the minimum (or than a Small Consultation's).
    TooShort,
    /// A Small Consultation longer than its maximum.
    TooLong,
    /// The report is due later than the rule allows (Small Consultations).
    ReportTooLate,
    /// A date that has passed was changed, or a coming one moved into the past.
    PastFixed,
}

impl ScheduleError {
    pub fn code(self) -> &'static str {
        match self {
            Self::OutOfOrder => "consult_schedule_order",
            Self::InformationTooShort => "consult_information_short",
            Self::TooShort => "consult_too_short",
            Self::TooLong => "consult_too_long",
            Self::ReportTooLate => "consult_report_late",
            Self::PastFixed => "consult_past_fixed",
        }
    }

    /// The form field the error belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Self::OutOfOrder | Self::PastFixed => "opens",
            Self::InformationTooShort => "information",
            Self::TooShort | Self::TooLong => "closes",
            Self::ReportTooLate => "report_due",
        }
    }
}

impl Schedule {
    pub fn new(
        kind: Kind,
        minimums: &Minimums,
        information: DateTime<Utc>,
        opens: DateTime<Utc>,
        closes: DateTime<Utc>,
        report_due: DateTime<Utc>,
    ) -> Result<Self, ScheduleError> {
        if !(information <= opens && opens < closes && closes <= report_due) {
            return Err(ScheduleError::OutOfOrder);
        }
        // Whole calendar days: a change to or from summer time makes a day 23 or 25 hours.
        let days =
            |from: DateTime<Utc>, to: DateTime<Utc>| (to - from + Duration::hours(12)).num_days();
        if days(information, opens) < minimums.information_days {
            return Err(ScheduleError::InformationTooShort);
        }
        let length = days(opens, closes);
        match kind {
            Kind::Standard if length < minimums.consultation_days => {
                return Err(ScheduleError::TooShort);
            }
            Kind::Small if length < minimums.small_min_days => {
                return Err(ScheduleError::TooShort);
            }
            Kind::Small if length > minimums.small_max_days => {
                return Err(ScheduleError::TooLong);
            }
            Kind::Small if days(closes, report_due) > minimums.small_report_days => {
                return Err(ScheduleError::ReportTooLate);
            }
            _ => {}
        }
        Ok(Self {
            information,
            opens,
            closes,
            report_due,
        })
    }

    /// The earliest schedule the rules allow from `from`: the information campaign at its
    /// minimum, the consultation at its minimum length, the report due within the rule (30 days
    /// for a Small Consultation, 60 for a standard one). A draft an official then adjusts.
    pub fn earliest(kind: Kind, minimums: &Minimums, from: DateTime<Utc>) -> Self {
        let information = from;
        let opens = information + Duration::days(minimums.information_days);
        let (length, report) = match kind {
            Kind::Small => (minimums.small_min_days, minimums.small_report_days),
            Kind::Standard => (minimums.consultation_days, 60),
        };
        let closes = opens + Duration::days(length.max(1));
        Self {
            information,
            opens,
            closes,
            report_due: closes + Duration::days(report),
        }
    }

    fn instants(&self) -> [DateTime<Utc>; 4] {
        [self.information, self.opens, self.closes, self.report_due]
    }

    /// Whether a published consultation's dates may become `new` at `now`: what has passed
    /// stays as it was (a consultation is never reopened or cut short after the fact) and no
    /// coming date moves into the past.
    pub fn check_move(&self, new: &Schedule, now: DateTime<Utc>) -> Result<(), ScheduleError> {
        for (old, new) in self.instants().into_iter().zip(new.instants()) {
            let fixed = old <= now;
            if (fixed && new != old) || (!fixed && new < now) {
                return Err(ScheduleError::PastFixed);
            }
        }
        Ok(())
    }
}

/// Where a consultation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Not published: only officials see it.
    Draft,
    /// Published, its information campaign not started yet.
    Announced,
    /// The information campaign.
    Information,
    /// Residents take part.
    Open,
    /// Closed; every comment is being answered.
    Analysis,
    /// The report with every answer is published.
    Reported,
    /// Called off (with a reason) after publication.
    Cancelled,
}

impl Phase {
    pub const ALL: [Self; 7] = [
        Self::Draft,
        Self::Announced,
        Self::Information,
        Self::Open,
        Self::Analysis,
        Self::Reported,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Announced => "announced",
            Self::Information => "information",
            Self::Open => "open",
            Self::Analysis => "analysis",
            Self::Reported => "reported",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }

    /// Shown to residents (every phase but the draft).
    pub fn is_public(self) -> bool {
        self != Self::Draft
    }
}

/// The stored state a consultation's phase follows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub published: bool,
    pub cancelled: bool,
    pub reported: bool,
    pub schedule: Schedule,
}

impl State {
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        let s = &self.schedule;
        if !self.published {
            Phase::Draft
        } else if self.cancelled {
            Phase::Cancelled
        } else if self.reported {
            Phase::Reported
        } else if now < s.information {
            Phase::Announced
        } else if now < s.opens {
            Phase::Information
        } else if now < s.closes {
            Phase::Open
        } else {
            Phase::Analysis
        }
    }
}

/// How many days before the report is due the city is warned.
pub const REPORT_WARNING_DAYS: i64 = 7;

/// Days left until the report is due (negative: overdue) when the city should be warned:
/// within [`REPORT_WARNING_DAYS`] and not yet reported or called off.
pub fn report_warning(phase: Phase, report_due: DateTime<Utc>, now: DateTime<Utc>) -> Option<i64> {
    let days_left = (report_due - now).num_days();
    let pending = !matches!(phase, Phase::Draft | Phase::Reported | Phase::Cancelled);
    (pending && days_left <= REPORT_WARNING_DAYS).then_some(days_left)
}

/// Everything anyone does in a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Officials change the plan (a draft freely; once published, every change audited and
    /// the schedule only as [`Schedule::check_move`] allows).
    EditPlan,
    /// Officials make the plan public.
    Publish,
    /// Officials call it off.
    Cancel,
    /// A resident comments or answers a survey (online).
    TakePart,
    /// Staff type in a comment received on paper, by e-mail or at a duty hour.
    RecordComment,
    /// Staff draft the answer to a comment.
    Answer,
    /// Officials publish the report with every answer at once.
    PublishReport,
    /// Moderators hide a comment that breaks the rules, with a reason.
    Moderate,
    /// Officials build the survey (before it opens: answers must mean one thing).
    EditSurvey,
    /// Officials add meetings and duty hours.
    EditMeetings,
    /// A resident signs up for a meeting or books a duty-hour slot (or cancels).
    SignUp,
    /// Staff publish a meeting's minutes.
    PublishMinutes,
    /// Officials make invitation codes for the survey (until it closes).
    MakeCodes,
    /// Officials enter the population's margins the survey's results are weighted to.
    Weigh,
    /// Officials add statements to vote on (shown at once).
    EditStatements,
    /// Staff run the consultation algorithm and work with its groups of comments (rename,
    /// merge, move a comment, confirm); a group's answer is [`Action::Answer`].
    Group,
}

impl Action {
    pub const ALL: [Self; 16] = [
        Self::EditPlan,
        Self::Publish,
        Self::Cancel,
        Self::TakePart,
        Self::RecordComment,
        Self::Answer,
        Self::PublishReport,
        Self::Moderate,
        Self::EditSurvey,
        Self::EditMeetings,
        Self::SignUp,
        Self::PublishMinutes,
        Self::MakeCodes,
        Self::Weigh,
        Self::EditStatements,
        Self::Group,
    ];

    /// The permission it needs beyond an account, if any.
    pub fn permission(self) -> Option<Permission> {
        match self {
            Self::TakePart | Self::SignUp => None,
            Self::RecordComment | Self::Answer | Self::PublishMinutes | Self::Group => {
                Some(Permission::HandleConsultations)
            }
            Self::EditPlan
            | Self::Publish
            | Self::Cancel
            | Self::PublishReport
            | Self::EditSurvey
            | Self::EditMeetings
            | Self::MakeCodes
            | Self::Weigh
            | Self::EditStatements => Some(Permission::ManageConsultations),
            Self::Moderate => Some(Permission::ModerateConsultations),
        }
    }

    /// The phases it may happen in.
    pub fn phases(self) -> &'static [Phase] {
        use Phase::*;
        match self {
            Self::EditPlan => &[Draft, Announced, Information, Open],
            Self::Publish => &[Draft],
            Self::Cancel => &[Announced, Information, Open],
            Self::TakePart => &[Open],
            // Paper posted on the last day arrives later: staff may type it in until the
            // report is out.
            Self::RecordComment => &[Open, Analysis],
            Self::Answer => &[Open, Analysis],
            Self::PublishReport => &[Analysis],
            Self::Moderate => &[Open, Analysis, Reported, Cancelled],
            Self::EditSurvey => &[Draft, Announced, Information],
            Self::EditMeetings => &[Draft, Announced, Information, Open],
            // Meetings are announced with the campaign: places are taken from then on.
            Self::SignUp => &[Information, Open],
            Self::PublishMinutes => &[Open, Analysis],
            Self::MakeCodes => &[Draft, Announced, Information, Open],
            // The figures are weighed while they come in and until the report fixes them.
            Self::Weigh => &[Open, Analysis],
            // Comments are grouped while they come in and until the report is out.
            Self::Group => &[Open, Analysis],
            // The first statements are ready before it opens; more while it runs.
            Self::EditStatements => &[Draft, Announced, Information, Open],
        }
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    SignIn,
    Forbidden,
    /// Not in this phase.
    Phase,
    /// The consultation is for residents of other districts.
    OtherDistrict,
    /// Someone else changed it first; the page is out of date.
    Stale,
    /// The consultation does not take part this way (its plan has no such method).
    NoMethod,
    /// The report cannot be published while comments wait for an answer.
    Unanswered,
    /// The survey is for holders of an invitation code, and the code given is unknown or
    /// used.
    Code,
    /// This account (or code) has already sent its response.
    Answered,
    /// The meeting or slot has begun (or is over): no more sign-ups.
    Begun,
    /// The meeting has not ended yet (its minutes come afterwards).
    NotYet,
    /// Someone booked the slot first.
    Taken,
    /// This account is already signed up (or holds a slot of this duty hour).
    SignedUp,
}

impl Refusal {
    pub const ALL: [Self; 13] = [
        Self::SignIn,
        Self::Forbidden,
        Self::Phase,
        Self::OtherDistrict,
        Self::Stale,
        Self::NoMethod,
        Self::Unanswered,
        Self::Code,
        Self::Answered,
        Self::Begun,
        Self::NotYet,
        Self::Taken,
        Self::SignedUp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "consult_sign_in",
            Self::Forbidden => "consult_forbidden",
            Self::Phase => "consult_phase",
            Self::OtherDistrict => "consult_other_district",
            Self::Stale => "consult_stale",
            Self::NoMethod => "consult_no_method",
            Self::Unanswered => "consult_unanswered",
            Self::Code => "consult_code",
            Self::Answered => "consult_answered",
            Self::Begun => "consult_begun",
            Self::NotYet => "consult_not_yet",
            Self::Taken => "consult_taken",
            Self::SignedUp => "consult_signed_up",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::SignIn => 401,
            Self::Forbidden | Self::OtherDistrict | Self::Code => 403,
            Self::Phase
            | Self::Stale
            | Self::NoMethod
            | Self::Unanswered
            | Self::Answered
            | Self::Begun
            | Self::NotYet
            | Self::Taken
            | Self::SignedUp => 409,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserId>,
    pub role: Option<Role>,
}

impl Actor {
    pub const ANONYMOUS: Self = Self {
        user: None,
        role: None,
    };

    fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|r| r.can(permission))
    }
}

/// May `actor` do `action` in a consultation now in `phase`? Taking part needs an account
/// (one voice per person); the rest needs the role's permission; then the phase decides.
pub fn may(actor: &Actor, action: Action, phase: Phase) -> Result<(), Refusal> {
    actor.user.ok_or(Refusal::SignIn)?;
    if let Some(permission) = action.permission()
        && !actor.can(permission)
    {
        return Err(Refusal::Forbidden);
    }
    if !action.phases().contains(&phase) {
        return Err(Refusal::Phase);
    }
    Ok(())
}

/// May `actor` (of city unit `unit`, if any) answer comments in a consultation of `owner`
/// now in `phase`? Staff of a city unit answer their own unit's consultations; officials,
/// operators and administrators any.
pub fn may_answer(
    actor: &Actor,
    unit: Option<UnitId>,
    owner: UnitId,
    phase: Phase,
) -> Result<(), Refusal> {
    may(actor, Action::Answer, phase)?;
    own_unit(actor, unit, owner)
}

/// May `actor` work with the groups of comments of a consultation owned by `owner` now in
/// `phase`? As for answers: staff of the consultation's unit, and officials.
pub fn may_group(
    actor: &Actor,
    unit: Option<UnitId>,
    owner: UnitId,
    phase: Phase,
) -> Result<(), Refusal> {
    may(actor, Action::Group, phase)?;
    own_unit(actor, unit, owner)
}

/// Staff of a city unit act only in their own unit's consultations (`unit`: theirs, `owner`:
/// the consultation's); officials, operators and administrators in any.
pub fn own_unit(actor: &Actor, unit: Option<UnitId>, owner: UnitId) -> Result<(), Refusal> {
    if actor.role == Some(Role::UnitStaff) && unit != Some(owner) {
        return Err(Refusal::Forbidden);
    }
    Ok(())
}

/// May `actor` add a comment that came by `channel` to a consultation now in `phase` whose
/// plan offers `methods`? Residents comment online while it is open, if comments are a method;
/// staff type in what came on paper, by e-mail or letter (the paper method), at a duty hour
/// or at a meeting (those methods), until the report is out.
pub fn may_comment(
    actor: &Actor,
    channel: comments::Channel,
    phase: Phase,
    methods: &[Method],
) -> Result<(), Refusal> {
    use comments::Channel::*;
    let (action, method) = match channel {
        Web | App => (Action::TakePart, Method::Comments),
        Paper | Email | Letter => (Action::RecordComment, Method::Paper),
        DutyHour => (Action::RecordComment, Method::DutyHours),
        Meeting => (Action::RecordComment, Method::Meetings),
    };
    may(actor, action, phase)?;
    if !methods.contains(&method) {
        return Err(Refusal::NoMethod);
    }
    Ok(())
}

/// May `actor` vote on statements, or add one, in a consultation now in `phase` whose plan
/// offers `methods`? With an account (one vote per person), while it is open, if statements
/// are a method.
pub fn may_vote(actor: &Actor, phase: Phase, methods: &[Method]) -> Result<(), Refusal> {
    may(actor, Action::TakePart, phase)?;
    if !methods.contains(&Method::Statements) {
        return Err(Refusal::NoMethod);
    }
    Ok(())
}

/// May someone answer the survey of a consultation now in `phase` whose plan offers
/// `methods`, the survey being for `audience`, and (for a district survey) having declared
/// living in `declared` while the consultation concerns `area`? Anyone may for an open
/// survey; accounts for the others; a code's validity is the store's to check.
pub fn may_answer_survey(
    actor: &Actor,
    phase: Phase,
    methods: &[Method],
    audience: survey::Audience,
    declared: Option<DistrictId>,
    area: &Area,
) -> Result<(), Refusal> {
    if audience.needs_account() {
        actor.user.ok_or(Refusal::SignIn)?;
    }
    if phase != Phase::Open {
        return Err(Refusal::Phase);
    }
    if !methods.contains(&Method::Survey) {
        return Err(Refusal::NoMethod);
    }
    if audience == survey::Audience::Districts
        && let Area::Districts(districts) = area
        && !declared.is_some_and(|d| districts.contains(&d))
    {
        return Err(Refusal::OtherDistrict);
    }
    Ok(())
}

/// A plan's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct RawPlan<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub goal: &'a str,
    pub legal_basis: &'a str,
    pub target_groups: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: &'a str,
}

/// A plan's checked texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanText {
    pub kind: Kind,
    pub title: String,
    pub goal: String,
    pub legal_basis: Option<String>,
    pub target_groups: Option<String>,
    pub contact_name: String,
    pub contact_email: crate::Email,
    pub contact_phone: Option<crate::reports::Phone>,
}

/// Checks a plan's texts; every problem as (field, error).
pub fn check_plan(raw: &RawPlan) -> Result<PlanText, Vec<(&'static str, FieldError)>> {
    let mut problems = Vec::new();
    fn keep<T>(
        problems: &mut Vec<(&'static str, FieldError)>,
        field: &'static str,
        r: Result<T, FieldError>,
    ) -> Option<T> {
        r.map_err(|e| problems.push((field, e))).ok()
    }
    let p = &mut problems;
    let kind = keep(
        p,
        "kind",
        Kind::parse(raw.kind).ok_or(FieldError::KindUnknown),
    );
    let title = keep(p, "title", crate::required_text(raw.title, TITLE_MAX));
    let goal = keep(p, "goal", crate::required_text(raw.goal, TEXT_MAX));
    let legal_basis = keep(
        p,
        "legal_basis",
        crate::optional_text(raw.legal_basis, TEXT_MAX),
    );
    let target_groups = keep(
        p,
        "target_groups",
        crate::optional_text(raw.target_groups, TEXT_MAX),
    );
    let contact_name = keep(
        p,
        "contact_name",
        crate::required_text(raw.contact_name, crate::reports::intake::NAME_MAX),
    );
    let contact_email = keep(p, "contact_email", crate::Email::parse(raw.contact_email));
    let contact_phone = keep(
        p,
        "contact_phone",
        match raw.contact_phone.trim() {
            "" => Ok(None),
            phone => crate::reports::Phone::parse(phone).map(Some),
        },
    );
    match (
        kind,
        title,
        goal,
        legal_basis,
        target_groups,
        contact_name,
        contact_email,
        contact_phone,
    ) {
        (
            Some(kind),
            Some(title),
            Some(goal),
            Some(legal_basis),
            Some(target_groups),
            Some(contact_name),
            Some(contact_email),
            Some(contact_phone),
        ) => Ok(PlanText {
            kind,
            title,
            goal,
            legal_basis,
            target_groups,
            contact_name,
            contact_email,
            contact_phone,
        }),
        _ => Err(problems),
    }
}

/// An area drawn on the map: its corners in millionths of a degree (latitude, longitude), at
/// least three, closed by joining the last to the first. The consultation's districts are
/// those it touches unless the official chose them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outline(pub Vec<(i32, i32)>);

/// The most corners an outline may have.
pub const OUTLINE_MAX: usize = 500;

impl Outline {
    /// The corners in degrees (latitude, longitude).
    pub fn degrees(&self) -> Vec<(f64, f64)> {
        self.0
            .iter()
            .map(|(lat, lon)| (f64::from(*lat) / 1e6, f64::from(*lon) / 1e6))
            .collect()
    }

    /// As typed in the form: one "latitude, longitude" a line.
    pub fn as_text(&self) -> String {
        self.degrees()
            .iter()
            .map(|(lat, lon)| format!("{lat:.6}, {lon:.6}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Reads an outline as typed (or written by the map): corners one a line or separated by
/// semicolons, each "latitude, longitude" or "latitude longitude". Empty: none drawn. A
/// repeated corner (or the first repeated at the end) counts once.
pub fn check_outline(raw: &str) -> Result<Option<Outline>, FieldError> {
    let mut corners: Vec<(i32, i32)> = Vec::new();
    for piece in raw
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let numbers: Vec<&str> = piece
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|n| !n.is_empty())
            .collect();
        let [lat, lon] = numbers.as_slice() else {
            return Err(FieldError::NumberInvalid);
        };
        let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
            return Err(FieldError::NumberInvalid);
        };
        let point = crate::geo::Point::new(lat, lon)?;
        let corner = (
            (point.lat() * 1e6).round() as i32,
            (point.lon() * 1e6).round() as i32,
        );
        if corners.last() != Some(&corner) {
            corners.push(corner);
        }
    }
    if corners.len() > 1 && corners.first() == corners.last() {
        corners.pop();
    }
    match corners.len() {
        0 => Ok(None),
        1..=2 => Err(FieldError::TooShort),
        n if n > OUTLINE_MAX => Err(FieldError::TooLong),
        _ => Ok(Some(Outline(corners))),
    }
}

/// The department responsible, the methods and the area, as checked against the city's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub unit: UnitId,
    pub methods: Vec<Method>,
    pub area: Area,
    /// The area drawn on the map, if one was (the districts above are those it touches).
    pub outline: Option<Outline>,
    /// What it is about (see [`check_topics`]); none until an official ticks some.
    pub topics: Vec<Topic>,
    /// Residents' comments wait for a moderator before they are shown (pre-moderation);
    /// otherwise they are shown at once and moderated afterwards.
    pub premoderated: bool,
}

/// Checks the methods chosen (at least one, each known) and the area (city-wide, or at least
/// one district).
pub fn check_organisation(
    unit: Option<UnitId>,
    methods: &[&str],
    city_wide: bool,
    districts: Vec<DistrictId>,
) -> Result<Organisation, Vec<(&'static str, FieldError)>> {
    let mut problems = Vec::new();
    if unit.is_none() {
        problems.push(("unit", FieldError::UnitUnknown));
    }
    let mut chosen: Vec<Method> = Vec::new();
    for raw in methods {
        match Method::parse(raw) {
            Some(m) if !chosen.contains(&m) => chosen.push(m),
            Some(_) => {}
            None => problems.push(("methods", FieldError::KindUnknown)),
        }
    }
    chosen.sort();
    if chosen.is_empty() && !problems.iter().any(|(f, _)| *f == "methods") {
        problems.push(("methods", FieldError::Required));
    }
    let area = if city_wide {
        Area::CityWide
    } else if districts.is_empty() {
        problems.push(("area", FieldError::DistrictUnknown));
        Area::CityWide
    } else {
        Area::Districts(districts)
    };
    match unit {
        Some(unit) if problems.is_empty() => Ok(Organisation {
            unit,
            methods: chosen,
            area,
            outline: None,
            topics: Vec::new(),
            premoderated: false,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests;
