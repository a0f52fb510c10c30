//! Contact-centre reports: problems and ideas, their statuses exactly as the city publishes
//! them (`domain.md` §1.1), the one rule of which status may follow which, tracking numbers,
//! and the parsed pieces of a report.

pub mod intake;
pub mod replies;

use crate::FieldError;
use crate::reference::ReportKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A report's status. Problems and ideas share some statuses and each has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Just received (*nowe*).
    New,
    /// *problem w analizie* / *w analizie*.
    UnderAnalysis,
    /// *w trakcie rozwiązywania* (problems).
    BeingSolved,
    /// *problem rozwiązany* (problems).
    Solved,
    /// *nie wykryto problemu* (problems).
    NotFound,
    /// *poza kompetencjami miasta*.
    OutsideCompetence,
    /// *bezzasadny* / *pomysł bezzasadny*.
    Unfounded,
    /// *oczekiwanie na środki finansowe*.
    AwaitingFunding,
    /// *w trakcie realizacji* (ideas).
    BeingImplemented,
    /// *zrealizowane* (ideas).
    Implemented,
    /// *tymczasowe rozwiązanie* (ideas).
    TemporarySolution,
}

use Status::*;

const PROBLEM_STATUSES: [Status; 8] = [
    New,
    UnderAnalysis,
    BeingSolved,
    Solved,
    NotFound,
    OutsideCompetence,
    Unfounded,
    AwaitingFunding,
];

const IDEA_STATUSES: [Status; 8] = [
    New,
    UnderAnalysis,
    BeingImplemented,
    Implemented,
    TemporarySolution,
    Unfounded,
    AwaitingFunding,
    OutsideCompetence,
];

impl Status {
    pub const ALL: [Status; 11] = [
        New,
        UnderAnalysis,
        BeingSolved,
        Solved,
        NotFound,
        OutsideCompetence,
        Unfounded,
        AwaitingFunding,
        BeingImplemented,
        Implemented,
        TemporarySolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            New => "new",
            UnderAnalysis => "under_analysis",
            BeingSolved => "being_solved",
            Solved => "solved",
            NotFound => "not_found",
            OutsideCompetence => "outside_competence",
            Unfounded => "unfounded",
            AwaitingFunding => "awaiting_funding",
            BeingImplemented => "being_implemented",
            Implemented => "implemented",
            TemporarySolution => "temporary_solution",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or(FieldError::StatusUnknown)
    }

    /// The statuses a report of `kind` can have, in the city's order.
    pub fn for_kind(kind: ReportKind) -> &'static [Status] {
        match kind {
            ReportKind::Problem => &PROBLEM_STATUSES,
            ReportKind::Idea => &IDEA_STATUSES,
        }
    }

    pub fn applies_to(self, kind: ReportKind) -> bool {
        Self::for_kind(kind).contains(&self)
    }

    /// An outcome: the report is closed (its resolution time stops here).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Solved | NotFound | OutsideCompetence | Unfounded | Implemented | TemporarySolution
        )
    }

    /// Counted as "ends with action by city services" (solved or being solved, implemented or
    /// being implemented), the city's headline share.
    pub fn is_acted_on(self) -> bool {
        matches!(self, Solved | BeingSolved | Implemented | BeingImplemented)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("this status does not apply to this kind of report")]
    NotForKind,
    #[error("the report already has this status")]
    Unchanged,
    #[error("this status cannot follow the current one")]
    Forbidden,
}

impl TransitionError {
    pub const ALL: [TransitionError; 3] = [Self::NotForKind, Self::Unchanged, Self::Forbidden];

    pub fn code(self) -> &'static str {
        match self {
            Self::NotForKind => "status_not_for_kind",
            Self::Unchanged => "status_unchanged",
            Self::Forbidden => "status_transition_forbidden",
        }
    }
}

