//! Contact-centre reports in the store: routing, numbering, lists, transitions, merges,
//! supports, duplicates nearby, notification recipients and the questionnaire.

use miasto_domain::geo::Point;
use miasto_domain::reports::TrackingNumber;
use miasto_domain::reports::{Channel, Description, Status, TransitionError};
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment, UserId};
use miasto_store::accounts::{self, NewUser};
use miasto_store::reference::{self, Category};
use miasto_store::reports::{
    self, ChangeError, Contact, EventKind, ListFilter, Location, MergeError, NewReport, Report,
    Sort, Supporter,
};
use miasto_store::testing::TestDb;
use miasto_store::{ConnectionTrait, Page};
use miasto_store::{photos, routing};

const RYNEK: (f64, f64) = (50.0617, 19.9373);

async fn category(db: &TestDb, code: &str) -> Category {
    reference::list_categories(&db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == code)
        .unwrap()
}

async fn district(db: &TestDb, number: u16) -> miasto_domain::DistrictId {
    reference::list_districts(&db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.number == number)
        .unwrap()
        .id
}

fn new_report(
    category: &Category,
    at: (f64, f64),
    district: Option<miasto_domain::DistrictId>,
) -> NewReport {
    NewReport {
        category: category.id,
        description: Description::parse("Nie świeci latarnia przy przejściu").unwrap(),
        location: Location {
            point: Some(Point::new(at.0, at.1).unwrap()),
            address: Some("Rynek Główny 1".into()),
            address_id: None,
            district,
        },
        channel: Channel::Web,
        client: None,
        answers: Default::default(),
        media_url: None,
        reporter: None,
        contact: Contact {
            name: Some("Jan Kowalski".into()),
            email: Some(Email::parse("jan@example.pl").unwrap()),
            phone: None,
            consent: true,
        },
        recorded_by: None,
        locale: Locale::Pl,
    }
}

/// Writes a report the way the intake does: routed, numbered by a reservation, inserted with
/// `insert_many`.
async fn file(c: &impl ConnectionTrait, new: NewReport) -> reports::Created {
    let category = reference::get_category(c, new.category)
        .await
        .unwrap()
        .unwrap();
    let unit = routing::route(c, category.id, new.location.district)
        .await
        .unwrap()
        .unwrap();
    let year = reports::numbering_year(miasto_store::now());
    let number = reports::reserve_numbers(c, year, 1).await.unwrap();
    reports::insert_many(
        c,
        vec![reports::Numbered {
            new,
            kind: category.kind,
            unit,
            number,
        }],
    )
    .await
    .unwrap()
    .pop()
    .unwrap()
}

async fn report(db: &impl ConnectionTrait, new: NewReport) -> Report {
    file(db, new).await.report
}

async fn user(db: &TestDb, email: &str, locale: Locale) -> UserId {
    let password = Password::parse_new("haslo-do-testow-1", None).unwrap();
    accounts::create_user(
        &db.db,
        NewUser {
            email: Email::parse(email).unwrap(),
            password_hash: accounts::hash_password(&password).await,
            assignment: RoleAssignment::new(Role::Resident, None).unwrap(),
            locale,
            confirmed: true,
        },
    )
    .await
    .unwrap()
    .id
}

/// The per-unit status tallies (the queue's overview) agree with counting the reports, and
/// every report's `open` flag with its status (a status filter implies the flag).
async fn assert_tallies_agree(db: &TestDb) {
    for unit in reference::list_units(&db.db).await.unwrap() {
        let tallied = reports::count_by_status(&db.db, Some(unit.id))
            .await
            .unwrap();
        let mut counted = Vec::new();
        for status in Status::ALL {
            let filter = ListFilter {
                unit: Some(unit.id),
                status: Some(status),
                ..Default::default()
            };
            let n = reports::list(&db.db, &filter, Page::first())
                .await
                .unwrap()
                .total;
            if n > 0 {
                counted.push((status, n));
            }
        }
        assert_eq!(tallied, counted, "unit {}", unit.code.as_str());
    }
}

