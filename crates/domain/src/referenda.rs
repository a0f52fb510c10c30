//! District referenda (issue 18; `domain.md` §1.5): residents of one district decide one or
//! more questions by a secret vote with the citizens' budget's guarantees — one ballot per
//! person (keyed identity hashes, [`crate::vote::VoterKeys`]), ballots sealed to the
//! referendum's key when cast ([`crate::vote::BallotKey::seal`]) and opened only by the
//! commission's key shares after the voting window, paper sheets typed twice.
//!
//! The life of a referendum: an official prepares a **draft** (or an accepted request with
//! signatures creates one); **announcing** it fixes its questions, window and commission (the
//! ballot key is made then, its private half split among the commission); the **information**
//! campaign runs until voting opens; residents **vote** online or on paper during the window;
//! when it has **closed** the commission opens the envelopes, and the results are **counted**
//! and public at once — per question, with turnout and whether the referendum is valid by the
//! referendum's own rule (none, or a minimum turnout against the electorate an official
//! entered: the law sets none for district referenda, so nothing is hard-coded).
//!
//! [`may`] is the one answer to "may this actor do this now?"; the store repeats the state
//! part of it in its conditional writes.

use crate::accounts::{Permission, Role};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub const TITLE_MAX: usize = 200;
/// The information campaign's text.
pub const DESCRIPTION_MAX: usize = 20_000;
pub const QUESTION_MAX: usize = 500;
pub const OPTION_MAX: usize = 200;
/// Questions on one ballot.
pub const QUESTIONS_MAX: usize = 5;
/// Options of a choice question.
pub const OPTIONS_MAX: usize = 10;
/// The largest electorate an official may enter.
pub const ELECTORATE_MAX: u32 = 5_000_000;

/// One question on the ballot: yes/no (no options stored) or a choice among options.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub id: Uuid,
    pub text: String,
    /// Empty: a yes/no question (answer 0 is yes, 1 is no).
    #[serde(default)]
    pub options: Vec<String>,
}

impl Question {
    pub fn is_yes_no(&self) -> bool {
        self.options.is_empty()
    }

    /// How many answers the question has.
    pub fn choices(&self) -> usize {
        if self.is_yes_no() {
            2
        } else {
            self.options.len()
        }
    }
}

/// Reads the questions as an official typed them: one block per question, separated by a
/// blank line; the first line is the question, any further lines its options (two at least).
/// A block of one line is a yes/no question.
pub fn parse_questions(raw: &str) -> Result<Vec<Question>, FieldError> {
    let mut questions = Vec::new();
    for block in raw.replace("\r\n", "\n").split("\n\n") {
        let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(text) = lines.next() else { continue };
        let options: Vec<String> = lines
            .map(|l| l.trim_start_matches(['-', '*', '•']).trim().to_owned())
            .collect();
        if text.chars().count() > QUESTION_MAX
            || options
                .iter()
                .any(|o| o.chars().count() > OPTION_MAX || o.is_empty())
        {
            return Err(FieldError::TooLong);
        }
        if options.len() == 1 || options.len() > OPTIONS_MAX {
            return Err(FieldError::QuestionsFormat);
        }
        questions.push(Question {
            id: Uuid::new_v4(),
            text: text.to_owned(),
            options,
        });
    }
    match questions.len() {
        0 => Err(FieldError::Required),
        n if n > QUESTIONS_MAX => Err(FieldError::QuestionsFormat),
        _ => Ok(questions),
    }
}

/// The questions written back as [`parse_questions`] reads them (to edit a draft).
pub fn questions_text(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let mut block = q.text.clone();
            for o in &q.options {
                block.push('\n');
                block.push_str(o);
            }
            block
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// When a referendum is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Valid whatever the turnout (the law sets no threshold for district referenda).
    Always,
    /// Valid when at least this per cent of the entered electorate voted.
    MinTurnout(u32),
}

impl Validity {
    pub fn from_parts(percent: Option<u32>) -> Self {
        percent.map_or(Self::Always, Self::MinTurnout)
    }

    pub fn percent(self) -> Option<u32> {
        match self {
            Self::Always => None,
            Self::MinTurnout(p) => Some(p),
        }
    }

    /// Whether `ballots` make the referendum valid; None when the rule needs the electorate
    /// and nobody entered it.
    pub fn holds(self, ballots: u64, electorate: Option<u32>) -> Option<bool> {
        match self {
            Self::Always => Some(true),
            Self::MinTurnout(p) => {
                let e = u64::from(electorate?);
                Some(ballots * 100 >= e * u64::from(p))
            }
        }
    }
}

/// Turnout in per cent with one decimal, when the electorate is known.
pub fn turnout_percent(ballots: u64, electorate: Option<u32>) -> Option<f64> {
    let e = electorate.filter(|e| *e > 0)?;
    Some((ballots as f64 * 1000.0 / f64::from(e)).round() / 10.0)
}