/// The statuses that may follow `from` for a report of `kind`.
///
/// The work flows new → under analysis → being solved/implemented → an outcome; funding can
/// stall it at any open point; an outcome can be reached straight from an open status (a
/// burnt-out lamp is fixed the same day); a closed report can be reopened for analysis; a
/// temporary solution can still be followed by the real one. Nothing returns to "new".
pub fn next_statuses(kind: ReportKind, from: Status) -> &'static [Status] {
    match (kind, from) {
        (ReportKind::Problem, New) => &[
            UnderAnalysis,
            BeingSolved,
            AwaitingFunding,
            Solved,
            NotFound,
            OutsideCompetence,
            Unfounded,
        ],
        (ReportKind::Problem, UnderAnalysis) => &[
            BeingSolved,
            AwaitingFunding,
            Solved,
            NotFound,
            OutsideCompetence,
            Unfounded,
        ],
        (ReportKind::Problem, BeingSolved) => &[Solved, AwaitingFunding, UnderAnalysis],
        (ReportKind::Problem, AwaitingFunding) => {
            &[BeingSolved, UnderAnalysis, Solved, OutsideCompetence]
        }
        (ReportKind::Problem, Solved | NotFound | OutsideCompetence | Unfounded) => {
            &[UnderAnalysis]
        }
        (ReportKind::Idea, New) => &[
            UnderAnalysis,
            BeingImplemented,
            AwaitingFunding,
            Implemented,
            TemporarySolution,
            Unfounded,
            OutsideCompetence,
        ],
        (ReportKind::Idea, UnderAnalysis) => &[
            BeingImplemented,
            AwaitingFunding,
            Implemented,
            TemporarySolution,
            Unfounded,
            OutsideCompetence,
        ],
        (ReportKind::Idea, BeingImplemented) => &[
            Implemented,
            TemporarySolution,
            AwaitingFunding,
            UnderAnalysis,
        ],
        (ReportKind::Idea, AwaitingFunding) => &[
            BeingImplemented,
            UnderAnalysis,
            TemporarySolution,
            Implemented,
            OutsideCompetence,
        ],
        (ReportKind::Idea, TemporarySolution) => &[BeingImplemented, Implemented, UnderAnalysis],
        (ReportKind::Idea, Implemented | Unfounded | OutsideCompetence) => &[UnderAnalysis],
        _ => &[],
    }
}

/// Whether a report of `kind` may go from `from` to `to`.
pub fn check_transition(kind: ReportKind, from: Status, to: Status) -> Result<(), TransitionError> {
    if !to.applies_to(kind) || !from.applies_to(kind) {
        return Err(TransitionError::NotForKind);
    }
    if from == to {
        return Err(TransitionError::Unchanged);
    }
    if next_statuses(kind, from).contains(&to) {
        Ok(())
    } else {
        Err(TransitionError::Forbidden)
    }
}

/// The number residents quote: `2026/001234` (year / sequence within the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrackingNumber {
    pub year: i32,
    pub seq: u32,
}

impl TrackingNumber {
    /// Reads `2026/001234`, `2026/1234`, `2026-001234` (what people type or say on the phone).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let (year, seq) = raw
            .split_once(['/', '-', ' '])
            .ok_or(FieldError::TrackingNumberInvalid)?;
        Self::from_parts(year.trim(), seq.trim())
    }

    /// Reads the two path segments of `/reports/{year}/{number}`.
    pub fn from_parts(year: &str, seq: &str) -> Result<Self, FieldError> {
        let year: i32 = year
            .parse()
            .map_err(|_| FieldError::TrackingNumberInvalid)?;
        let seq: u32 = seq.parse().map_err(|_| FieldError::TrackingNumberInvalid)?;
        if !(2000..=9999).contains(&year) || seq == 0 {
            return Err(FieldError::TrackingNumberInvalid);
        }
        Ok(Self { year, seq })
    }

    /// The public page of the report.
    pub fn path(self) -> String {
        format!("/reports/{}/{}", self.year, self.seq)
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:06}", self.year, self.seq)
    }
}

