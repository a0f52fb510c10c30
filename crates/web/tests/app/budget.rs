//! The citizens' budget through the router: online voting with one ballot per PESEL, paper
//! ballots keyed twice, the count, publication and the Pabulib download.

use crate::harness::TestApp;
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_domain::budget::Phase;
use miasto_store::budget;
use miasto_store::testing::budget_edition;

/// A Kraków ballot: three city-wide projects and three of district `d1`, by number.
fn ballot<'a>(
    pesel: &'a str,
    city: [&'a str; 3],
    district: [&'a str; 3],
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("district", "d1"),
        ("city-1", city[0]),
        ("city-2", city[1]),
        ("city-3", city[2]),
        ("district-1", district[0]),
        ("district-2", district[1]),
        ("district-3", district[2]),
        ("pesel", pesel),
        ("resident", "on"),
    ]
}

#[tokio::test]
async fn a_resident_votes_once_and_the_ballot_keeps_no_identity() {
    let app = TestApp::new().await;
    let (edition, _, projects) = budget_edition(&app.db.db, "2026", true).await;
    // Project numbers: city 1–5, d1 6–9, d5 10–13.
    assert_eq!(projects[1][0].number, 6);

    let mut anonymous = app.browser();
    anonymous
        .get("/budget")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Budżet obywatelski 2026");
    anonymous
        .get("/budget/2026/vote")
        .await
        .assert_redirect("/login?next=%2Fbudget%2F2026%2Fvote");

    let (mut resident, user) = app.logged_in("glosujacy@example.pl", Role::Resident).await;
    resident
        .get("/budget/2026/vote")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Wybierz dzielnicę");
    let form = resident.get("/budget/2026/vote?district=d1").await;
    form.assert_status(StatusCode::OK)
        .assert_contains("Miejsce 1 (3 pkt)")
        .assert_contains("Projekt d1 nr 1")
        .assert_lacks("Projekt d5 nr 1");

    // Mistakes come back with what was typed and one message per part.
    let mut wrong = ballot("44051401459", ["1", "1", ""], ["6", "7", "8"]);
    wrong.retain(|(k, _)| *k != "resident");
    let page = resident.post("/budget/2026/vote", &wrong).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz dokładnie 3 projekty")
        .assert_contains("złóż oświadczenie")
        .assert_contains("value=\"44051401459\"")
        .assert_contains("<option value=\"6\" selected>");
    page.assert_contains("nie zgadza się cyfra kontrolna");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 0)
    );

    let ok = ballot("44051401458", ["5", "1", "2"], ["6", "7", "8"]);
    resident
        .post("/budget/2026/vote", &ok)
        .await
        .assert_redirect("/budget/2026");
    resident
        .get("/budget/2026")
        .await
        .assert_contains("Twój głos został zapisany");
    assert!(
        budget::has_voted(&app.db.db, edition.id, user.id)
            .await
            .unwrap()
    );
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (1, 0)
    );
    // The account has voted: no second form.
    resident
        .get("/budget/2026/vote?district=d1")
        .await
        .assert_contains("Twój głos w tej edycji został już zapisany")
        .assert_lacks("name=\"pesel\"");
    resident
        .post(
            "/budget/2026/vote",
            &ballot("75120804355", ["1", "2", "3"], ["6", "7", "8"]),
        )
        .await
        .assert_status(StatusCode::CONFLICT);

    // Another account with the same PESEL is refused, and keeps what it typed.
    let (mut other, _) = app.logged_in("inna@example.pl", Role::Resident).await;
    let again = other
        .post(
            "/budget/2026/vote",
            &ballot("44051401458", ["2", "3", "4"], ["9", "8", "7"]),
        )
        .await;
    again
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Ta osoba już głosowała")
        .assert_contains("<option value=\"9\" selected>");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (1, 0)
    );
}

