//! "Ławka dialogu" (the Dialogue Bench, issue 18): the mayor's open meetings with residents —
//! in districts, at schools, with seniors, online, at festivals — each followed by one
//! published page of questions and the answers the city's departments and units prepared.
//!
//! The life of a question: a resident asks it before the meeting (web, app) or staff type in
//! one asked on the spot or by phone (`received`); staff route it to a unit — the contact
//! centre's category × district routing suggests which (`routed`); the unit drafts the answer
//! (`answered`, visible only to staff); an official publishes the meeting's questions and
//! answers together, each answer attributed to its unit (`published`). A question that is
//! really a problem report becomes a contact-centre report in one click, linked both ways.
//!
//! [`may`] answers "may this actor do this now?"; the store repeats the state part in its
//! conditional writes.

use crate::accounts::{Permission, Role};
use crate::{FieldError, UnitId, UserId};
use chrono::{DateTime, Utc};

/// The longest question, in characters.
pub const QUESTION_MAX: usize = 2000;
/// The shortest question that asks something, in characters.
pub const QUESTION_MIN: usize = 10;
/// The longest answer, in characters.
pub const ANSWER_MAX: usize = 10_000;
/// The longest meeting title, venue or description, in characters.
pub const TITLE_MAX: usize = 200;
pub const VENUE_MAX: usize = 300;
pub const DESCRIPTION_MAX: usize = 5000;
/// The longest reason for hiding a question, in characters.
pub const REASON_MAX: usize = 500;

/// Whom a meeting was for (the city's list of Q&A sets shows these kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The residents of a district, in the district.
    District,
    /// Pupils of a school.
    School,
    Seniors,
    Students,
    /// Streamed, with questions taken online.
    Online,
    /// At a festival or another city event.
    Festival,
}

impl Audience {
    pub const ALL: [Self; 6] = [
        Self::District,
        Self::School,
        Self::Seniors,
        Self::Students,
        Self::Online,
        Self::Festival,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::School => "school",
            Self::Seniors => "seniors",
            Self::Students => "students",
            Self::Online => "online",
            Self::Festival => "festival",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }
}

/// Where a meeting stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Announced: residents send questions until it starts.
    Upcoming,
    /// Held: staff type in what was asked and the units answer.
    Held,
    /// Its questions and answers are published (one page, "the article").
    Published,
}

impl Phase {
    pub fn at(starts: DateTime<Utc>, published: bool, at: DateTime<Utc>) -> Self {
        if published {
            Self::Published
        } else if at < starts {
            Self::Upcoming
        } else {
            Self::Held
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Held => "held",
            Self::Published => "published",
        }
    }
}

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting to be routed to a unit.
    Received,
    /// With a unit, which drafts the answer.
    Routed,
    /// The unit's answer is drafted (staff see it; residents once published).
    Answered,
    /// Hidden by a moderator (personal data, abuse), with a reason the author sees.
    Hidden,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::Received, Self::Routed, Self::Answered, Self::Hidden];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Routed => "routed",
            Self::Answered => "answered",
            Self::Hidden => "hidden",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// How a question reached the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The web form, before the meeting.
    Web,
    /// The app (JSON API), before the meeting.
    App,
    /// Asked at the meeting, typed in by staff.
    Meeting,
    /// By phone, typed in by staff.
    Phone,
}

impl Channel {
    pub const ALL: [Self; 4] = [Self::Web, Self::App, Self::Meeting, Self::Phone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::App => "app",
            Self::Meeting => "meeting",
            Self::Phone => "phone",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }

    /// Staff type these in for someone else.
    pub fn by_staff(self) -> bool {
        matches!(self, Self::Meeting | Self::Phone)
    }
}

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Plan or change a meeting.
    Plan,
    /// A resident asks before the meeting (web or app).
    Ask,
    /// Staff type in a question asked at the meeting or by phone.
    TypeIn,
    /// Send a question to a unit (or to another one).
    Route,
    /// Draft or change the answer to a question routed to `unit`.
    Answer { unit: UnitId },
    /// Turn a question into a contact-centre report.
    MakeReport,
    /// Hide a question (personal data, abuse).
    Hide,
    /// Publish the meeting's questions and answers.
    Publish,
    /// Follow a question (be told when it is answered).
    Follow,
}