/// How a report reached the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    /// The mobile app or another client of the APIs.
    Api,
    Phone,
    Email,
    Counter,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Api,
        Channel::Phone,
        Channel::Email,
        Channel::Counter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Counter => "counter",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == raw.trim())
            .ok_or(FieldError::ChannelUnknown)
    }
}

/// What the resident wrote: 10 to 5,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 5000;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = crate::required_text(raw, Self::MAX_CHARS)?;
        if text.chars().count() < Self::MIN_CHARS {
            return Err(FieldError::TooShort);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A telephone number, normalised to international form: Polish numbers given as nine digits
/// become `+48…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::Required);
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        {
            return Err(FieldError::PhoneInvalid);
        }
        let plus = raw.starts_with('+') || raw.starts_with("00");
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.strip_prefix("00").map_or(digits.as_str(), |d| d);
        let normalised = match (plus, digits.len()) {
            (false, 9) => format!("+48{digits}"),
            (false, 11) if digits.starts_with("48") => format!("+{digits}"),
            (true, 8..=15) => format!("+{digits}"),
            _ => return Err(FieldError::PhoneInvalid),
        };
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How to reach the person who reported, as they gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<crate::Email>,
    pub phone: Option<Phone>,
    /// They agreed to be contacted about this report.
    pub consent: bool,
}