#[tokio::test]
async fn every_kraków_category_routes_to_its_unit_and_district_rules_win() {
    let db = TestDb::new().await;
    let unit = |code: &'static str| {
        let db = &db.db;
        async move {
            reference::find_unit_by_code(db, code)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    for (cat, expected) in [
        ("problem.lighting", "ZDMK"),
        ("problem.roads", "ZDMK"),
        ("problem.greenery", "ZZM"),
        ("problem.tree-felling", "ZZM"),
        ("problem.litter", "MPO"),
        ("problem.dead-animals", "MPO"),
        ("problem.transport-stop", "ZTP"),
        ("problem.investment-works", "ZIM"),
        ("problem.other", "WD"),
        ("idea.public-transport", "ZTP"),
        ("idea.traffic", "ZDMK"),
    ] {
        let c = category(&db, cat).await;
        assert_eq!(
            routing::route(&db.db, c.id, None).await.unwrap(),
            Some(unit(expected).await),
            "{cat}"
        );
    }
    // A district exception: greenery in Nowa Huta goes to the city police (say).
    let greenery = category(&db, "problem.greenery").await;
    let nowa_huta = district(&db, 18).await;
    routing::set_rule(&db.db, greenery.id, Some(nowa_huta), unit("SM").await)
        .await
        .unwrap();
    assert_eq!(
        routing::route(&db.db, greenery.id, Some(nowa_huta))
            .await
            .unwrap(),
        Some(unit("SM").await)
    );
    assert_eq!(
        routing::route(&db.db, greenery.id, Some(district(&db, 1).await))
            .await
            .unwrap(),
        Some(unit("ZZM").await)
    );
    let r = report(
        &db.db,
        new_report(&greenery, (50.0719, 20.0376), Some(nowa_huta)),
    )
    .await;
    assert_eq!(r.unit, unit("SM").await);

    // Exceptions can go; defaults cannot.
    let rules = routing::list_rules(&db.db).await.unwrap();
    let exception = rules
        .iter()
        .find(|r| r.district == Some(nowa_huta))
        .unwrap();
    let default = rules
        .iter()
        .find(|r| r.category == greenery.id && r.district.is_none())
        .unwrap();
    assert!(matches!(
        routing::delete_rule(&db.db, default.id).await,
        Err(routing::DeleteRuleError::Default)
    ));
    routing::delete_rule(&db.db, exception.id).await.unwrap();
    assert_eq!(
        routing::route(&db.db, greenery.id, Some(nowa_huta))
            .await
            .unwrap(),
        Some(unit("ZZM").await)
    );
    assert_eq!(
        routing::ensure_defaults(&db.db, unit("WD").await)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn reports_are_numbered_per_year_and_found_by_number_and_private_token() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let first = file(&db.db, new_report(&lighting, RYNEK, None)).await;
    let second = file(&db.db, new_report(&lighting, RYNEK, None)).await;
    assert_eq!(first.report.number.seq, 1);
    assert_eq!(second.report.number.seq, 2);
    assert_eq!(first.report.status, Status::New);
    assert_eq!(first.report.channel, Channel::Web);
    let found = reports::get_by_number(&db.db, second.report.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, second.report.id);
    let by_token = reports::get_by_tracking_token(&db.db, &first.tracking_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_token.id, first.report.id);
    assert!(
        reports::get_by_tracking_token(&db.db, "nope")
            .await
            .unwrap()
            .is_none()
    );
    let timeline = reports::timeline(&db.db, first.report.id, true)
        .await
        .unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(
        (timeline[0].kind, timeline[0].to),
        (EventKind::Created, Some(Status::New))
    );
}

#[tokio::test]
async fn concurrent_intake_never_hands_out_a_number_twice() {
    // Four committers at once, each reserving batches of one to three numbers in its own
    // transaction and writing the reports with them, as the intake's committer does.
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let unit = routing::route(&db.db, lighting.id, None)
        .await
        .unwrap()
        .unwrap();
    let mut handles = Vec::new();
    for worker in 0..4u32 {
        let conn = db.db.clone();
        let new = new_report(&lighting, RYNEK, None);
        handles.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            for round in 0..10u32 {
                let count = 1 + (worker + round) % 3;
                let tx = miasto_store::begin(&conn).await.unwrap();
                let year = reports::numbering_year(miasto_store::now());
                let first = reports::reserve_numbers(&tx, year, count).await.unwrap();
                let items = (0..count)
                    .map(|i| reports::Numbered {
                        new: new.clone(),
                        kind: lighting.kind,
                        unit,
                        number: TrackingNumber {
                            year,
                            seq: first.seq + i,
                        },
                    })
                    .collect();
                let created = reports::insert_many(&tx, items).await.unwrap();
                tx.commit().await.unwrap();
                numbers.extend(created.into_iter().map(|c| c.report.number.seq));
            }
            numbers
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let total = u32::try_from(all.len()).unwrap();
    all.sort_unstable();
    assert_eq!(
        all,
        (1..=total).collect::<Vec<u32>>(),
        "no gaps, no repeats"
    );
    assert_eq!(
        reports::search(&db.db, &Default::default(), 1000)
            .await
            .unwrap()
            .len(),
        all.len()
    );
}

#[tokio::test]
async fn lists_filter_and_sort_like_the_public_list_and_the_unit_queue() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let greenery = category(&db, "problem.greenery").await;
    let idea = category(&db, "idea.traffic").await;
    let stare = district(&db, 1).await;
    let a = report(&db.db, new_report(&lighting, RYNEK, Some(stare))).await;
    let b = report(&db.db, new_report(&greenery, RYNEK, Some(stare))).await;
    let c = report(
        &db.db,
        new_report(&idea, (50.0719, 20.0376), Some(district(&db, 18).await)),
    )
    .await;
    reports::change_status(&db.db, b.id, None, Status::Solved, None, None, None)
        .await
        .unwrap();

    let all = reports::list(&db.db, &ListFilter::default(), Page::first())
        .await
        .unwrap();
    assert_eq!(
        all.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [c.id, b.id, a.id],
        "newest first"
    );
    let oldest = ListFilter {
        sort: Sort::Oldest,
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &oldest, Page::first())
            .await
            .unwrap()
            .items[0]
            .id,
        a.id
    );
    let problems = ListFilter {
        kind: Some(miasto_domain::reference::ReportKind::Problem),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &problems, Page::first())
            .await
            .unwrap()
            .total,
        2
    );
    let open = ListFilter {
        open: Some(true),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &open, Page::first())
            .await
            .unwrap()
            .total,
        2
    );
    let closed = ListFilter {
        open: Some(false),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &closed, Page::first())
            .await
            .unwrap()
            .items[0]
            .id,
        b.id
    );
    let in_stare = ListFilter {
        district: Some(stare),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &in_stare, Page::first())
            .await
            .unwrap()
            .total,
        2
    );
    let zdmk_queue = ListFilter {
        unit: Some(a.unit),
        open: Some(true),
        sort: Sort::Oldest,
        ..Default::default()
    };
    let queue = reports::list(&db.db, &zdmk_queue, Page::first())
        .await
        .unwrap();
    assert_eq!(
        queue.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [a.id, c.id],
        "ZDMK handles lighting and traffic ideas"
    );
    let counts = reports::count_by_status(&db.db, None).await.unwrap();
    assert_eq!(counts, [(Status::New, 2), (Status::Solved, 1)]);
    assert_eq!(
        reports::count_by_status(&db.db, Some(a.unit))
            .await
            .unwrap(),
        [(Status::New, 2)]
    );
    assert_tallies_agree(&db).await;
    let by_caller = ListFilter {
        contact_email: Some("jan@example.pl".into()),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &by_caller, Page::first())
            .await
            .unwrap()
            .total,
        3
    );
}

