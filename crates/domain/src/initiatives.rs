//! Local initiatives (*inicjatywy lokalne*, issue 18; `domain.md` §1.9, §2.8): residents (at
//! least two) or an organisation apply all year for the city to do something with them — the
//! city gives no grant: it buys, does work or lends equipment — until the year's pool runs out.
//!
//! An application is **assessed** out of 100 points (45 usefulness to the local community, 45
//! the residents' own contribution, 10 extra, e.g. a positive district council opinion); 60 are
//! needed. An accepted one commits its cost to the year's pool, which is never overcommitted
//! (the store's conditional write); then the agreement, the realisation and a short public
//! report. [`may`] answers "may this actor do this now?".

use crate::accounts::{Permission, Role};
use crate::{FieldError, UserId};
use chrono::NaiveDate;

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;
pub const SHORT_MAX: usize = 500;
/// Points for usefulness, for the residents' contribution, and extra.
pub const USEFULNESS_MAX: u32 = 45;
pub const CONTRIBUTION_MAX: u32 = 45;
pub const EXTRA_MAX: u32 = 10;
/// Points needed to be accepted.
pub const PASS: u32 = 60;
/// The earliest start after the application, in weeks.
pub const LEAD_WEEKS: i64 = 8;
/// The most the city spends on one initiative, in grosze (a typing guard: 10 million zł).
pub const COST_MAX: i64 = 1_000_000_000;

/// What the initiative is about (the act's areas, art. 19b, as Kraków's form groups them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    Culture,
    Sport,
    Environment,
    Safety,
    Education,
    Social,
    Infrastructure,
}

impl Area {
    pub const ALL: [Self; 7] = [
        Self::Culture,
        Self::Sport,
        Self::Environment,
        Self::Safety,
        Self::Education,
        Self::Social,
        Self::Infrastructure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Culture => "culture",
            Self::Sport => "sport",
            Self::Environment => "environment",
            Self::Safety => "safety",
            Self::Education => "education",
            Self::Social => "social",
            Self::Infrastructure => "infrastructure",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }
}

/// The district council's opinion, as the applicants attach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opinion {
    None,
    Positive,
    Negative,
}

impl Opinion {
    pub const ALL: [Self; 3] = [Self::None, Self::Positive, Self::Negative];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Positive => "positive",
            Self::Negative => "negative",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw.trim())
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting for the assessment.
    Submitted,
    /// Scored; waiting for the decision.
    Assessed,
    /// Accepted: its cost is committed from the pool.
    Accepted,
    /// Refused with a reason (too few points, no money left, not a local initiative…).
    Refused,
    /// The agreement with the applicants is signed.
    Agreed,
    /// Done, with its public report.
    Realised,
}

impl Status {
    pub const ALL: [Self; 6] = [
        Self::Submitted,
        Self::Assessed,
        Self::Accepted,
        Self::Refused,
        Self::Agreed,
        Self::Realised,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Assessed => "assessed",
            Self::Accepted => "accepted",
            Self::Refused => "refused",
            Self::Agreed => "agreed",
            Self::Realised => "realised",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    /// Shown to everyone (an application under assessment only to its applicants and staff).
    pub fn public(self) -> bool {
        matches!(self, Self::Accepted | Self::Agreed | Self::Realised)
    }

    /// The statuses a step may start from (the transition table).
    pub fn before(action: Action) -> &'static [Status] {
        match action {
            Action::Apply => &[],
            Action::Assess => &[Status::Submitted, Status::Assessed],
            Action::Accept => &[Status::Assessed],
            Action::Refuse => &[Status::Submitted, Status::Assessed],
            Action::Agree => &[Status::Accepted],
            Action::Report => &[Status::Agreed],
        }
    }
}

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Apply,
    Assess,
    Accept,
    Refuse,
    /// Record the signed agreement.
    Agree,
    /// Record the realisation and its public report.
    Report,
}