/// Where the matter is: a point, an address as typed, a district — at least one of the first
/// two, and the district whenever it can be known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    pub point: Option<crate::geo::Point>,
    pub address: Option<String>,
    /// A reference into the city's address register, as an API client sent it.
    pub address_id: Option<String>,
    pub district: Option<crate::DistrictId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_the_citys_eight_statuses() {
        assert_eq!(Status::for_kind(ReportKind::Problem).len(), 8);
        assert_eq!(Status::for_kind(ReportKind::Idea).len(), 8);
        assert!(NotFound.applies_to(ReportKind::Problem) && !NotFound.applies_to(ReportKind::Idea));
        assert!(
            TemporarySolution.applies_to(ReportKind::Idea)
                && !TemporarySolution.applies_to(ReportKind::Problem)
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
        assert_eq!(Status::parse("closed"), Err(FieldError::StatusUnknown));
    }

    #[test]
    fn every_transition_is_decided_by_the_table() {
        for kind in ReportKind::ALL {
            for &from in Status::for_kind(kind) {
                for to in Status::ALL {
                    let result = check_transition(kind, from, to);
                    let expected = if !to.applies_to(kind) {
                        Err(TransitionError::NotForKind)
                    } else if from == to {
                        Err(TransitionError::Unchanged)
                    } else if next_statuses(kind, from).contains(&to) {
                        Ok(())
                    } else {
                        Err(TransitionError::Forbidden)
                    };
                    assert_eq!(result, expected, "{kind:?}: {from} → {to}");
                }
            }
        }
    }

    #[test]
    fn the_table_keeps_each_kind_within_its_own_statuses_and_never_returns_to_new() {
        for kind in ReportKind::ALL {
            for &from in Status::for_kind(kind) {
                let next = next_statuses(kind, from);
                assert!(!next.is_empty(), "{kind:?} {from} is a dead end");
                for to in next {
                    assert!(to.applies_to(kind), "{kind:?}: {from} → {to}");
                    assert_ne!(*to, New);
                    assert_ne!(*to, from);
                }
            }
        }
    }

    #[test]
    fn every_status_is_reachable_from_new() {
        for kind in ReportKind::ALL {
            let mut seen = vec![New];
            let mut frontier = vec![New];
            while let Some(s) = frontier.pop() {
                for &next in next_statuses(kind, s) {
                    if !seen.contains(&next) {
                        seen.push(next);
                        frontier.push(next);
                    }
                }
            }
            for s in Status::for_kind(kind) {
                assert!(seen.contains(s), "{kind:?}: {s} unreachable");
            }
        }
    }

    #[test]
    fn typical_paths_are_allowed_and_odd_ones_refused() {
        use ReportKind::*;
        assert_eq!(check_transition(Problem, New, Solved), Ok(()));
        assert_eq!(check_transition(Problem, BeingSolved, Solved), Ok(()));
        assert_eq!(
            check_transition(Problem, Solved, UnderAnalysis),
            Ok(()),
            "reopening"
        );
        assert_eq!(
            check_transition(Problem, Solved, BeingSolved),
            Err(TransitionError::Forbidden)
        );
        assert_eq!(
            check_transition(Problem, BeingSolved, NotFound),
            Err(TransitionError::Forbidden)
        );
        assert_eq!(
            check_transition(Problem, New, Implemented),
            Err(TransitionError::NotForKind)
        );
        assert_eq!(
            check_transition(Idea, TemporarySolution, Implemented),
            Ok(())
        );
        assert_eq!(
            check_transition(Idea, UnderAnalysis, UnderAnalysis),
            Err(TransitionError::Unchanged)
        );
        assert_eq!(
            check_transition(Idea, Implemented, New),
            Err(TransitionError::Forbidden)
        );
    }

    #[test]
    fn closed_and_acted_on_match_the_citys_definitions() {
        let closed: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_closed()).collect();
        assert_eq!(
            closed,
            [
                Solved,
                NotFound,
                OutsideCompetence,
                Unfounded,
                Implemented,
                TemporarySolution
            ]
        );
        let acted: Vec<_> = Status::ALL
            .into_iter()
            .filter(|s| s.is_acted_on())
            .collect();
        assert_eq!(acted, [BeingSolved, Solved, BeingImplemented, Implemented]);
    }

    #[test]
    fn tracking_numbers_print_and_parse_as_people_write_them() {
        let n = TrackingNumber {
            year: 2026,
            seq: 1234,
        };
        assert_eq!(n.to_string(), "2026/001234");
        assert_eq!(n.path(), "/reports/2026/1234");
        for raw in ["2026/001234", "2026/1234", " 2026-001234 ", "2026 1234"] {
            assert_eq!(TrackingNumber::parse(raw), Ok(n), "{raw}");
        }
        for bad in ["2026", "abc/12", "2026/0", "1999/5", "2026/x", "2026/-4"] {
            assert_eq!(
                TrackingNumber::parse(bad),
                Err(FieldError::TrackingNumberInvalid),
                "{bad}"
            );
        }
        assert_eq!(
            TrackingNumber {
                year: 2026,
                seq: 1_234_567
            }
            .to_string(),
            "2026/1234567"
        );
    }

    #[test]
    fn descriptions_need_some_substance() {
        assert_eq!(Description::parse("  dziura  "), Err(FieldError::TooShort));
        assert!(Description::parse("Dziura w jezdni przy przystanku").is_ok());
        assert_eq!(
            Description::parse(&"x".repeat(5001)),
            Err(FieldError::TooLong)
        );
        assert_eq!(Description::parse(""), Err(FieldError::Required));
    }

    #[test]
    fn phone_numbers_are_normalised() {
        assert_eq!(
            Phone::parse("12 616 55 55").unwrap().as_str(),
            "+48126165555"
        );
        assert_eq!(
            Phone::parse("+48 600-100-200").unwrap().as_str(),
            "+48600100200"
        );
        assert_eq!(
            Phone::parse("48600100200").unwrap().as_str(),
            "+48600100200"
        );
        assert_eq!(
            Phone::parse("0049 30 1234567").unwrap().as_str(),
            "+49301234567"
        );
        for bad in ["600 100", "abc", "+1", "600100200600100200"] {
            assert_eq!(Phone::parse(bad), Err(FieldError::PhoneInvalid), "{bad}");
        }
    }

    #[test]
    fn channels_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(c));
        }
        assert!(Channel::parse("fax").is_err());
    }
}