#[tokio::test]
async fn status_changes_follow_the_rules_and_record_their_messages() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let r = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let staff = user(&db, "zdmk@example.pl", Locale::Pl).await;

    let err = reports::change_status(
        &db.db,
        r.id,
        None,
        Status::Implemented,
        Some(staff),
        None,
        None,
    )
    .await;
    assert!(matches!(
        err,
        Err(ChangeError::Transition(TransitionError::NotForKind))
    ));
    let err = reports::change_status(
        &db.db,
        r.id,
        Some(Status::UnderAnalysis),
        Status::Solved,
        Some(staff),
        None,
        None,
    )
    .await;
    assert!(
        matches!(err, Err(ChangeError::Conflict)),
        "the change must start from the status seen"
    );

    let change = reports::change_status(
        &db.db,
        r.id,
        Some(Status::New),
        Status::BeingSolved,
        Some(staff),
        Some("Ekipa pojedzie jutro.".into()),
        Some("Zlecenie 12/2026".into()),
    )
    .await
    .unwrap();
    assert_eq!(
        (change.from, change.report.status, change.first_close),
        (Status::New, Status::BeingSolved, false)
    );
    assert_eq!(change.report.closed_at, None);

    let err = reports::change_status(
        &db.db,
        r.id,
        None,
        Status::NotFound,
        Some(staff),
        None,
        None,
    )
    .await;
    assert!(matches!(
        err,
        Err(ChangeError::Transition(TransitionError::Forbidden))
    ));

    let solved = reports::change_status(
        &db.db,
        r.id,
        None,
        Status::Solved,
        Some(staff),
        Some("Naprawione.".into()),
        None,
    )
    .await
    .unwrap();
    assert!(solved.first_close);
    assert!(solved.report.closed_at.is_some());
    let reopened = reports::change_status(
        &db.db,
        r.id,
        None,
        Status::UnderAnalysis,
        Some(staff),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(reopened.report.closed_at, None);
    let again = reports::change_status(&db.db, r.id, None, Status::Solved, Some(staff), None, None)
        .await
        .unwrap();
    assert!(!again.first_close, "the questionnaire goes out once");

    let public = reports::timeline(&db.db, r.id, true).await.unwrap();
    assert!(public.iter().all(|e| e.kind.is_public()));
    assert_eq!(
        public[1].public_message.as_deref(),
        Some("Ekipa pojedzie jutro.")
    );
    let full = reports::timeline(&db.db, r.id, false).await.unwrap();
    assert!(
        full.iter()
            .any(|e| e.internal_note.as_deref() == Some("Zlecenie 12/2026"))
    );
    assert_tallies_agree(&db).await;
}