#[tokio::test]
async fn paper_ballots_typed_twice_are_counted_then_results_are_published_with_the_pb_file() {
    let app = TestApp::new().await;
    let (edition, pools, _) = budget_edition(&app.db.db, "2026", true).await;
    let (mut anna, _) = app.logged_in("anna@um.krakow.pl", Role::Operator).await;
    let (mut jan, _) = app.logged_in("jan@um.krakow.pl", Role::Operator).await;
    let (mut resident, _) = app
        .logged_in("mieszkaniec@example.pl", Role::Resident)
        .await;
    resident
        .get("/staff/budget/2026/paper")
        .await
        .assert_status(StatusCode::FORBIDDEN);

    anna.get("/staff/budget/2026/paper?point=UMK")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Wybierz dzielnicę");
    let mut sheet = ballot("75120804355", ["3", "2", "1"], ["6", "7", "8"]);
    sheet.extend([("sheet", "K-0001"), ("point", "Urząd Miasta")]);
    anna.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Teraz musi ją wpisać druga osoba");
    anna.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Drugi wpis musi zrobić inna osoba");
    // Jan misreads the district part: a mismatch, listed for another keying.
    let mut misread = ballot("75120804355", ["3", "2", "1"], ["6", "8", "7"]);
    misread.extend([("sheet", "K-0001"), ("point", "Urząd Miasta")]);
    jan.post("/staff/budget/2026/paper", &misread)
        .await
        .assert_contains("trafia na listę kart do ponownego wpisania")
        .assert_contains("Wpisy niezgodne");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 0)
    );
    let (mut ewa, _) = app.logged_in("ewa@um.krakow.pl", Role::Official).await;
    ewa.post("/staff/budget/2026/paper", &sheet)
        .await
        .assert_contains("głos został policzony")
        .assert_contains("Policzone karty: 1");
    assert_eq!(
        budget::ballot_totals(&app.db.db, edition.id).await.unwrap(),
        (0, 1)
    );

    // Counting waits for the end of voting; officials move it with the schedule.
    ewa.get("/staff/budget/2026")
        .await
        .assert_contains("Głosy można policzyć po zakończeniu głosowania");
    ewa.post("/staff/budget/2026/count", &[])
        .await
        .assert_redirect("/staff/budget/2026");
    anna.post("/staff/budget/2026/count", &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Warsaw)
        .date_naive();
    let date = |days: i64| {
        (today + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (s1, s2, a1, a2, v1, v2) = (
        date(-90),
        date(-60),
        date(-30),
        date(-20),
        date(-10),
        date(-1),
    );
    let bad = ewa
        .post(
            "/staff/budget/2026/schedule",
            &[
                ("submission_from", &s1),
                ("submission_to", &s2),
                ("appeals_from", &a1),
                ("appeals_to", &a2),
                ("voting_from", &v2),
                ("voting_to", &v1),
            ],
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("nie wcześniej, niż się zaczyna")
        .assert_contains(&format!("value=\"{v2}\""));
    ewa.post(
        "/staff/budget/2026/schedule",
        &[
            ("submission_from", &s1),
            ("submission_to", &s2),
            ("appeals_from", &a1),
            ("appeals_to", &a2),
            ("voting_from", &v1),
            ("voting_to", &v2),
        ],
    )
    .await
    .assert_redirect("/staff/budget/2026");
    // Not published: the public sees nothing yet.
    app.browser()
        .get("/budget/2026/results")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    ewa.post("/staff/budget/2026/count", &[])
        .await
        .assert_redirect("/budget/2026/results");
    ewa.get("/budget/2026/results")
        .await
        .assert_contains("Wyniki nie zostały jeszcze ogłoszone");
    ewa.post("/staff/budget/2026/publish", &[])
        .await
        .assert_redirect("/budget/2026/results");

    let mut public = app.browser();
    let results = public.get("/budget/2026/results").await;
    results
        .assert_status(StatusCode::OK)
        .assert_contains("1 na papierze")
        .assert_contains("Projekt city nr 3")
        .assert_lacks("Wyniki nie zostały jeszcze ogłoszone");
    let pb = public.get("/budget/2026/results/d1.pb").await;
    pb.assert_status(StatusCode::OK);
    assert_eq!(
        pb.header("content-disposition"),
        Some("attachment; filename=\"budget_2026_d1.pb\"")
    );
    let election = miasto_tally::pabulib::parse(&pb.body).unwrap();
    assert_eq!(election.ballots.len(), 1);
    assert_eq!(election.projects.len(), 4);
    assert!(!pb.body.contains("75120804355"));
    public
        .get("/budget/2026/results/nowhere.pb")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Residents follow the funded projects' delivery from the results.
    let results = budget::results(&app.db.db, &edition).await.unwrap();
    let funded = results[0]
        .rows
        .iter()
        .find(|r| r.funded)
        .unwrap()
        .project
        .number;
    ewa.post(
        &format!("/staff/budget/2026/projects/{funded}/milestone"),
        &[("milestone", "planned"), ("on", "2027-01-15")],
    )
    .await
    .assert_redirect(&format!("/staff/budget/2026/projects/{funded}"));
    public
        .get("/budget/2026/results")
        .await
        .assert_contains("<strong>Tak</strong> (Zaplanowano)");
    // The count is audited with its totals.
    let audit = miasto_store::audit::list(
        &app.db.db,
        &Default::default(),
        miasto_store::Page::new(None, None),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"budget_counted") && actions.contains(&"budget_published"),
        "{actions:?}"
    );
    let _ = pools;
}

#[tokio::test]
async fn residents_submit_change_and_withdraw_their_projects_while_submissions_are_open() {
    let app = TestApp::new().await;
    let (edition, _, _) = budget_edition(&app.db.db, "2026", true).await;
    phase(&app, &edition, Phase::Submission).await;
    app.browser()
        .get("/budget/2026/projects/new")
        .await
        .assert_redirect("/login?next=%2Fbudget%2F2026%2Fprojects%2Fnew");
    let (mut author, user) = app.logged_in("autorka@example.pl", Role::Resident).await;
    author
        .get("/budget/2026")
        .await
        .assert_contains("href=\"/budget/2026/projects/new\"");
    author
        .get("/budget/2026/projects/new")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Zdrowie");

    let summary = "Nowe ławki i stojaki na rowery przy skwerze, dla mieszkańców i gości.";
    let mut fields = vec![
        ("pool", "d1"),
        ("title", "Ławki na skwerze"),
        ("summary", "Za krótko."),
        ("description", "Sześć ławek z oparciami i trzy stojaki."),
        ("location", "Skwer przy ul. Długiej"),
        ("category", "infrastructure"),
        ("item-1", "Ławki"),
        ("amount-1", "12 500"),
        ("item-2", "Montaż"),
        ("amount-2", "abc"),
    ];
    let page = author
        .post_multipart("/budget/2026/projects", &fields, &[])
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Krótki opis")
        .assert_contains("kwoty większej od zera")
        .assert_contains("value=\"Ławki na skwerze\"")
        .assert_contains("value=\"abc\"");
    fields[2].1 = summary;
    fields[9].1 = "2 500,50";
    let photo = miasto_store::testing::jpeg(64, 48);
    let six: Vec<Vec<u8>> = (0..6).map(|_| miasto_store::testing::jpeg(8, 8)).collect();
    let too_many: Vec<(&str, &str, &[u8])> = six
        .iter()
        .map(|b| ("photos", "skwer.jpg", b.as_slice()))
        .collect();
    author
        .post_multipart("/budget/2026/projects", &fields, &too_many)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("najwyżej 5 zdjęć");
    let key = "ab".repeat(32);
    fields.push(("form_key", &key));
    let created = author
        .post_multipart(
            "/budget/2026/projects",
            &fields,
            &[("photos", "skwer.jpg", &photo)],
        )
        .await;
    created.assert_redirect("/budget/2026/projects/14");
    // The same form sent again (a double-click) creates nothing more.
    author
        .post_multipart("/budget/2026/projects", &fields, &[])
        .await
        .assert_redirect("/budget/2026");
    assert!(
        budget::project(&app.db.db, edition.id, 15)
            .await
            .unwrap()
            .is_none()
    );
    fields.pop();
    let project = budget::project(&app.db.db, edition.id, 14)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.author, Some(user.id));
    assert_eq!(project.status, budget::ProjectStatus::Submitted);
    assert_eq!(project.cost, 1_500_050);
    assert_eq!(
        budget::cost_items(&app.db.db, project.id)
            .await
            .unwrap()
            .len(),
        2
    );
    let photos = budget::photos_of(&app.db.db, project.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    let thumb = app
        .browser()
        .get(&format!("/budget/photos/{}/thumb", photos[0].id))
        .await;
    thumb.assert_status(StatusCode::OK);
    assert_eq!(thumb.header("content-type"), Some("image/jpeg"));
    app.browser()
        .get("/budget/photos/nie-ma/thumb")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    author
        .get("/budget/2026/projects/14")
        .await
        .assert_contains(&format!("/budget/photos/{}/thumb", photos[0].id))
        .assert_contains("15\u{a0}000,50\u{a0}zł")
        .assert_contains("Popraw projekt")
        .assert_contains("Wycofaj projekt");

    // Somebody else can read it but not change it.
    let (mut other, _) = app.logged_in("ktos@example.pl", Role::Resident).await;
    other
        .get("/budget/2026/projects/14")
        .await
        .assert_lacks("Wycofaj projekt");
    other
        .get("/budget/2026/projects/14/edit")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    other
        .post("/budget/2026/projects/14/withdraw", &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The author changes it; a cost under the pool's minimum (1,000 zł) is refused.
    author
        .get("/budget/2026/projects/14/edit")
        .await
        .assert_contains("value=\"12 500\"")
        .assert_contains("value=\"2 500,50\"");
    let mut changed = fields.clone();
    changed[1].1 = "Ławki i stojaki na skwerze";
    changed[7].1 = "500";
    changed.truncate(8);
    author
        .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("nie mieści się w limitach wybranej puli");
    changed[7].1 = "9 000";
    author
        .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
        .await
        .assert_redirect("/budget/2026/projects/14");
    let project = budget::project(&app.db.db, edition.id, 14)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.title, "Ławki i stojaki na skwerze");
    assert_eq!(project.cost, 900_000);

    // Once submissions close it can no longer be changed, but still withdrawn.
    phase(&app, &edition, Phase::Verification).await;
    author
        .get("/budget/2026/projects/new")
        .await
        .assert_redirect("/budget/2026");
    author
        .post_multipart("/budget/2026/projects/14/edit", &changed, &[])
        .await
        .assert_redirect("/budget/2026/projects/14");
    assert_eq!(
        budget::project(&app.db.db, edition.id, 14)
            .await
            .unwrap()
            .unwrap()
            .cost,
        900_000
    );
    author
        .post("/budget/2026/projects/14/withdraw", &[])
        .await
        .assert_redirect("/budget/2026/projects/14");
    let project = budget::project(&app.db.db, edition.id, 14)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.status, budget::ProjectStatus::Withdrawn);
    author
        .get("/budget/2026/projects/14")
        .await
        .assert_contains("Wycofany przez autora")
        .assert_lacks("Wycofaj projekt");
}

