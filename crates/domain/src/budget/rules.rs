//! The edition's rulebook: project statuses and what may follow what, and the one function
//! that answers "may this actor do this action to this project now?" ([`may`]). Pages ask it
//! what to show, handlers ask it what to do, and the store enforces the same rules with
//! conditional writes; nothing else decides.
//!
//! The ballot freezes when voting opens: from then on projects, their costs and the ballot
//! rules cannot change. Voting and paper keying close when the count opens the envelopes;
//! results are public only once published, and a later correction is a new, reasoned count.

use super::Phase;
use crate::{Permission, Role, UnitId, UserId};

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// Submitted; being verified.
    Submitted,
    /// Taken back by its author.
    Withdrawn,
    /// On the ballot.
    Accepted,
    /// Not on the ballot (assessment negative, appeal dismissed or none made).
    Rejected,
}

impl ProjectStatus {
    pub const ALL: [Self; 4] = [
        Self::Submitted,
        Self::Withdrawn,
        Self::Accepted,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The statuses that may follow this one. Withdrawal is final.
    pub fn next(self) -> &'static [Self] {
        use ProjectStatus::*;
        match self {
            Submitted => &[Accepted, Rejected, Withdrawn],
            Accepted => &[Rejected, Withdrawn],
            Rejected => &[Accepted, Withdrawn],
            Withdrawn => &[],
        }
    }

    /// The statuses from which a project can become `to`.
    pub fn from_which(to: Self) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|s| s.next().contains(&to))
            .collect()
    }
}

/// Whether a project may go from `from` to `to`.
pub fn check_status(from: ProjectStatus, to: ProjectStatus) -> Result<(), Refusal> {
    if from.next().contains(&to) {
        Ok(())
    } else {
        Err(Refusal::Status)
    }
}

/// Everything anyone does in an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A resident submits a project.
    Submit,
    /// Its author changes it.
    Edit,
    /// Its author takes it back.
    Withdraw,
    /// An official hands it to the unit that verifies it.
    Assign,
    /// The unit (or an official) records a formal or merit assessment.
    Assess,
    /// An assessment corrects the cost that goes on the ballot.
    ChangeCost,
    /// An official puts it on the ballot or leaves it off.
    Decide,
    /// Its author appeals against leaving it off.
    Appeal,
    /// An official decides the appeal.
    DecideAppeal,
    /// A resident votes online.
    Vote,
    /// Staff record the vote of a person at a city counter, after checking a document.
    CounterVote,
    /// Staff type in a paper sheet.
    KeyPaper,
    /// Officials open the envelopes with the commission's shares and count (or count again
    /// before publishing).
    Count,
    /// Officials make the results public.
    Publish,
    /// Officials correct published results: a new count, with the reason shown.
    Correct,
    /// Officials move the edition's dates.
    MoveSchedule,
    /// Officials record a funded project's delivery.
    RecordDelivery,
}