#[tokio::test]
async fn merged_reports_follow_their_master() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let idea = category(&db, "idea.traffic").await;
    let staff = user(&db, "op@example.pl", Locale::Pl).await;
    let master = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let duplicate = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let other_kind = report(&db.db, new_report(&idea, RYNEK, None)).await;
    reports::change_status(
        &db.db,
        master.id,
        None,
        Status::UnderAnalysis,
        Some(staff),
        None,
        None,
    )
    .await
    .unwrap();

    assert!(matches!(
        reports::merge(&db.db, master.id, master.id, staff, None).await,
        Err(MergeError::Itself)
    ));
    assert!(matches!(
        reports::merge(&db.db, other_kind.id, master.id, staff, None).await,
        Err(MergeError::KindMismatch)
    ));
    let merged = reports::merge(&db.db, duplicate.id, master.id, staff, None)
        .await
        .unwrap();
    assert_eq!(merged.merged_into, Some(master.id));
    assert_eq!(
        merged.status,
        Status::UnderAnalysis,
        "takes the master's status at once"
    );
    assert!(matches!(
        reports::change_status(
            &db.db,
            duplicate.id,
            None,
            Status::Solved,
            Some(staff),
            None,
            None
        )
        .await,
        Err(ChangeError::Merged)
    ));
    assert!(matches!(
        reports::merge(&db.db, master.id, duplicate.id, staff, None).await,
        Err(MergeError::TargetMerged)
    ));

    let change = reports::change_status(
        &db.db,
        master.id,
        None,
        Status::Solved,
        Some(staff),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(change.followers.len(), 1);
    let duplicate = reports::get(&db.db, duplicate.id).await.unwrap().unwrap();
    assert_eq!(duplicate.status, Status::Solved);
    assert!(duplicate.closed_at.is_some());
    let events = reports::timeline(&db.db, duplicate.id, true).await.unwrap();
    assert!(events.iter().any(|e| e.kind == EventKind::Merged));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == EventKind::StatusFollowed)
            .count(),
        2
    );
    assert_tallies_agree(&db).await;
}

#[tokio::test]
async fn reassigned_reports_move_queues_and_keep_the_history() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let staff = user(&db, "op@example.pl", Locale::Pl).await;
    let r = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let mpo = reference::find_unit_by_code(&db.db, "MPO")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        !reports::reassign(&db.db, r.id, staff, r.unit, "bez zmian".into())
            .await
            .unwrap(),
        "already there"
    );
    assert!(
        reports::reassign(
            &db.db,
            r.id,
            staff,
            mpo,
            "to odpady, nie oświetlenie".into()
        )
        .await
        .unwrap()
    );
    let moved = reports::get(&db.db, r.id).await.unwrap().unwrap();
    assert_eq!(moved.unit, mpo);
    let events = reports::timeline(&db.db, r.id, false).await.unwrap();
    let assigned = events
        .iter()
        .find(|e| e.kind == EventKind::Assigned && e.internal_note.is_some())
        .unwrap();
    assert_eq!(assigned.unit, Some(mpo));
    assert!(
        reports::timeline(&db.db, r.id, true)
            .await
            .unwrap()
            .iter()
            .all(|e| e.internal_note.is_none()),
        "the reason is internal"
    );
    let queue = |unit| ListFilter {
        unit: Some(unit),
        open: Some(true),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &queue(r.unit), Page::first())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        reports::list(&db.db, &queue(mpo), Page::first())
            .await
            .unwrap()
            .total,
        1
    );
    assert_tallies_agree(&db).await;
}

#[tokio::test]
async fn lists_count_up_to_a_cap_and_seeded_reports_are_tallied() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let zdmk = routing::route(&db.db, lighting.id, None)
        .await
        .unwrap()
        .unwrap();
    let total = miasto_store::paging::COUNT_CAP + 5;
    let count = u32::try_from(total).unwrap();
    miasto_store::testing::seed_reports(&db.db, &lighting, zdmk, 2020, count).await;
    assert_eq!(reports::last_number(&db.db, 2020).await.unwrap(), count);

    let all = reports::list(&db.db, &ListFilter::default(), Page::new(Some(2), Some(25)))
        .await
        .unwrap();
    assert!(all.capped, "more than the cap");
    assert_eq!(all.total, miasto_store::paging::COUNT_CAP);
    assert_eq!(all.pages(), 400);
    assert_eq!(all.items.len(), 25);
    assert_eq!(
        all.items[0].number.seq,
        count - 25,
        "newest first, second page"
    );
    let solved = ListFilter {
        status: Some(Status::Solved),
        ..Default::default()
    };
    let solved = reports::list(&db.db, &solved, Page::first()).await.unwrap();
    assert!(!solved.capped);
    assert_eq!(solved.total, total / 3);
    assert_eq!(
        reports::count_by_status(&db.db, Some(zdmk)).await.unwrap(),
        [
            (Status::New, total - total / 3),
            (Status::Solved, total / 3)
        ]
    );
    assert_tallies_agree(&db).await;
}