/// Puts the edition in the given phase by moving its windows around now.
async fn phase(app: &TestApp, edition: &budget::Edition, phase: Phase) {
    use miasto_domain::budget::Schedule;
    let day = chrono::Duration::days(1);
    let now = chrono::Utc::now();
    // Offsets of now from the start of each window, in days.
    let start = match phase {
        Phase::Submission => now + day * 9,
        Phase::Verification => now + day * 7,
        Phase::Appeals => now + day * 2,
        _ => now - day * 20,
    };
    // Submission: start-10..start-8, appeals: start-5..start+1, voting: start+10..start+20.
    let s = Schedule::new(
        (start - day * 10, start - day * 8),
        (start - day * 5, start + day),
        (start + day * 10, start + day * 20),
    )
    .unwrap();
    budget::set_schedule(&app.db.db, edition.id, &s, None)
        .await
        .unwrap();
    let stored = budget::edition(&app.db.db, &edition.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.phase(now), phase);
}

#[tokio::test]
async fn units_assess_officials_decide_authors_appeal_and_delivery_is_followed() {
    let app = TestApp::new().await;
    let (edition, _, _) = budget_edition(&app.db.db, "2026", true).await;
    phase(&app, &edition, Phase::Submission).await;
    let (mut author, _) = app.logged_in("autor@example.pl", Role::Resident).await;
    let fields = [
        ("pool", "city"),
        ("title", "Park kieszonkowy"),
        (
            "summary",
            "Mały park z ławkami i drzewami na pustym placu, dla sąsiadów i dzieci z okolicy.",
        ),
        ("description", "Drzewa, ławki, trawnik."),
        ("location", "ul. Przykładowa 1"),
        ("category", "greenery"),
        ("item-1", "Nasadzenia i ławki"),
        ("amount-1", "80 000"),
    ];
    author
        .post_multipart("/budget/2026/projects", &fields, &[])
        .await
        .assert_redirect("/budget/2026/projects/14");

    phase(&app, &edition, Phase::Verification).await;
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    let (mut unit, unit_user) = app.logged_in("zdmk@um.krakow.pl", Role::UnitStaff).await;
    let zdmk = unit_user.unit_id.unwrap().to_string();
    // Unit staff see only their unit's projects: none yet.
    unit.get("/staff/budget/2026/projects")
        .await
        .assert_contains("Nie ma projektów");
    unit.get("/staff/budget/2026/projects/14")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    author
        .get("/staff/budget/2026/projects")
        .await
        .assert_status(StatusCode::FORBIDDEN);

    official
        .post(
            "/staff/budget/2026/projects/14/assign",
            &[("unit", "nie-ma")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz jednostkę z listy");
    official
        .post("/staff/budget/2026/projects/14/assign", &[("unit", &zdmk)])
        .await
        .assert_redirect("/staff/budget/2026/projects/14");
    unit.get("/staff/budget/2026/projects")
        .await
        .assert_contains("Park kieszonkowy");
    // Unit staff assess but do not decide.
    let bad = unit
        .post(
            "/staff/budget/2026/projects/14/assess",
            &[
                ("stage", "formal"),
                ("justification", "Teren nie należy do miasta."),
            ],
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz wynik oceny")
        .assert_contains("Teren nie należy do miasta.");
    unit.post(
        "/staff/budget/2026/projects/14/assess",
        &[
            ("stage", "formal"),
            ("outcome", "negative"),
            ("justification", "Teren nie należy do miasta."),
            ("corrected_cost", "95 000"),
        ],
    )
    .await
    .assert_redirect("/staff/budget/2026/projects/14");
    unit.post(
        "/staff/budget/2026/projects/14/decide",
        &[("decision", "accepted")],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    official
        .post(
            "/staff/budget/2026/projects/14/decide",
            &[("decision", "rejected")],
        )
        .await
        .assert_redirect("/staff/budget/2026/projects/14");
    let project = budget::project(&app.db.db, edition.id, 14)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.status, budget::ProjectStatus::Rejected);
    assert_eq!(project.final_cost(), 9_500_000);

    // Appeals open: the author appeals once; the official upholds it.
    author
        .get("/budget/2026/projects/14")
        .await
        .assert_lacks("name=\"reason\"");
    phase(&app, &edition, Phase::Appeals).await;
    author
        .get("/budget/2026/projects/14")
        .await
        .assert_contains("Ocena formalna: negatywna")
        .assert_contains("Teren nie należy do miasta.")
        .assert_contains("name=\"reason\"");
    author
        .post(
            "/budget/2026/projects/14/appeal",
            &[("reason", "Teren jest miejski, załączam mapę.")],
        )
        .await
        .assert_redirect("/budget/2026/projects/14");
    author
        .post(
            "/budget/2026/projects/14/appeal",
            &[("reason", "Jeszcze raz.")],
        )
        .await
        .assert_redirect("/budget/2026/projects/14");
    assert_eq!(
        budget::appeal(&app.db.db, project.id)
            .await
            .unwrap()
            .unwrap()
            .reason,
        "Teren jest miejski, załączam mapę."
    );
    official
        .post(
            "/staff/budget/2026/projects/14/appeal",
            &[("decision", "upheld")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    official
        .post(
            "/staff/budget/2026/projects/14/appeal",
            &[("decision", "upheld"), ("reason", "Działka jest gminna.")],
        )
        .await
        .assert_redirect("/staff/budget/2026/projects/14");
    let project = budget::project(&app.db.db, edition.id, 14)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(project.status, budget::ProjectStatus::Accepted);
    app.drain_jobs().await;
    let subjects: Vec<String> = app
        .emails_to("autor@example.pl")
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert!(
        subjects.contains(&"Projekt niedopuszczony do głosowania".to_owned()),
        "{subjects:?}"
    );
    let upheld = app.emails_to("autor@example.pl").await;
    let upheld = upheld
        .iter()
        .find(|m| m.subject == "Odwołanie uwzględnione")
        .unwrap();
    assert!(upheld.body_text.contains("Działka jest gminna."));
    app.browser()
        .get("/budget/2026/projects/14")
        .await
        .assert_contains("Odwołanie uwzględnione.")
        .assert_contains("Działka jest gminna.")
        .assert_contains("Dopuszczony do głosowania");

    // Delivery is followed on the public page.
    official
        .post(
            "/staff/budget/2026/projects/14/milestone",
            &[
                ("milestone", "in_progress"),
                ("on", "2027-04-01"),
                ("note", "Trwają nasadzenia."),
            ],
        )
        .await
        .assert_redirect("/staff/budget/2026/projects/14");
    official
        .post(
            "/staff/budget/2026/projects/14/milestone",
            &[("milestone", "done"), ("on", "jutro")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Podaj datę");
    app.browser()
        .get("/budget/2026/projects/14")
        .await
        .assert_contains("W realizacji")
        .assert_contains("Trwają nasadzenia.");
    let audit = miasto_store::audit::list(
        &app.db.db,
        &Default::default(),
        miasto_store::Page::new(None, None),
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "budget_project_assigned",
        "budget_project_assessed",
        "budget_project_decided",
        "budget_appeal_decided",
        "budget_milestone_added",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn officials_open_an_edition_with_its_schedule_and_pools() {
    let app = TestApp::new().await;
    let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
    let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
    operator
        .get("/staff/budget/new")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    official
        .get("/staff/budget")
        .await
        .assert_contains("Nie ogłoszono jeszcze żadnej edycji")
        .assert_contains("href=\"/staff/budget/new\"");
    official
        .get("/staff/budget/new")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("XVIII Nowa Huta")
        .assert_contains("option value=\"ranked:3\" selected");
    let mut fields = vec![
        ("slug", "Edycja 2027"),
        ("name_pl", "Budżet obywatelski 2027"),
        ("name_en", "Citizens' budget 2027"),
        ("submission_from", "2027-02-15"),
        ("submission_to", "2027-03-16"),
        ("appeals_from", "2027-06-09"),
        ("appeals_to", "2027-06-19"),
        ("voting_from", "2027-09-18"),
        ("voting_to", "2027-10-02"),
        ("min_age", ""),
        ("allow_without_pesel", "on"),
        ("city_rule", "ranked:3"),
        ("district_rule", "ranked:3"),
        ("counting", "greedy"),
        ("city_budget", ""),
        ("city_min", "50 000"),
        ("city_max", "2 000 000"),
        ("d1-budget", "1 700 000"),
        ("d1-min", "10 000"),
        ("d1-max", "686 000"),
        ("d18-budget", "3 100 000"),
        ("d18-max", "dużo"),
    ];
    let page = official.post("/staff/budget", &fields).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Adres to 1–40 małych liter")
        .assert_contains("pula musi być większa od zera")
        .assert_contains("value=\"Budżet obywatelski 2027\"")
        .assert_contains("value=\"dużo\"");
    fields[0].1 = "2027";
    fields[14].1 = "10 800 000";
    fields[21].1 = "1 200 000";
    fields.push(("results_due", "2027-09-01"));
    official
        .post("/staff/budget", &fields)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("najwcześniej w ostatnim dniu głosowania");
    fields[22].1 = "2027-10-30";
    official
        .post("/staff/budget", &fields)
        .await
        .assert_redirect("/staff/budget/2027");
    let edition = budget::edition(&app.db.db, "2027").await.unwrap().unwrap();
    assert_eq!(edition.min_age, None);
    assert!(edition.allow_without_pesel);
    let pools = budget::pools(&app.db.db, edition.id).await.unwrap();
    let summary: Vec<(String, i64, i64, Option<i64>)> = pools
        .iter()
        .map(|p| (p.code.clone(), p.budget, p.min_cost, p.max_cost))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "city".to_owned(),
                1_080_000_000,
                5_000_000,
                Some(200_000_000)
            ),
            ("d1".to_owned(), 170_000_000, 1_000_000, Some(68_600_000)),
            ("d18".to_owned(), 310_000_000, 0, Some(120_000_000)),
        ]
    );
    // The voting window closes at the end of its last day, Kraków time.
    assert_eq!(
        edition.schedule.voting.1.to_rfc3339(),
        "2027-10-02T22:00:00+00:00"
    );
    official
        .post("/staff/budget", &fields)
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Edycja o tym adresie już istnieje");
    app.browser()
        .get("/budget/2027")
        .await
        .assert_contains("Ogłoszona")
        .assert_contains("do 30.10.2027")
        .assert_contains("I Stare Miasto");
}