/// Why an action is refused: a stable code the pages translate (`error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    SignIn,
    Forbidden,
    /// Questions are sent before the meeting starts; after it staff type them in.
    Started,
    /// The questions and answers are published: nothing changes any more.
    Published,
    /// Some question has no answer yet.
    Unanswered,
    /// Not routed to a unit yet.
    NotRouted,
    /// Already a report.
    AlreadyReport,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "dialogue_sign_in",
            Self::Forbidden => "dialogue_forbidden",
            Self::Started => "dialogue_started",
            Self::Published => "dialogue_published",
            Self::Unanswered => "dialogue_unanswered",
            Self::NotRouted => "dialogue_not_routed",
            Self::AlreadyReport => "dialogue_already_report",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::SignIn => 401,
            Self::Forbidden => 403,
            _ => 409,
        }
    }
}

/// Who acts: an account's id, role and unit (unit staff), or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserId>,
    pub role: Option<Role>,
    pub unit: Option<UnitId>,
}

impl Actor {
    pub const ANONYMOUS: Self = Self {
        user: None,
        role: None,
        unit: None,
    };

    fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|r| r.can(permission))
    }
}

/// The one rule: may `actor` do `action` on a meeting in `phase`?
pub fn may(actor: &Actor, action: Action, phase: Phase) -> Result<(), Refusal> {
    let signed_in = || {
        if actor.user.is_none() {
            Err(Refusal::SignIn)
        } else {
            Ok(())
        }
    };
    let staff = |permission| {
        signed_in()?;
        if actor.can(permission) {
            Ok(())
        } else {
            Err(Refusal::Forbidden)
        }
    };
    let unpublished = || {
        if phase == Phase::Published {
            Err(Refusal::Published)
        } else {
            Ok(())
        }
    };
    match action {
        Action::Plan | Action::Publish => {
            staff(Permission::ManageDialogue)?;
            unpublished()
        }
        Action::Ask => {
            signed_in()?;
            match phase {
                Phase::Upcoming => Ok(()),
                Phase::Held => Err(Refusal::Started),
                Phase::Published => Err(Refusal::Published),
            }
        }
        Action::TypeIn | Action::Route | Action::MakeReport => {
            staff(Permission::RouteDialogue)?;
            unpublished()
        }
        Action::Answer { unit } => {
            signed_in()?;
            // Officials answer for any unit; a unit's staff for their own.
            let own = actor.role == Some(Role::UnitStaff) && actor.unit == Some(unit);
            if !(actor.can(Permission::ManageDialogue) || own) {
                return Err(Refusal::Forbidden);
            }
            unpublished()
        }
        Action::Hide => {
            staff(Permission::ModerateConsultations)?;
            unpublished()
        }
        Action::Follow => signed_in(),
    }
}

/// A meeting may be published when every question shown has an answer.
pub fn check_publish(unanswered: u64) -> Result<(), Refusal> {
    if unanswered > 0 {
        Err(Refusal::Unanswered)
    } else {
        Ok(())
    }
}

/// A question as typed.
pub fn check_question(raw: &str) -> Result<String, FieldError> {
    let text = crate::required_text(raw, QUESTION_MAX)?;
    if text.chars().count() < QUESTION_MIN {
        return Err(FieldError::TooShort);
    }
    Ok(text)
}

/// An answer as typed.
pub fn check_answer(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, ANSWER_MAX)
}

/// A reason for hiding a question (its author sees it).
pub fn check_reason(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, REASON_MAX)
}

/// A meeting's plan as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingPlan {
    pub title: String,
    pub audience: Audience,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub venue: String,
    pub point: Option<(f64, f64)>,
    pub district: Option<crate::DistrictId>,
    pub description: String,
}

/// A meeting's fields as typed (times already read by the page).
pub struct RawMeeting<'a> {
    pub title: &'a str,
    pub audience: &'a str,
    pub starts: Option<DateTime<Utc>>,
    pub ends: Option<DateTime<Utc>>,
    pub venue: &'a str,
    pub point: Option<(f64, f64)>,
    pub district: Option<crate::DistrictId>,
    pub description: &'a str,
}