#[tokio::test]
async fn open_reports_nearby_are_offered_as_duplicates() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let greenery = category(&db, "problem.greenery").await;
    let near = report(&db.db, new_report(&lighting, (50.0620, 19.9375), None)).await; // ~40 m
    let _far = report(&db.db, new_report(&lighting, (50.0650, 19.9373), None)).await; // ~370 m
    let _other_category = report(&db.db, new_report(&greenery, RYNEK, None)).await;
    let closed = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    reports::change_status(&db.db, closed.id, None, Status::Solved, None, None, None)
        .await
        .unwrap();

    let here = Point::new(RYNEK.0, RYNEK.1).unwrap();
    let found = reports::nearby_open(&db.db, lighting.id, here, 100.0, 5)
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|(r, _)| r.id).collect::<Vec<_>>(),
        [near.id]
    );
    assert!(found[0].1 < 50.0);
    let wide = reports::nearby_open(&db.db, lighting.id, here, 500.0, 5)
        .await
        .unwrap();
    assert_eq!(wide.len(), 2);
}

#[tokio::test]
async fn supports_count_once_per_person_and_supporters_hear_about_updates() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let r = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let anna = user(&db, "anna@example.pl", Locale::En).await;
    assert!(
        reports::support(&db.db, r.id, &Supporter::User(anna))
            .await
            .unwrap()
    );
    assert!(
        !reports::support(&db.db, r.id, &Supporter::User(anna))
            .await
            .unwrap()
    );
    let email = Supporter::Email(Email::parse("sasiad@example.pl").unwrap());
    assert!(reports::support(&db.db, r.id, &email).await.unwrap());
    assert!(!reports::support(&db.db, r.id, &email).await.unwrap());
    assert!(reports::supports(&db.db, r.id, anna).await.unwrap());
    let r = reports::get(&db.db, r.id).await.unwrap().unwrap();
    assert_eq!(r.support_count, 2);

    let recipients = reports::recipients(&db.db, &r).await.unwrap();
    let summary: Vec<_> = recipients
        .iter()
        .map(|x| (x.email.as_str(), x.locale, x.reporter))
        .collect();
    assert_eq!(
        summary,
        [
            ("jan@example.pl", Locale::Pl, true),
            ("anna@example.pl", Locale::En, false),
            ("sasiad@example.pl", Locale::Pl, false)
        ]
    );
}

#[tokio::test]
async fn contacts_without_consent_are_not_notified() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let mut new = new_report(&lighting, RYNEK, None);
    new.contact.consent = false;
    let r = report(&db.db, new).await;
    assert!(reports::recipients(&db.db, &r).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_questionnaire_is_sent_once_and_answered_by_its_link() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let r = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let token = reports::start_feedback(&db.db, r.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        reports::start_feedback(&db.db, r.id)
            .await
            .unwrap()
            .is_none()
    );
    let pending = reports::feedback_by_token(&db.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.answered_at, None);
    assert!(
        reports::answer_feedback(&db.db, &token, true, 4)
            .await
            .unwrap()
    );
    assert!(
        !reports::answer_feedback(&db.db, &"0".repeat(64), true, 4)
            .await
            .unwrap()
    );
    let totals = reports::feedback_totals(&db.db).await.unwrap();
    assert_eq!(
        (
            totals.asked,
            totals.answered,
            totals.solved,
            totals.score_sum
        ),
        (1, 1, 1, 4)
    );
}

#[tokio::test]
async fn moderators_replace_the_public_text_and_staff_keep_the_original() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let moderator = user(&db, "mod@example.pl", Locale::Pl).await;
    let mut new = new_report(&lighting, RYNEK, None);
    new.description = Description::parse("Latarnia nie działa, dzwońcie 600 100 200").unwrap();
    let r = report(&db.db, new).await;
    reports::redact_description(
        &db.db,
        r.id,
        moderator,
        Some("Latarnia nie działa, [ukryto]".into()),
        "numer telefonu".into(),
    )
    .await
    .unwrap();
    let r = reports::get(&db.db, r.id).await.unwrap().unwrap();
    assert_eq!(r.public_description(), "Latarnia nie działa, [ukryto]");
    assert!(r.description.contains("600 100 200"));
    let events = reports::timeline(&db.db, r.id, false).await.unwrap();
    assert!(events.iter().any(|e| e.kind == EventKind::TextRedacted
        && e.internal_note.as_deref() == Some("numer telefonu")));
    assert!(
        reports::timeline(&db.db, r.id, true)
            .await
            .unwrap()
            .iter()
            .all(|e| e.kind != EventKind::TextRedacted)
    );
}