/// Why an action is refused (`error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    SignIn,
    Forbidden,
    /// Not in a status the step starts from.
    Status,
    /// Fewer than 60 points.
    TooFewPoints,
    /// The year's pool cannot cover the cost.
    PoolExhausted,
    /// No pool for that year.
    NoPool,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "initiative_sign_in",
            Self::Forbidden => "initiative_forbidden",
            Self::Status => "initiative_status",
            Self::TooFewPoints => "initiative_too_few_points",
            Self::PoolExhausted => "initiative_pool_exhausted",
            Self::NoPool => "initiative_no_pool",
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

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserId>,
    pub role: Option<Role>,
}

/// The one rule: may `actor` do `action` to an application in `status` (none: a new one)?
pub fn may(actor: &Actor, action: Action, status: Option<Status>) -> Result<(), Refusal> {
    if actor.user.is_none() {
        return Err(Refusal::SignIn);
    }
    if action != Action::Apply
        && !actor
            .role
            .is_some_and(|r| r.can(Permission::ManageInitiatives))
    {
        return Err(Refusal::Forbidden);
    }
    match status {
        None if action == Action::Apply => Ok(()),
        Some(s) if Status::before(action).contains(&s) => Ok(()),
        _ => Err(Refusal::Status),
    }
}

/// An assessment's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub usefulness: u32,
    pub contribution: u32,
    pub extra: u32,
}

impl Score {
    pub fn total(self) -> u32 {
        self.usefulness + self.contribution + self.extra
    }

    /// 60 of 100 points are needed.
    pub fn passes(self) -> bool {
        self.total() >= PASS
    }
}

/// Points as typed: each within its maximum; (field, error) for each problem.
pub fn check_score(
    usefulness: &str,
    contribution: &str,
    extra: &str,
) -> Result<Score, Vec<(&'static str, FieldError)>> {
    let mut problems = Vec::new();
    let mut read = |field: &'static str, raw: &str, max: u32| match raw.trim().parse::<u32>() {
        Ok(n) if n <= max => Some(n),
        _ => {
            problems.push((
                field,
                if raw.trim().is_empty() {
                    FieldError::Required
                } else {
                    FieldError::NumberInvalid
                },
            ));
            None
        }
    };
    let u = read("usefulness", usefulness, USEFULNESS_MAX);
    let c = read("contribution", contribution, CONTRIBUTION_MAX);
    let e = read("extra", extra, EXTRA_MAX);
    match (u, c, e) {
        (Some(usefulness), Some(contribution), Some(extra)) => Ok(Score {
            usefulness,
            contribution,
            extra,
        }),
        _ => Err(problems),
    }
}

/// The city's cost as typed (the budget's reading of money: "12 345,50", "800 zł") → grosze;
/// required, above zero and at most [`COST_MAX`].
pub fn check_cost(raw: &str) -> Result<i64, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::Required);
    }
    match crate::budget::parse_amount(raw) {
        Some(g) if g > 0 && g <= COST_MAX => Ok(g),
        _ => Err(FieldError::NumberInvalid),
    }
}

/// The first day an initiative may start when applied for on `today` (8 weeks on).
pub fn earliest_start(today: NaiveDate) -> NaiveDate {
    today + chrono::Duration::weeks(LEAD_WEEKS)
}

/// The start and end as typed: the start at least 8 weeks after `today`, the end not before it
/// and within a year.
pub fn check_dates(
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), Vec<(&'static str, FieldError)>> {
    let mut problems = Vec::new();
    match starts {
        None => problems.push(("starts", FieldError::DateInvalid)),
        Some(s) if s < earliest_start(today) => problems.push(("starts", FieldError::DatePast)),
        _ => {}
    }
    match (starts, ends) {
        (_, None) => problems.push(("ends", FieldError::DateInvalid)),
        (Some(s), Some(e)) if e < s || e > s + chrono::Duration::days(366) => {
            problems.push(("ends", FieldError::DateOrder));
        }
        _ => {}
    }
    match (starts, ends) {
        (Some(s), Some(e)) if problems.is_empty() => Ok((s, e)),
        _ => Err(problems),
    }
}