impl Action {
    pub const ALL: [Self; 17] = [
        Self::Submit,
        Self::Edit,
        Self::Withdraw,
        Self::Assign,
        Self::Assess,
        Self::ChangeCost,
        Self::Decide,
        Self::Appeal,
        Self::DecideAppeal,
        Self::Vote,
        Self::CounterVote,
        Self::KeyPaper,
        Self::Count,
        Self::Publish,
        Self::Correct,
        Self::MoveSchedule,
        Self::RecordDelivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Edit => "edit",
            Self::Withdraw => "withdraw",
            Self::Assign => "assign",
            Self::Assess => "assess",
            Self::ChangeCost => "change_cost",
            Self::Decide => "decide",
            Self::Appeal => "appeal",
            Self::DecideAppeal => "decide_appeal",
            Self::Vote => "vote",
            Self::CounterVote => "counter_vote",
            Self::KeyPaper => "key_paper",
            Self::Count => "count",
            Self::Publish => "publish",
            Self::Correct => "correct",
            Self::MoveSchedule => "move_schedule",
            Self::RecordDelivery => "record_delivery",
        }
    }

    /// Whether the action is done to one project (the others concern the edition).
    pub fn on_project(self) -> bool {
        matches!(
            self,
            Self::Edit
                | Self::Withdraw
                | Self::Assign
                | Self::Assess
                | Self::ChangeCost
                | Self::Decide
                | Self::Appeal
                | Self::DecideAppeal
                | Self::RecordDelivery
        )
    }

    /// The phases in which the action is open.
    pub fn phases(self) -> &'static [Phase] {
        use Phase::*;
        match self {
            Self::Submit | Self::Edit => &[Submission],
            Self::Withdraw => &[Submission, Verification, Appeals, BallotPreparation],
            Self::Assign | Self::Assess | Self::ChangeCost | Self::Decide => {
                &[Verification, Appeals, BallotPreparation]
            }
            Self::Appeal => &[Appeals],
            Self::DecideAppeal => &[Appeals, BallotPreparation],
            Self::Vote | Self::CounterVote => &[Voting],
            Self::KeyPaper => &[Voting, Counting],
            Self::Count | Self::Publish => &[Counting],
            Self::Correct | Self::RecordDelivery => &[Results],
            Self::MoveSchedule => &[
                Announced,
                Submission,
                Verification,
                Appeals,
                BallotPreparation,
                Voting,
                Counting,
            ],
        }
    }

    /// The permission an actor needs, beyond having an account. None: any account (the
    /// author's own actions are checked against the project).
    pub fn permission(self) -> Option<Permission> {
        match self {
            Self::Submit | Self::Edit | Self::Withdraw | Self::Appeal | Self::Vote => None,
            Self::Assess | Self::ChangeCost => Some(Permission::AssessBudgetProjects),
            Self::CounterVote | Self::KeyPaper => Some(Permission::KeyPaperBallots),
            Self::Assign
            | Self::Decide
            | Self::DecideAppeal
            | Self::Count
            | Self::Publish
            | Self::Correct
            | Self::MoveSchedule
            | Self::RecordDelivery => Some(Permission::ManageBudget),
        }
    }

    /// The statuses a project must have for the action (None: any, or not about a project).
    pub fn statuses(self) -> Option<&'static [ProjectStatus]> {
        use ProjectStatus::*;
        match self {
            Self::Edit => Some(&[Submitted]),
            Self::Withdraw | Self::Assign | Self::Assess | Self::ChangeCost | Self::Decide => {
                Some(&[Submitted, Accepted, Rejected])
            }
            Self::Appeal | Self::DecideAppeal => Some(&[Rejected]),
            Self::RecordDelivery => Some(&[Accepted]),
            _ => None,
        }
    }
}

/// Who acts: their account, role and unit (None for a visitor who has not signed in).
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

    pub fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|r| r.can(permission))
    }
}

/// The edition as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditionState {
    pub phase: Phase,
    /// The edition has a ballot key (every edition created since sealed ballots).
    pub sealed: bool,
    /// The count has opened the envelopes: no more ballots of any kind.
    pub opened: bool,
    /// The latest count includes every ballot.
    pub counted: bool,
}

/// Where an author's appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppealState {
    #[default]
    None,
    Pending,
    Decided,
}

/// A project as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectFacts {
    pub status: ProjectStatus,
    pub author: Option<UserId>,
    pub unit: Option<UnitId>,
    pub appeal: AppealState,
    /// Funded by the published count.
    pub funded: bool,
}

/// Why an action is refused: a stable code (`budget_<code>` in translations and pages) and an
/// honest HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// An account is needed.
    SignIn,
    /// The actor's role may not do this.
    Forbidden,
    /// Only the project's author may do this.
    NotAuthor,
    /// Unit staff act only on their own unit's projects.
    OtherUnit,
    /// Not in this phase of the edition.
    Phase,
    /// The edition has no ballot key (it was created before sealed ballots).
    NoKey,
    /// The count has opened the envelopes: ballots are closed.
    Opened,
    /// Not counted, or the latest count does not include every ballot.
    NotCounted,
    /// The project's status does not allow this.
    Status,
    /// There is no undecided appeal.
    NoAppeal,
    /// The author has appealed already.
    AppealFiled,
    /// The project was not funded.
    NotFunded,
    /// Someone else changed this first; the page is out of date.
    Stale,
}