/// The stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Announced,
    Counted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Announced => "announced",
            Self::Counted => "counted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Draft, Self::Announced, Self::Counted]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Where a referendum is, from its status and the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Draft,
    /// Announced; the information campaign runs until voting opens.
    Information,
    Voting,
    /// The window has closed; the envelopes wait for the commission.
    Closed,
    /// Opened and counted: the results are public.
    Counted,
}

impl Phase {
    pub fn of(status: Status, window: Window, now: DateTime<Utc>) -> Self {
        match status {
            Status::Draft => Self::Draft,
            Status::Counted => Self::Counted,
            Status::Announced if now < window.opens => Self::Information,
            Status::Announced if now < window.closes => Self::Voting,
            Status::Announced => Self::Closed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Information => "information",
            Self::Voting => "voting",
            Self::Closed => "closed",
            Self::Counted => "counted",
        }
    }

    /// Seen by the public (a draft only by staff).
    pub fn is_public(self) -> bool {
        self != Self::Draft
    }
}

/// The voting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

impl Window {
    /// Voting opens before it closes, and (when announcing) after `now`: the information
    /// campaign needs its time.
    pub fn check(self, now: DateTime<Utc>) -> Result<(), Refusal> {
        if self.closes <= self.opens {
            return Err(Refusal::Window);
        }
        if self.opens <= now {
            return Err(Refusal::WindowPast);
        }
        Ok(())
    }
}

/// Things one may do with a referendum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Change a draft.
    Edit,
    /// Fix the draft and make the ballot key.
    Announce,
    /// Cast a ballot online.
    Vote,
    /// Type in a paper sheet (during voting and after it until the envelopes are opened).
    KeyPaper,
    /// A commission member collects their share.
    CollectShare,
    /// Open the envelopes with the shares and count.
    Open,
}

impl Action {
    /// The phases in which the action may be taken.
    pub fn phases(self) -> &'static [Phase] {
        match self {
            Self::Edit | Self::Announce => &[Phase::Draft],
            Self::Vote => &[Phase::Voting],
            Self::KeyPaper => &[Phase::Voting, Phase::Closed],
            Self::CollectShare => &[Phase::Information, Phase::Voting, Phase::Closed],
            Self::Open => &[Phase::Closed],
        }
    }
}

/// Why something is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    SignIn,
    Forbidden,
    /// Not in a phase the action belongs to.
    Phase,
    /// Voting must close after it opens.
    Window,
    /// Voting must open in the future.
    WindowPast,
    /// The district has had its referenda for that year.
    YearTaken,
    /// The validity rule needs the electorate.
    NoElectorate,
    /// The commission: at least one member, a threshold between 1 and their number.
    Commission,
    /// Voted already (this person or this account).
    AlreadyVoted,
    /// The address is in another district.
    OutsideDistrict,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "referendum_sign_in",
            Self::Forbidden => "referendum_forbidden",
            Self::Phase => "referendum_phase",
            Self::Window => "referendum_window",
            Self::WindowPast => "referendum_window_past",
            Self::YearTaken => "referendum_year_taken",
            Self::NoElectorate => "referendum_no_electorate",
            Self::Commission => "referendum_commission",
            Self::AlreadyVoted => "referendum_already_voted",
            Self::OutsideDistrict => "referendum_outside_district",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            Self::SignIn => 401,
            Self::Forbidden => 403,
            Self::Window | Self::WindowPast | Self::NoElectorate | Self::Commission => 422,
            Self::OutsideDistrict => 422,
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

/// The one rule: may `actor` do `action` to a referendum in `phase`? Voting needs an account;
/// paper sheets need the voting points' permission; everything else is an official's, except
/// collecting a share (the store checks the share is the member's own).
pub fn may(actor: &Actor, action: Action, phase: Phase) -> Result<(), Refusal> {
    if actor.user.is_none() {
        return Err(Refusal::SignIn);
    }
    let permission = match action {
        Action::Vote | Action::CollectShare => None,
        Action::KeyPaper => Some(Permission::KeyPaperBallots),
        Action::Edit | Action::Announce | Action::Open => Some(Permission::ManageReferenda),
    };
    if let Some(p) = permission
        && !actor.role.is_some_and(|r| r.can(p))
    {
        return Err(Refusal::Forbidden);
    }
    if action.phases().contains(&phase) {
        Ok(())
    } else {
        Err(Refusal::Phase)
    }
}

/// The answers on one ballot, one per question in order: `None` left blank (the ballot still
/// counts in the turnout). Err names the first question whose answer is not one of its own.
pub fn check_answers(
    questions: &[Question],
    answers: &[Option<u16>],
) -> Result<Vec<(Uuid, u16)>, usize> {
    if answers.len() != questions.len() {
        return Err(answers.len().min(questions.len()));
    }
    let mut marks = Vec::new();
    for (i, (q, a)) in questions.iter().zip(answers).enumerate() {
        if let Some(a) = a {
            if usize::from(*a) >= q.choices() {
                return Err(i);
            }
            marks.push((q.id, *a));
        }
    }
    Ok(marks)
}

