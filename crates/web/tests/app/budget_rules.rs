//! The edition's rulebook through the router: every action of `Action::ALL`, by every role of
//! `Role::ALL` and a visitor, in every phase of `Phase::ALL` (and in counting both before and
//! after the envelopes are opened). Each cell asks `miasto_domain::budget::may` what should
//! happen — on the edition and project as they stand just before the request — then sends the
//! request a page would send and checks that it either succeeded and changed the database, or
//! was refused with the documented status and message and changed nothing.

use crate::harness::{Browser, TestApp, TestResponse};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::ProjectId;
use miasto_domain::budget::{Action, Actor, Pesel, Phase, ProjectStatus, Refusal, Schedule, may};
use miasto_domain::vote::{Channel, FoldedName, Identity};
use miasto_domain::{Locale, Role, UnitId};
use miasto_store::accounts::User;
use miasto_store::budget::{self, CostItem, Edition, Mark, NewProject};
use miasto_store::clock::Clock;
use miasto_store::testing::{BudgetFixture, TEST_SECRET, budget_edition};
use miasto_web::RateLimits;
use std::collections::BTreeMap;

const SECRET: &[u8] = TEST_SECRET.as_bytes();

/// Where the edition stands when the table is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Situation {
    Phase(Phase),
    /// Counting, after the commission opened the envelopes (and counted).
    Opened,
}