/// Checks a meeting's plan; every problem as (field, error).
pub fn check_meeting(raw: &RawMeeting<'_>) -> Result<MeetingPlan, Vec<(&'static str, FieldError)>> {
    let mut problems = Vec::new();
    let title = crate::required_text(raw.title, TITLE_MAX)
        .map_err(|e| problems.push(("title", e)))
        .ok();
    let audience = Audience::parse(raw.audience)
        .ok_or(if raw.audience.trim().is_empty() {
            FieldError::Required
        } else {
            FieldError::KindUnknown
        })
        .map_err(|e| problems.push(("audience", e)))
        .ok();
    let venue = crate::required_text(raw.venue, VENUE_MAX)
        .map_err(|e| problems.push(("venue", e)))
        .ok();
    let description = crate::optional_text(raw.description, DESCRIPTION_MAX)
        .map_err(|e| problems.push(("description", e)))
        .ok();
    if raw.starts.is_none() {
        problems.push(("starts", FieldError::DateInvalid));
    }
    let ends = match (raw.starts, raw.ends) {
        (_, None) => {
            problems.push(("ends", FieldError::DateInvalid));
            None
        }
        (Some(s), Some(e)) if e <= s || e - s > chrono::Duration::hours(12) => {
            problems.push(("ends", FieldError::DateOrder));
            None
        }
        (_, Some(e)) => Some(e),
    };
    match (title, audience, venue, description, raw.starts, ends) {
        (Some(title), Some(audience), Some(venue), Some(description), Some(starts), Some(ends))
            if problems.is_empty() =>
        {
            Ok(MeetingPlan {
                title,
                audience,
                starts,
                ends,
                venue,
                point: raw.point,
                district: raw.district,
                description: description.unwrap_or_default(),
            })
        }
        _ => Err(problems),
    }
}

/// The median of whole days, or None for none.
pub fn median_days(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit: Option<UnitId>) -> Actor {
        Actor {
            user: Some(UserId(uuid::Uuid::nil())),
            role: Some(role),
            unit,
        }
    }

    #[test]
    fn residents_ask_before_the_meeting_staff_type_in_after() {
        let resident = actor(Role::Resident, None);
        assert_eq!(may(&resident, Action::Ask, Phase::Upcoming), Ok(()));
        assert_eq!(
            may(&resident, Action::Ask, Phase::Held),
            Err(Refusal::Started)
        );
        assert_eq!(
            may(&Actor::ANONYMOUS, Action::Ask, Phase::Upcoming),
            Err(Refusal::SignIn)
        );
        assert_eq!(
            may(&resident, Action::TypeIn, Phase::Held),
            Err(Refusal::Forbidden)
        );
        let operator = actor(Role::Operator, None);
        assert_eq!(may(&operator, Action::TypeIn, Phase::Held), Ok(()));
        assert_eq!(
            may(&operator, Action::TypeIn, Phase::Published),
            Err(Refusal::Published)
        );
    }

    #[test]
    fn a_unit_answers_its_own_questions_officials_any() {
        let zdmk = UnitId(uuid::Uuid::from_u128(1));
        let zzm = UnitId(uuid::Uuid::from_u128(2));
        let staff = actor(Role::UnitStaff, Some(zdmk));
        assert_eq!(
            may(&staff, Action::Answer { unit: zdmk }, Phase::Held),
            Ok(())
        );
        assert_eq!(
            may(&staff, Action::Answer { unit: zzm }, Phase::Held),
            Err(Refusal::Forbidden)
        );
        let official = actor(Role::Official, None);
        assert_eq!(
            may(&official, Action::Answer { unit: zzm }, Phase::Held),
            Ok(())
        );
        assert_eq!(
            may(&official, Action::Answer { unit: zzm }, Phase::Published),
            Err(Refusal::Published)
        );
        assert_eq!(
            may(&staff, Action::Publish, Phase::Held),
            Err(Refusal::Forbidden)
        );
        assert_eq!(check_publish(1), Err(Refusal::Unanswered));
        assert_eq!(check_publish(0), Ok(()));
    }

    #[test]
    fn the_phase_follows_the_clock_and_publication() {
        let starts = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap_or_default();
        let before = DateTime::<Utc>::from_timestamp(999_999, 0).unwrap_or_default();
        assert_eq!(Phase::at(starts, false, before), Phase::Upcoming);
        assert_eq!(Phase::at(starts, false, starts), Phase::Held);
        assert_eq!(Phase::at(starts, true, before), Phase::Published);
    }

    #[test]
    fn a_meeting_names_every_problem() {
        let raw = RawMeeting {
            title: "",
            audience: "party",
            starts: None,
            ends: None,
            venue: "",
            point: None,
            district: None,
            description: "",
        };
        let problems = check_meeting(&raw).err().unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["title", "audience", "venue", "starts", "ends"]);
    }

    #[test]
    fn median_of_days() {
        assert_eq!(median_days(vec![]), None);
        assert_eq!(median_days(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median_days(vec![4, 1, 3, 2]), Some(2.5));
    }
}