/// One question's count: votes per answer in order, and ballots that left it blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionResult {
    pub votes: Vec<u64>,
    pub blank: u64,
}

impl QuestionResult {
    /// The answer with the most votes, None on a tie at the top or when nobody answered.
    pub fn winner(&self) -> Option<usize> {
        let max = *self.votes.iter().max()?;
        if max == 0 || self.votes.iter().filter(|v| **v == max).count() > 1 {
            return None;
        }
        self.votes.iter().position(|v| *v == max)
    }
}

/// Counts ballots (each a list of (question, answer) marks) per question.
pub fn count(questions: &[Question], ballots: &[Vec<(Uuid, u16)>]) -> Vec<QuestionResult> {
    questions
        .iter()
        .map(|q| {
            let mut r = QuestionResult {
                votes: vec![0; q.choices()],
                blank: 0,
            };
            for ballot in ballots {
                match ballot.iter().find(|(id, _)| *id == q.id) {
                    Some((_, a)) if usize::from(*a) < r.votes.len() => {
                        r.votes[usize::from(*a)] += 1;
                    }
                    _ => r.blank += 1,
                }
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn questions_are_read_by_blocks() {
        let q = parse_questions("Czy park?\n\nKtóry plac?\n- Plac A\n- Plac B\n").unwrap();
        assert_eq!(q.len(), 2);
        assert!(q[0].is_yes_no());
        assert_eq!(q[1].options, ["Plac A", "Plac B"]);
        assert_eq!(parse_questions("  \n"), Err(FieldError::Required));
        assert_eq!(
            parse_questions("Q?\nonly one"),
            Err(FieldError::QuestionsFormat)
        );
        let back = parse_questions(&questions_text(&q)).unwrap();
        assert_eq!(back[1].options, q[1].options);
    }

    #[test]
    fn phases_follow_the_clock() {
        let w = Window {
            opens: t(8),
            closes: t(20),
        };
        assert_eq!(Phase::of(Status::Announced, w, t(7)), Phase::Information);
        assert_eq!(Phase::of(Status::Announced, w, t(8)), Phase::Voting);
        assert_eq!(Phase::of(Status::Announced, w, t(20)), Phase::Closed);
        assert_eq!(Phase::of(Status::Counted, w, t(7)), Phase::Counted);
        assert_eq!(w.check(t(9)), Err(Refusal::WindowPast));
        assert_eq!(
            Window {
                opens: t(9),
                closes: t(9)
            }
            .check(t(1)),
            Err(Refusal::Window)
        );
    }

    #[test]
    fn the_rulebook_answers() {
        let resident = Actor {
            user: Some(UserId(Uuid::nil())),
            role: Some(Role::Resident),
        };
        let official = Actor {
            role: Some(Role::Official),
            ..resident
        };
        assert_eq!(may(&resident, Action::Vote, Phase::Voting), Ok(()));
        assert_eq!(
            may(&resident, Action::Vote, Phase::Closed),
            Err(Refusal::Phase)
        );
        assert_eq!(
            may(&resident, Action::Open, Phase::Closed),
            Err(Refusal::Forbidden)
        );
        assert_eq!(may(&official, Action::Open, Phase::Closed), Ok(()));
        assert_eq!(
            may(&official, Action::Open, Phase::Voting),
            Err(Refusal::Phase)
        );
        assert_eq!(
            may(
                &Actor {
                    user: None,
                    role: None
                },
                Action::Vote,
                Phase::Voting
            ),
            Err(Refusal::SignIn)
        );
    }

    #[test]
    fn answers_and_counts() {
        let q = parse_questions("A?\n\nB?\nx\ny\nz").unwrap();
        assert_eq!(check_answers(&q, &[Some(0), Some(3)]), Err(1));
        assert_eq!(check_answers(&q, &[Some(2), None]), Err(0));
        let a = check_answers(&q, &[Some(1), None]).unwrap();
        let b = check_answers(&q, &[Some(1), Some(2)]).unwrap();
        let r = count(&q, &[a, b]);
        assert_eq!(r[0].votes, [0, 2]);
        assert_eq!(r[0].winner(), Some(1));
        assert_eq!(r[1].votes, [0, 0, 1]);
        assert_eq!(r[1].blank, 1);
    }

    #[test]
    fn validity_is_the_referendums_own_rule() {
        assert_eq!(Validity::Always.holds(1, None), Some(true));
        assert_eq!(Validity::MinTurnout(30).holds(299, Some(1000)), Some(false));
        assert_eq!(Validity::MinTurnout(30).holds(300, Some(1000)), Some(true));
        assert_eq!(Validity::MinTurnout(30).holds(300, None), None);
        assert_eq!(turnout_percent(1, Some(3)), Some(33.3));
    }
}