/// A valid PESEL of someone born on the given day (1900–2099), with a serial number.
pub fn pesel_of(year: i32, month: u32, day: u32, serial: u32) -> String {
    let month = if year >= 2000 { month + 20 } else { month };
    let digits = format!("{:02}{month:02}{day:02}{serial:04}", year % 100);
    let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = digits
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// A moment inside `phase` of an edition with this schedule (Results needs publication too).
pub fn time_in(s: &Schedule, phase: Phase) -> DateTime<Utc> {
    match phase {
        Phase::Announced => s.submission.0 - Duration::days(1),
        Phase::Submission => s.submission.0 + Duration::hours(1),
        Phase::Verification => s.submission.1 + Duration::hours(1),
        Phase::Appeals => s.appeals.0 + Duration::hours(2),
        Phase::BallotPreparation => s.appeals.1 + Duration::hours(1),
        Phase::Voting => s.voting.0 + Duration::hours(2),
        Phase::Counting | Phase::Results => s.voting.1 + Duration::hours(1),
    }
}

/// Kraków's ballot form, first three city projects and three of district `d1`, with a voter.
pub fn ballot_form(pesel: &str, name: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("district", "d1"),
        ("city-1", "1"),
        ("city-2", "2"),
        ("city-3", "3"),
        ("district-1", "6"),
        ("district-2", "7"),
        ("district-3", "8"),
        ("resident", "on"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    form.push(("pesel".into(), pesel.to_owned()));
    form.push(("full_name".into(), name.to_owned()));
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The schedule as the staff form sends it (whole days, Kraków time).
pub fn schedule_form(edition: &Edition, results_due: &str) -> Vec<(String, String)> {
    let day = |t: DateTime<Utc>| t.with_timezone(&Warsaw).format("%Y-%m-%d").to_string();
    let last = |t: DateTime<Utc>| day(t - Duration::days(1));
    let s = &edition.schedule;
    [
        ("submission_from", day(s.submission.0)),
        ("submission_to", last(s.submission.1)),
        ("appeals_from", day(s.appeals.0)),
        ("appeals_to", last(s.appeals.1)),
        ("voting_from", day(s.voting.0)),
        ("voting_to", last(s.voting.1)),
        ("results_due", results_due.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Midnight in Kraków, in summer time for the whole edition, so that the edition's windows
/// are whole days and the staff form sends them back unchanged.
pub fn midsummer() -> DateTime<Utc> {
    Warsaw
        .with_ymd_and_hms(2026, 7, 15, 0, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Generous limits: the table signs in dozens of accounts from one address.
fn limits() -> RateLimits {
    let mut limits = RateLimits::default();
    limits.login_per_ip.max = 10_000;
    limits
}

struct Table<'a> {
    app: &'a TestApp,
    fx: BudgetFixture,
    /// Index 0 is the visitor; then one account per role of `Role::ALL`.
    actors: Vec<(Option<User>, Browser<'a>)>,
    /// The project each actor acts on, per project action (by actor index and action), set
    /// up so that only the phase, the role and the rules stand in the way.
    targets: BTreeMap<(usize, &'static str), ProjectId>,
    zdmk: UnitId,
    clock: Clock,
}

fn actor_of(user: Option<&User>) -> Actor {
    user.map_or(Actor::ANONYMOUS, |u| Actor {
        user: Some(u.id),
        role: Some(u.role),
        unit: u.unit_id,
    })
}

async fn new_project(
    app: &TestApp,
    fx: &BudgetFixture,
    pool: usize,
    status: ProjectStatus,
    author: Option<&User>,
    zloty: i64,
) -> ProjectId {
    let project = NewProject {
        pool: fx.pools[pool].id,
        code: None,
        author: author.map(|u| u.id),
        title: "Projekt do tabeli".into(),
        summary: "Krótki opis projektu dla mieszkańców.".into(),
        description: "Pełny opis.".into(),
        location: "Kraków".into(),
        point: None,
        category: "greenery".into(),
        items: vec![CostItem {
            description: "Wykonanie".into(),
            amount: zloty * 100,
        }],
        status,
    };
    budget::import_project(&app.db.db, &fx.edition, &project)
        .await
        .unwrap()
        .id
}

/// What the database holds that any action could change: the edition, its ballots in every
/// form, and the project acted on with its assessments, appeal and milestones.
async fn snapshot(app: &TestApp, fx: &BudgetFixture, project: Option<ProjectId>) -> String {
    let db = &app.db.db;
    let id = fx.edition.id;
    let edition = budget::edition_by_id(db, id).await.unwrap().unwrap();
    let projects = budget::projects(
        db,
        id,
        &Default::default(),
        miasto_store::Page::new(None, None),
    )
    .await
    .unwrap()
    .total;
    let mut out = format!(
        "{edition:?}\nprojects {projects} envelopes {} voters {} sheets {:?} counts {:?}",
        budget::envelope_count(db, id).await.unwrap(),
        budget::voter_count(db, id).await.unwrap(),
        budget::open_sheets(db, id).await.unwrap(),
        budget::counts(db, id).await.unwrap(),
    );
    if let Some(p) = project {
        out += &format!(
            "\n{:?}\n{:?}\n{:?}\n{:?}",
            budget::project_by_id(db, p).await.unwrap(),
            budget::assessments(db, p).await.unwrap(),
            budget::appeal(db, p).await.unwrap(),
            budget::milestones(db, p).await.unwrap(),
        );
    }
    out
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

impl<'a> Table<'a> {
    async fn new(app: &'a TestApp, situation: Situation, clock: Clock) -> Self {
        let fx = budget_edition(&app.db.db, "2026", true).await;
        let s = fx.edition.schedule;
        // Set up while appeals are open: projects handed to a unit, an appeal filed.
        clock.set(s.appeals.0 + Duration::hours(1));
        let mut users = Vec::new();
        for (i, role) in Role::ALL.into_iter().enumerate() {
            users.push(app.user(&format!("rola{i}@um.krakow.pl"), role).await);
        }
        let appellant = app.user("autorka@example.pl", Role::Resident).await;
        let zdmk = miasto_store::reference::find_unit_by_code(&app.db.db, "ZDMK")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut targets = BTreeMap::new();
        let everyone: Vec<Option<&User>> = std::iter::once(None)
            .chain(users.iter().map(Some))
            .collect();
        for (i, user) in everyone.iter().enumerate() {
            for action in Action::ALL.into_iter().filter(|a| a.on_project()) {
                let (status, author, pool, zloty) = match action {
                    Action::Edit | Action::Withdraw => (ProjectStatus::Submitted, *user, 0, 20_000),
                    Action::Appeal => (ProjectStatus::Rejected, *user, 0, 20_000),
                    Action::DecideAppeal => (ProjectStatus::Rejected, Some(&appellant), 0, 20_000),
                    Action::RecordDelivery => (ProjectStatus::Accepted, None, 2, 5_000),
                    _ => (ProjectStatus::Submitted, None, 0, 20_000),
                };
                let id = new_project(app, &fx, pool, status, author, zloty).await;
                if matches!(action, Action::Assess | Action::ChangeCost) {
                    budget::assign(&app.db.db, id, zdmk).await.unwrap();
                }
                if action == Action::DecideAppeal {
                    budget::file_appeal(&app.db.db, id, appellant.id, "Proszę o ponowną ocenę.")
                        .await
                        .unwrap();
                }
                targets.insert((i, action.as_str()), id);
            }
        }
        let at = match situation {
            Situation::Phase(p) => time_in(&s, p),
            Situation::Opened => time_in(&s, Phase::Counting),
        };
        let mut table = Table {
            app,
            fx,
            actors: Vec::new(),
            targets,
            zdmk,
            clock,
        };
        if matches!(
            situation,
            Situation::Phase(Phase::Counting | Phase::Results) | Situation::Opened
        ) {
            table.vote_for_delivery().await;
        }
        table.clock.set(at);
        if matches!(
            situation,
            Situation::Opened | Situation::Phase(Phase::Results)
        ) {
            let edition = table.edition().await;
            let shares = table.fx.enough_shares();
            budget::open_and_count(&app.db.db, &edition, &shares, None, SECRET, &|_| {})
                .await
                .unwrap();
            if situation == Situation::Phase(Phase::Results) {
                budget::publish(&app.db.db, edition.id).await.unwrap();
            }
        }
        let mut actors = vec![(None, app.browser())];
        for user in users {
            let mut browser = app.browser();
            browser
                .login(user.email.as_str(), crate::harness::PASSWORD)
                .await
                .assert_redirect(user.role.landing());
            actors.push((Some(user), browser));
        }
        table.actors = actors;
        let edition = table.edition().await;
        let expected = match situation {
            Situation::Phase(p) => p,
            Situation::Opened => Phase::Counting,
        };
        assert_eq!(edition.phase(miasto_store::now()), expected);
        table
    }

    async fn edition(&self) -> Edition {
        budget::edition_by_id(&self.app.db.db, self.fx.edition.id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Two sealed ballots during voting that fund every delivery project of the `d5` pool.
    async fn vote_for_delivery(&self) {
        self.clock
            .set(self.fx.edition.schedule.voting.0 + Duration::hours(1));
        let delivery: Vec<ProjectId> = (0..=Role::ALL.len())
            .map(|i| self.targets[&(i, Action::RecordDelivery.as_str())])
            .collect();
        let edition = self.edition().await;
        for (n, chunk) in delivery.chunks(3).enumerate() {
            let identity = Identity::Pesel {
                pesel: Pesel::parse(&pesel_of(1970, 6, 20 + u32::try_from(n).unwrap(), 0)).unwrap(),
                name: FoldedName::parse("Wyborca Tabeli").unwrap(),
            };
            let mut marks: Vec<Mark> = self.fx.projects[0][..3]
                .iter()
                .zip([3, 2, 1])
                .map(|(p, points)| Mark {
                    pool: self.fx.pools[0].id,
                    project: p.id,
                    points,
                })
                .collect();
            marks.extend(chunk.iter().zip([3, 2, 1]).map(|(p, points)| Mark {
                pool: self.fx.pools[2].id,
                project: *p,
                points,
            }));
            budget::cast(
                &self.app.db.db,
                &edition,
                &identity.keys(SECRET, edition.id.0),
                None,
                Channel::Online,
                &marks,
                SECRET,
            )
            .await
            .unwrap();
        }
    }

    /// Sends what a page would send for `action` by actor `i`.
    async fn send(&mut self, i: usize, action: Action, project: Option<u32>) -> TestResponse {
        let slug = "2026";
        let staff =
            |what: &str| format!("/staff/budget/{slug}/projects/{}/{what}", project.unwrap());
        let own = |what: &str| format!("/budget/{slug}/projects/{}/{what}", project.unwrap());
        // Each way of voting with its own person: the table tries them all.
        let serial = match action {
            Action::Vote => 0,
            Action::CounterVote => 1,
            _ => 2,
        };
        let voter = pesel_of(1980, 1 + serial, 10 + u32::try_from(i).unwrap(), serial);
        let edition = self.edition().await;
        let shares: Vec<String> = self.fx.shares.clone();
        let zdmk = self.zdmk.to_string();
        let browser = &mut self.actors[i].1;
        let project_fields = [
            ("pool", "city"),
            ("title", "Zieleń przy szkole"),
            (
                "summary",
                "Drzewa i krzewy przy szkole podstawowej, dla uczniów i sąsiadów z osiedla.",
            ),
            ("description", "Nasadzenia."),
            ("location", "ul. Szkolna 1"),
            ("category", "greenery"),
            ("item-1", "Nasadzenia"),
            ("amount-1", "30 000"),
        ];
        match action {
            Action::Submit => {
                browser
                    .post_multipart(&format!("/budget/{slug}/projects"), &project_fields, &[])
                    .await
            }
            Action::Edit => {
                browser
                    .post_multipart(&own("edit"), &project_fields, &[])
                    .await
            }
            Action::Withdraw => browser.post(&own("withdraw"), &[]).await,
            Action::Appeal => {
                browser
                    .post(&own("appeal"), &[("reason", "Teren jest miejski.")])
                    .await
            }
            Action::Assign => browser.post(&staff("assign"), &[("unit", &zdmk)]).await,
            Action::Assess | Action::ChangeCost => {
                let mut fields = vec![
                    ("stage", "formal"),
                    ("outcome", "positive"),
                    ("justification", "Spełnia wymagania."),
                ];
                if action == Action::ChangeCost {
                    fields.push(("corrected_cost", "25 000"));
                }
                browser.post(&staff("assess"), &fields).await
            }
            Action::Decide => {
                browser
                    .post(&staff("decide"), &[("decision", "accepted")])
                    .await
            }
            Action::DecideAppeal => {
                browser
                    .post(
                        &staff("appeal"),
                        &[("decision", "upheld"), ("reason", "Działka jest gminna.")],
                    )
                    .await
            }
            Action::RecordDelivery => {
                browser
                    .post(
                        &staff("milestone"),
                        &[("milestone", "planned"), ("on", "2027-03-01")],
                    )
                    .await
            }
            Action::Vote => {
                let form = ballot_form(&voter, "Anna Nowak");
                browser
                    .post(&format!("/budget/{slug}/vote"), &pairs(&form))
                    .await
            }
            Action::KeyPaper => {
                let mut form = ballot_form(&voter, "Anna Nowak");
                form.push(("sheet".into(), format!("T-{i}")));
                form.push(("point".into(), "Urząd Miasta".into()));
                browser
                    .post(&format!("/staff/budget/{slug}/paper"), &pairs(&form))
                    .await
            }
            Action::CounterVote => {
                let step = [
                    ("district", "d1"),
                    ("full_name", "Anna Nowak"),
                    ("pesel", voter.as_str()),
                    ("document_checked", "on"),
                    ("resident", "on"),
                ];
                let first = browser
                    .post(&format!("/staff/budget/{slug}/counter"), &step)
                    .await;
                let Some(token) = value_of(&first.body, "token") else {
                    return first;
                };
                let mut form = ballot_form("", "");
                form.retain(|(k, _)| k.starts_with("city-") || k.starts_with("district-"));
                form.push(("token".into(), token));
                browser
                    .post(
                        &format!("/staff/budget/{slug}/counter/ballot"),
                        &pairs(&form),
                    )
                    .await
            }
            Action::Count => {
                browser
                    .post(
                        &format!("/staff/budget/{slug}/count"),
                        &[("share-1", &shares[0]), ("share-2", &shares[1])],
                    )
                    .await
            }
            Action::Publish => {
                browser
                    .post(&format!("/staff/budget/{slug}/publish"), &[])
                    .await
            }
            Action::Correct => {
                browser
                    .post(
                        &format!("/staff/budget/{slug}/correct"),
                        &[("reason", "Karta z urny nr 3 doliczona.")],
                    )
                    .await
            }
            Action::MoveSchedule => {
                let due = (edition
                    .schedule
                    .voting
                    .1
                    .with_timezone(&Warsaw)
                    .date_naive()
                    + Duration::days(30 + i64::try_from(i).unwrap()))
                .format("%Y-%m-%d")
                .to_string();
                let form = schedule_form(&edition, &due);
                browser
                    .post(&format!("/staff/budget/{slug}/schedule"), &pairs(&form))
                    .await
            }
        }
    }

    /// Tries every action by every actor, in the order of the domain's lists.
    /// Returns the actions that succeeded at least once, and how many cells were tried.
    async fn run(&mut self) -> (Vec<Action>, usize) {
        let mut cells = 0;
        let mut succeeded = Vec::new();
        for action in Action::ALL {
            for i in 0..self.actors.len() {
                let project = action
                    .on_project()
                    .then(|| self.targets[&(i, action.as_str())]);
                let edition = self.edition().await;
                let state = edition.state(miasto_store::now());
                let facts = match project {
                    Some(p) => {
                        let stored = budget::project_by_id(&self.app.db.db, p)
                            .await
                            .unwrap()
                            .unwrap();
                        Some((
                            stored.number,
                            budget::facts(&self.app.db.db, &stored).await.unwrap(),
                        ))
                    }
                    None => None,
                };
                let actor = actor_of(self.actors[i].0.as_ref());
                let expected = may(&actor, action, &state, facts.as_ref().map(|(_, f)| f));
                let before = snapshot(self.app, &self.fx, project).await;
                let response = self.send(i, action, facts.map(|(n, _)| n)).await;
                let after = snapshot(self.app, &self.fx, project).await;
                let who = self.actors[i].0.as_ref().map(|u| u.role);
                let cell = format!("{action:?} by {who:?} in {:?}", state.phase);
                check(&cell, expected, &response, &before, &after);
                if expected.is_ok() && !succeeded.contains(&action) {
                    succeeded.push(action);
                }
                cells += 1;
            }
        }
        (succeeded, cells)
    }
}

/// The value of the form field `name` on a page.
fn value_of(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

/// The page's main content, for failure messages.
fn main_of(body: &str) -> &str {
    let start = body.find("<main").unwrap_or(0);
    let end = body.find("</main>").unwrap_or(body.len());
    &body[start..end]
}

fn check(
    cell: &str,
    expected: Result<(), Refusal>,
    response: &TestResponse,
    before: &str,
    after: &str,
) {
    let status = response.status;
    match expected {
        Ok(()) => {
            assert!(
                status.is_success() || status.is_redirection(),
                "{cell}: expected success, got {status}\n{}",
                main_of(&response.body)
            );
            assert_ne!(before, after, "{cell}: succeeded but changed nothing");
        }
        Err(why) => {
            assert_eq!(
                before, after,
                "{cell}: refused ({why:?}) but changed the database"
            );
            match why {
                Refusal::SignIn => assert!(
                    status == StatusCode::UNAUTHORIZED
                        || (status.is_redirection() && response.location().starts_with("/login")),
                    "{cell}: expected a sign-in, got {status}"
                ),
                Refusal::Forbidden | Refusal::NotAuthor | Refusal::OtherUnit => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{cell}: {why:?}");
                    let specific =
                        miasto_web::i18n::t(Locale::Pl, &format!("error-page-{}", why.code()));
                    let generic = miasto_web::i18n::t(Locale::Pl, "error-page-forbidden");
                    assert!(
                        response.body.contains(&escaped(&specific))
                            || response.body.contains(&escaped(&generic)),
                        "{cell}: no message for {why:?}"
                    );
                }
                _ => {
                    assert_eq!(
                        status.as_u16(),
                        why.http_status(),
                        "{cell}: {why:?}\n{}",
                        main_of(&response.body)
                    );
                    let message =
                        miasto_web::i18n::t(Locale::Pl, &format!("error-page-{}", why.code()));
                    assert!(
                        response.body.contains(&escaped(&message)),
                        "{cell}: the page does not say {message:?}\n{}",
                        main_of(&response.body)
                    );
                }
            }
        }
    }
}

async fn table(situation: Situation) -> Vec<Action> {
    let clock = Clock::at(midsummer());
    let (succeeded, cells) = clock
        .run(async {
            let app = TestApp::builder().limits(limits()).build().await;
            let mut table = Table::new(&app, situation, clock.clone()).await;
            table.run().await
        })
        .await;
    assert_eq!(cells, Action::ALL.len() * (Role::ALL.len() + 1));
    succeeded
}

/// The table's rows: every phase of the domain's list, and counting once more after the
/// envelopes are opened. Rows run two at a time, each with its own database and clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_by_every_role_in_every_phase() {
    let rows = Phase::ALL
        .into_iter()
        .map(Situation::Phase)
        .chain([Situation::Opened]);
    // Two rows at a time: each has its own database (on PostgreSQL, a pool of connections;
    // the server takes 100 in all, shared with the tests running beside this one).
    let lanes = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
    let running: Vec<_> = rows
        .map(|s| {
            let lanes = lanes.clone();
            let row = tokio::spawn(async move {
                let _lane = lanes
                    .acquire_owned()
                    .await
                    .expect("the semaphore stays open");
                table(s).await
            });
            (s, row)
        })
        .collect();
    let mut succeeded = Vec::new();
    for (situation, row) in running {
        match row.await {
            Ok(actions) => succeeded.extend(actions),
            Err(e) => panic!("{situation:?}: {e}"),
        }
    }
    // The table is not all refusals: every action was done by someone, somewhere.
    for action in Action::ALL {
        assert!(succeeded.contains(&action), "{action:?} never succeeded");
    }
}