impl Refusal {
    pub const ALL: [Self; 13] = [
        Self::SignIn,
        Self::Forbidden,
        Self::NotAuthor,
        Self::OtherUnit,
        Self::Phase,
        Self::NoKey,
        Self::Opened,
        Self::NotCounted,
        Self::Status,
        Self::NoAppeal,
        Self::AppealFiled,
        Self::NotFunded,
        Self::Stale,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "budget_sign_in",
            Self::Forbidden => "budget_forbidden",
            Self::NotAuthor => "budget_not_author",
            Self::OtherUnit => "budget_other_unit",
            Self::Phase => "budget_phase",
            Self::NoKey => "budget_no_key",
            Self::Opened => "budget_opened",
            Self::NotCounted => "budget_not_counted",
            Self::Status => "budget_status",
            Self::NoAppeal => "budget_no_appeal",
            Self::AppealFiled => "budget_appeal_filed",
            Self::NotFunded => "budget_not_funded",
            Self::Stale => "budget_stale",
        }
    }

    /// 401 to sign in, 403 for who may not, 409 for what may not happen now.
    pub fn http_status(self) -> u16 {
        match self {
            Self::SignIn => 401,
            Self::Forbidden | Self::NotAuthor | Self::OtherUnit => 403,
            _ => 409,
        }
    }
}