/// Applied for by residents: at least two names, one per line.
pub fn check_applicants(raw: &str, organisation: bool) -> Result<Vec<String>, FieldError> {
    let names: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(FieldError::Required);
    }
    if !organisation && names.len() < 2 {
        return Err(FieldError::TooShort);
    }
    if names.iter().any(|n| n.chars().count() > TITLE_MAX) || names.len() > 50 {
        return Err(FieldError::TooLong);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn sixty_points_of_a_hundred_pass() {
        let s = check_score("30", "25", "5").unwrap_or(Score {
            usefulness: 0,
            contribution: 0,
            extra: 0,
        });
        assert_eq!(s.total(), 60);
        assert!(s.passes());
        let s = Score {
            usefulness: 45,
            contribution: 14,
            extra: 0,
        };
        assert!(!s.passes());
        let problems = check_score("46", "", "x").err().unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["usefulness", "contribution", "extra"]);
    }

    #[test]
    fn costs_are_positive_and_bounded() {
        assert_eq!(check_cost("12 345,50"), Ok(1_234_550));
        assert_eq!(check_cost("800 zł"), Ok(80_000));
        assert_eq!(check_cost(""), Err(FieldError::Required));
        assert_eq!(check_cost("0"), Err(FieldError::NumberInvalid));
        assert_eq!(check_cost("-5"), Err(FieldError::NumberInvalid));
        assert_eq!(check_cost("99999999999"), Err(FieldError::NumberInvalid));
    }

    #[test]
    fn an_initiative_starts_eight_weeks_ahead_at_the_earliest() {
        let today = d("2027-03-01");
        assert_eq!(earliest_start(today), d("2027-04-26"));
        assert!(check_dates(Some(d("2027-04-25")), Some(d("2027-05-01")), today).is_err());
        assert_eq!(
            check_dates(Some(d("2027-04-26")), Some(d("2027-04-26")), today),
            Ok((d("2027-04-26"), d("2027-04-26")))
        );
        assert!(check_dates(Some(d("2027-05-02")), Some(d("2027-05-01")), today).is_err());
    }

    #[test]
    fn residents_apply_in_twos_organisations_alone() {
        assert_eq!(
            check_applicants("Anna Nowak", false),
            Err(FieldError::TooShort)
        );
        assert_eq!(
            check_applicants("Anna Nowak\n\nJan Kowalski\n", false).map(|v| v.len()),
            Ok(2)
        );
        assert_eq!(
            check_applicants("Fundacja Zielona", true).map(|v| v.len()),
            Ok(1)
        );
    }

    #[test]
    fn the_steps_follow_the_transition_table() {
        let resident = Actor {
            user: Some(UserId(uuid::Uuid::nil())),
            role: Some(Role::Resident),
        };
        let official = Actor {
            user: Some(UserId(uuid::Uuid::nil())),
            role: Some(Role::Official),
        };
        assert_eq!(may(&resident, Action::Apply, None), Ok(()));
        assert_eq!(
            may(&resident, Action::Assess, Some(Status::Submitted)),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            may(&official, Action::Assess, Some(Status::Submitted)),
            Ok(())
        );
        assert_eq!(
            may(&official, Action::Accept, Some(Status::Submitted)),
            Err(Refusal::Status)
        );
        assert_eq!(
            may(&official, Action::Accept, Some(Status::Assessed)),
            Ok(())
        );
        assert_eq!(
            may(&official, Action::Report, Some(Status::Accepted)),
            Err(Refusal::Status)
        );
        assert_eq!(may(&official, Action::Report, Some(Status::Agreed)), Ok(()));
    }
}