#[tokio::test]
async fn a_repeated_support_inside_a_transaction_leaves_it_usable() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    let r = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let email = Supporter::Email(Email::parse("raz@example.pl").unwrap());
    let operator = user(&db, "op@example.pl", Locale::Pl).await;
    let tx = miasto_store::begin(&db.db).await.unwrap();
    assert!(reports::support(&tx, r.id, &email).await.unwrap());
    assert!(
        !reports::support(&tx, r.id, &email).await.unwrap(),
        "the second is refused in a savepoint"
    );
    reports::add_note(&tx, r.id, operator, "dalej działa".into())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        reports::get(&db.db, r.id)
            .await
            .unwrap()
            .unwrap()
            .support_count,
        1
    );
}

/// Photos uploaded before pre-moderation existed were public, and stay so after the upgrade;
/// hidden ones stay hidden and are not counted as published.
#[tokio::test]
async fn photos_public_before_moderation_existed_stay_published_after_the_upgrade() {
    let db = TestDb::at_migration(2).await;
    let now = chrono::Utc::now();
    let (unit, category, report) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    db.insert_row(
        "units",
        vec![
            ("id", unit.into()),
            ("code", "ZDMK".into()),
            ("name_pl", "Zarząd Dróg".into()),
            ("name_en", "Roads".into()),
            ("active", true.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await;
    db.insert_row(
        "categories",
        vec![
            ("id", category.into()),
            ("code", "problem.lighting".into()),
            ("kind", "problem".into()),
            ("name_pl", "Oświetlenie".into()),
            ("name_en", "Lighting".into()),
            ("position", 0.into()),
            ("active", true.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await;
    db.insert_row(
        "reports",
        vec![
            ("id", report.into()),
            ("year", 2026.into()),
            ("seq", 1.into()),
            ("kind", "problem".into()),
            ("category_id", category.into()),
            ("status", "new".into()),
            ("open", true.into()),
            ("unit_id", unit.into()),
            ("description", "Nie świeci latarnia".into()),
            ("channel", "web".into()),
            ("contact_consent", false.into()),
            ("locale", "pl".into()),
            ("tracking_hash", "00".into()),
            ("support_count", 0.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
            ("status_at", now.into()),
        ],
    )
    .await;
    let mut ids = Vec::new();
    for (position, hidden) in [(0, false), (1, true)] {
        let id = uuid::Uuid::now_v7();
        ids.push(id);
        db.insert_row(
            "report_photos",
            vec![
                ("id", id.into()),
                ("report_id", report.into()),
                ("position", position.into()),
                ("original_key", format!("o/{id}").into()),
                ("display_key", format!("d/{id}").into()),
                ("thumb_key", format!("t/{id}").into()),
                ("width", 640.into()),
                ("height", 480.into()),
                ("bytes", 1000_i64.into()),
                ("hidden", hidden.into()),
                ("created_at", now.into()),
            ],
        )
        .await;
    }

    miasto_store::migrate(&db.db).await.unwrap();

    let report = miasto_domain::ReportId(report);
    let public = photos::list(&db.db, report, photos::Audience::Public)
        .await
        .unwrap();
    assert_eq!(public.iter().map(|p| p.id).collect::<Vec<_>>(), [ids[0]]);
    let hidden = photos::get(&db.db, ids[1]).await.unwrap().unwrap();
    assert!(!hidden.approved && hidden.hidden && !hidden.is_public());
    let pending = ListFilter {
        photos_pending: true,
        ..Default::default()
    };
    assert_eq!(
        reports::list(&db.db, &pending, Page::first())
            .await
            .unwrap()
            .total,
        0
    );
    // The rest of the report reads in the latest shape: no answers, no client extras.
    let read = reports::get(&db.db, report).await.unwrap().unwrap();
    assert!(read.answers.is_empty() && read.media_url.is_none() && read.address_id.is_none());
}

/// Three lighting reports in Stare Miasto, their unit and another unit.
struct ThreeReports {
    ids: Vec<miasto_domain::ReportId>,
    district: miasto_domain::DistrictId,
    unit: miasto_domain::UnitId,
    other: miasto_domain::UnitId,
}

async fn three_reports(db: &TestDb) -> ThreeReports {
    let lighting = category(db, "problem.lighting").await;
    let district = district(db, 1).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            report(&db.db, new_report(&lighting, RYNEK, Some(district)))
                .await
                .id,
        );
    }
    let unit = reports::get(&db.db, ids[0]).await.unwrap().unwrap().unit;
    let other = reference::list_units(&db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.id != unit)
        .unwrap()
        .id;
    ThreeReports {
        ids,
        district,
        unit,
        other,
    }
}

/// "Was it solved?" answers are counted once in the statistics (a later answer replaces an
/// earlier one, also when several arrive at once), move with a reassigned report, and a
/// rebuild, or a restart after the upgrade that added the rollup, gives the same figures.
#[tokio::test]
async fn feedback_answers_count_once_follow_reassignment_and_rebuild() {
    use miasto_domain::stats::{Month, Period};
    use miasto_store::stats;
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    let ThreeReports {
        ids,
        district: stare_miasto,
        unit,
        other,
    } = three_reports(&db).await;
    let mut tokens = Vec::new();
    for id in &ids {
        tokens.push(reports::start_feedback(&db.db, *id).await.unwrap().unwrap());
    }
    let city = stats::Filter {
        period: Period::month(Month::of(miasto_store::now())),
        district: None,
        unit: None,
    };
    // Nothing answered yet: the questionnaires sent do not count.
    assert_eq!(stats::feedback(&db.db, &city).await.unwrap(), (0, 0, 0));

    assert!(
        reports::answer_feedback(&db.db, &tokens[0], false, 2)
            .await
            .unwrap()
    );
    // The same person changes their mind: the new answer replaces the old one.
    assert!(
        reports::answer_feedback(&db.db, &tokens[0], true, 5)
            .await
            .unwrap()
    );
    // Five answers to one link at once still count once.
    let burst: Vec<_> = (0..5)
        .map(|i| {
            let (conn, token) = (db.db.clone(), tokens[1].clone());
            tokio::spawn(
                async move { reports::answer_feedback(&conn, &token, i % 2 == 0, 3).await },
            )
        })
        .collect();
    for answered in burst {
        assert!(answered.await.unwrap().unwrap());
    }
    let second = reports::feedback_by_token(&db.db, &tokens[1])
        .await
        .unwrap()
        .unwrap();
    let second_solved = u64::from(second.solved == Some(true));
    assert_eq!(
        stats::feedback(&db.db, &city).await.unwrap(),
        (2, 1 + second_solved, 8)
    );

    // The first report moves to another unit, and its answer with it.
    let operator = user(&db, "op@example.pl", Locale::Pl).await;
    assert!(
        reports::reassign(&db.db, ids[0], operator, other, "inna jednostka".into())
            .await
            .unwrap()
    );
    let by_unit = |u| stats::Filter {
        unit: Some(u),
        ..city
    };
    assert_eq!(
        stats::feedback(&db.db, &by_unit(other)).await.unwrap(),
        (1, 1, 5)
    );
    assert_eq!(
        stats::feedback(&db.db, &by_unit(unit)).await.unwrap(),
        (1, second_solved, 3)
    );
    let in_district = |d| stats::Filter {
        district: Some(d),
        ..city
    };
    assert_eq!(
        stats::feedback(&db.db, &in_district(stare_miasto))
            .await
            .unwrap(),
        (2, 1 + second_solved, 8)
    );
    assert_eq!(
        stats::feedback(&db.db, &in_district(district(&db, 2).await))
            .await
            .unwrap(),
        (0, 0, 0)
    );
    let last_month = stats::Filter {
        period: Period::month(city.period.from.plus(-1)),
        ..city
    };
    assert_eq!(
        stats::feedback(&db.db, &last_month).await.unwrap(),
        (0, 0, 0)
    );

    // A rebuild agrees; so does a restart after the upgrade that added the rollup.
    let live = stats::feedback(&db.db, &city).await.unwrap();
    stats::rebuild(&db.db).await.unwrap();
    assert_eq!(stats::feedback(&db.db, &city).await.unwrap(), live);
    db.db
        .execute_unprepared("DELETE FROM stats_feedback")
        .await
        .unwrap();
    assert_eq!(stats::feedback(&db.db, &city).await.unwrap(), (0, 0, 0));
    assert!(stats::rebuild_if_empty(&db.db).await.unwrap());
    assert_eq!(
        stats::feedback(&db.db, &by_unit(other)).await.unwrap(),
        (1, 1, 5)
    );
    assert_eq!(stats::feedback(&db.db, &city).await.unwrap(), live);
    assert!(!stats::rebuild_if_empty(&db.db).await.unwrap());
}

/// The statistics rollups follow intake, status changes and reassignment, and a rebuild from
/// the reports gives the same counts.
#[tokio::test]
async fn statistics_follow_every_change_and_a_rebuild_agrees() {
    use miasto_domain::stats::{Bucket, Month, Period};
    use miasto_store::stats;
    let db = TestDb::new().await;
    let ThreeReports {
        ids,
        district: stare_miasto,
        other,
        ..
    } = three_reports(&db).await;
    reports::change_status(
        &db.db,
        ids[0],
        Some(Status::New),
        Status::Solved,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    reports::change_status(
        &db.db,
        ids[1],
        Some(Status::New),
        Status::BeingSolved,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    let operator = user(&db, "op@example.pl", Locale::Pl).await;
    assert!(
        reports::reassign(&db.db, ids[2], operator, other, "inna jednostka".into())
            .await
            .unwrap()
    );

    let month = Month::of(miasto_store::now());
    let filter = stats::Filter {
        period: Period::month(month),
        district: None,
        unit: None,
    };
    let summary = |cells: Vec<stats::Cell>| -> Vec<(String, Option<Bucket>, bool, u64)> {
        let mut out: Vec<_> = cells
            .into_iter()
            .map(|c| (c.status.as_str().to_owned(), c.bucket, c.unit == other, c.n))
            .collect();
        out.sort();
        out
    };
    let live = summary(stats::cells(&db.db, &filter, filter.period).await.unwrap());
    assert_eq!(
        live,
        vec![
            ("being_solved".to_owned(), None, false, 1),
            ("new".to_owned(), None, true, 1),
            ("solved".to_owned(), Some(Bucket::Days0To7), false, 1),
        ]
    );
    let days = stats::close_days(&db.db, &filter).await.unwrap();
    assert_eq!(
        days.iter().map(|d| (d.2, d.3)).collect::<Vec<_>>(),
        [(0, 1)]
    );
    // Only the other unit's report, when filtered by it.
    let only_other = stats::Filter {
        unit: Some(other),
        ..filter
    };
    assert_eq!(
        stats::cells(&db.db, &only_other, filter.period)
            .await
            .unwrap()
            .len(),
        1
    );
    // By district: the same reports in their own district, none in another.
    let in_district = stats::Filter {
        district: Some(stare_miasto),
        ..filter
    };
    assert_eq!(
        summary(
            stats::cells(&db.db, &in_district, filter.period)
                .await
                .unwrap()
        ),
        live
    );
    assert_eq!(
        stats::close_days(&db.db, &in_district).await.unwrap(),
        stats::close_days(&db.db, &filter).await.unwrap()
    );
    let elsewhere = stats::Filter {
        district: Some(district(&db, 2).await),
        ..filter
    };
    assert!(
        stats::cells(&db.db, &elsewhere, filter.period)
            .await
            .unwrap()
            .is_empty()
    );
    // A month with no reports has no cells.
    let before = Period::month(month.plus(-1));
    assert!(
        stats::cells(&db.db, &filter, before)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(stats::rebuild(&db.db).await.unwrap(), 3);
    let rebuilt = summary(stats::cells(&db.db, &filter, filter.period).await.unwrap());
    assert_eq!(rebuilt, live);
    assert!(!stats::rebuild_if_empty(&db.db).await.unwrap());
}

#[tokio::test]
async fn lists_sort_by_distance_from_a_point_with_placeless_reports_last() {
    let db = TestDb::new().await;
    let lighting = category(&db, "problem.lighting").await;
    // East–west distances count less than north–south ones at Kraków's latitude (cos 50° ≈
    // 0.64): 0.004° of longitude (~290 m) is nearer than 0.003° of latitude (~330 m).
    let east = report(
        &db.db,
        new_report(&lighting, (RYNEK.0, RYNEK.1 + 0.004), None),
    )
    .await;
    let north = report(
        &db.db,
        new_report(&lighting, (RYNEK.0 + 0.003, RYNEK.1), None),
    )
    .await;
    let far = report(&db.db, new_report(&lighting, (50.0900, 20.0300), None)).await;
    let mut placeless = new_report(&lighting, RYNEK, None);
    placeless.location.point = None;
    let placeless = report(&db.db, placeless).await;
    let here = report(&db.db, new_report(&lighting, RYNEK, None)).await;
    let filter = reports::ListFilter {
        sort: reports::Sort::Nearest,
        near: Some(Point::new(RYNEK.0, RYNEK.1).unwrap()),
        ..Default::default()
    };
    let got: Vec<_> = reports::list(&db.db, &filter, miasto_store::Page::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(got, [here.id, east.id, north.id, far.id, placeless.id]);
    // Without a point it is the newest first.
    let filter = reports::ListFilter {
        sort: reports::Sort::Nearest,
        ..Default::default()
    };
    let got = reports::list(&db.db, &filter, miasto_store::Page::first())
        .await
        .unwrap()
        .items;
    assert_eq!(got[0].id, here.id);
}