/// May `actor` do `action` now? `project` is the project acted on, for the actions that
/// concern one ([`Action::on_project`]). Checks go from who to when to what: account, role,
/// phase, the edition's state, the project's author or unit, its status, its appeal.
pub fn may(
    actor: &Actor,
    action: Action,
    edition: &EditionState,
    project: Option<&ProjectFacts>,
) -> Result<(), Refusal> {
    let user = actor.user.ok_or(Refusal::SignIn)?;
    if let Some(permission) = action.permission()
        && !actor.can(permission)
    {
        return Err(Refusal::Forbidden);
    }
    if !action.phases().contains(&edition.phase) {
        return Err(Refusal::Phase);
    }
    match action {
        Action::Vote | Action::CounterVote | Action::KeyPaper => {
            if !edition.sealed {
                return Err(Refusal::NoKey);
            }
            if edition.opened {
                return Err(Refusal::Opened);
            }
        }
        Action::Count if !edition.sealed && !edition.opened => return Err(Refusal::NoKey),
        Action::Publish if !edition.opened || !edition.counted => {
            return Err(Refusal::NotCounted);
        }
        Action::MoveSchedule if edition.opened => return Err(Refusal::Opened),
        _ => {}
    }
    let Some(p) = project else {
        return if action.on_project() {
            Err(Refusal::Status)
        } else {
            Ok(())
        };
    };
    match action {
        Action::Edit | Action::Withdraw | Action::Appeal if p.author != Some(user) => {
            return Err(Refusal::NotAuthor);
        }
        // Unit staff assess their own unit's projects; officials any.
        Action::Assess | Action::ChangeCost
            if !actor.can(Permission::ManageBudget)
                && (actor.unit.is_none() || p.unit != actor.unit) =>
        {
            return Err(Refusal::OtherUnit);
        }
        _ => {}
    }
    if let Some(statuses) = action.statuses()
        && !statuses.contains(&p.status)
    {
        return Err(Refusal::Status);
    }
    match action {
        Action::Appeal if p.appeal != AppealState::None => Err(Refusal::AppealFiled),
        Action::DecideAppeal if p.appeal != AppealState::Pending => Err(Refusal::NoAppeal),
        Action::RecordDelivery if !p.funded => Err(Refusal::NotFunded),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawal_is_final_and_every_status_is_reachable_from_submitted() {
        assert!(ProjectStatus::Withdrawn.next().is_empty());
        for s in ProjectStatus::ALL {
            assert!(!s.next().contains(&s), "{s:?} loops");
            assert!(!s.next().contains(&ProjectStatus::Submitted));
        }
        let mut seen = vec![ProjectStatus::Submitted];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next() {
                if !seen.contains(n) {
                    seen.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), ProjectStatus::ALL.len());
        assert_eq!(
            check_status(ProjectStatus::Withdrawn, ProjectStatus::Accepted),
            Err(Refusal::Status)
        );
        assert_eq!(
            ProjectStatus::from_which(ProjectStatus::Withdrawn),
            [
                ProjectStatus::Submitted,
                ProjectStatus::Accepted,
                ProjectStatus::Rejected
            ]
        );
    }

    fn state(phase: Phase) -> EditionState {
        EditionState {
            phase,
            sealed: true,
            opened: false,
            counted: false,
        }
    }

    fn someone(role: Role) -> Actor {
        Actor {
            user: Some(UserId::new()),
            role: Some(role),
            unit: (role == Role::UnitStaff).then(UnitId::new),
        }
    }

    fn project(status: ProjectStatus, author: Option<UserId>) -> ProjectFacts {
        ProjectFacts {
            status,
            author,
            unit: None,
            appeal: AppealState::None,
            funded: false,
        }
    }

    #[test]
    fn once_voting_opens_nothing_on_the_ballot_changes() {
        let official = someone(Role::Official);
        let p = project(ProjectStatus::Accepted, None);
        for phase in [Phase::Voting, Phase::Counting, Phase::Results] {
            for action in [
                Action::ChangeCost,
                Action::Assess,
                Action::Decide,
                Action::DecideAppeal,
                Action::Assign,
            ] {
                assert_eq!(
                    may(&official, action, &state(phase), Some(&p)),
                    Err(Refusal::Phase),
                    "{action:?} in {phase:?}"
                );
            }
        }
        assert_eq!(
            may(
                &official,
                Action::ChangeCost,
                &state(Phase::BallotPreparation),
                Some(&p)
            ),
            Ok(())
        );
    }

    #[test]
    fn ballots_close_when_the_envelopes_are_opened() {
        let clerk = someone(Role::Operator);
        let mut s = state(Phase::Counting);
        assert_eq!(may(&clerk, Action::KeyPaper, &s, None), Ok(()));
        s.opened = true;
        assert_eq!(
            may(&clerk, Action::KeyPaper, &s, None),
            Err(Refusal::Opened)
        );
        let official = someone(Role::Official);
        assert_eq!(
            may(&official, Action::MoveSchedule, &s, None),
            Err(Refusal::Opened)
        );
        assert_eq!(
            may(&official, Action::Publish, &s, None),
            Err(Refusal::NotCounted)
        );
        s.counted = true;
        assert_eq!(may(&official, Action::Publish, &s, None), Ok(()));
        // An edition without a key takes no ballots.
        let mut keyless = state(Phase::Voting);
        keyless.sealed = false;
        assert_eq!(
            may(&someone(Role::Resident), Action::Vote, &keyless, None),
            Err(Refusal::NoKey)
        );
    }

    #[test]
    fn authors_act_on_their_own_projects_and_units_on_theirs() {
        let author = someone(Role::Resident);
        let other = someone(Role::Resident);
        let p = project(ProjectStatus::Submitted, author.user);
        let s = state(Phase::Submission);
        assert_eq!(may(&author, Action::Edit, &s, Some(&p)), Ok(()));
        assert_eq!(
            may(&other, Action::Edit, &s, Some(&p)),
            Err(Refusal::NotAuthor)
        );
        assert_eq!(
            may(&Actor::ANONYMOUS, Action::Edit, &s, Some(&p)),
            Err(Refusal::SignIn)
        );
        let unit = someone(Role::UnitStaff);
        let mut assigned = p;
        assigned.unit = unit.unit;
        let v = state(Phase::Verification);
        assert_eq!(may(&unit, Action::Assess, &v, Some(&assigned)), Ok(()));
        assert_eq!(
            may(
                &someone(Role::UnitStaff),
                Action::Assess,
                &v,
                Some(&assigned)
            ),
            Err(Refusal::OtherUnit)
        );
        assert_eq!(
            may(&unit, Action::Decide, &v, Some(&assigned)),
            Err(Refusal::Forbidden)
        );
    }

    #[test]
    fn one_appeal_decided_once_and_only_before_voting() {
        let author = someone(Role::Resident);
        let official = someone(Role::Official);
        let mut p = project(ProjectStatus::Rejected, author.user);
        let appeals = state(Phase::Appeals);
        assert_eq!(may(&author, Action::Appeal, &appeals, Some(&p)), Ok(()));
        assert_eq!(
            may(&official, Action::DecideAppeal, &appeals, Some(&p)),
            Err(Refusal::NoAppeal)
        );
        p.appeal = AppealState::Pending;
        assert_eq!(
            may(&author, Action::Appeal, &appeals, Some(&p)),
            Err(Refusal::AppealFiled)
        );
        assert_eq!(
            may(&official, Action::DecideAppeal, &appeals, Some(&p)),
            Ok(())
        );
        assert_eq!(
            may(
                &official,
                Action::DecideAppeal,
                &state(Phase::Voting),
                Some(&p)
            ),
            Err(Refusal::Phase)
        );
    }

    #[test]
    fn every_refusal_has_a_code_and_a_status() {
        let codes: std::collections::HashSet<&str> =
            Refusal::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Refusal::ALL.len());
        for r in Refusal::ALL {
            assert!([401, 403, 409].contains(&r.http_status()));
        }
        let names: std::collections::HashSet<&str> =
            Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
