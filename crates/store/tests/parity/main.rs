//! Store behaviour, run unchanged on SQLite and (with MIASTO_TEST_DATABASE_URL) PostgreSQL.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod budget;
mod consultations;
mod reports;

use miasto_domain::geo::Point;
use miasto_domain::reference::{Code, Names, ReportKind};
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment, UserId};
use miasto_store::accounts::{self, CreateUserError, NewUser, UserFilter};
use miasto_store::audit::{self, Action, Target};
use miasto_store::jobs::{self, Job};
use miasto_store::mail::{self, EmailMessage};
use miasto_store::rate_limit::{self, Decision, Limit};
use miasto_store::reference::{self, CategoryInput, CityData, SaveError, UnitInput};
use miasto_store::testing::{TestDb, age_tokens, make_jobs_due, outbox_worker};
use miasto_store::tokens::{self, Purpose, TokenError};
use miasto_store::{Page, TransactionTrait, sessions};
use std::time::Duration;

async fn user(db: &TestDb, email: &str, role: Role) -> accounts::User {
    let password = Password::parse_new("bardzo-tajne-haslo", None).unwrap();
    let unit = if role == Role::UnitStaff {
        Some(reference::list_units(&db.db).await.unwrap()[0].id)
    } else {
        None
    };
    accounts::create_user(
        &db.db,
        NewUser {
            email: Email::parse(email).unwrap(),
            password_hash: accounts::hash_password(&password).await,
            assignment: RoleAssignment::new(role, unit).unwrap(),
            locale: Locale::Pl,
            confirmed: true,
        },
    )
    .await
    .unwrap()
}

fn message(to: &str) -> EmailMessage {
    EmailMessage {
        to: to.into(),
        subject: "Temat zażółć".into(),
        body_text: "Treść gęślą jaźń".into(),
    }
}

#[tokio::test]
async fn krakow_reference_data_loads_once_with_all_districts_units_and_categories() {
    let db = TestDb::empty().await;
    let city = CityData::krakow().unwrap();
    assert!(reference::load_if_empty(&db.db, &city).await.unwrap());
    assert!(
        !reference::load_if_empty(&db.db, &city).await.unwrap(),
        "second load is a no-op"
    );

    let districts = reference::list_districts(&db.db).await.unwrap();
    assert_eq!(districts.len(), 18);
    assert_eq!(
        districts[11].label(),
        "XII Bieżanów-Prokocim",
        "official spelling, not the file's"
    );
    assert_eq!(districts[16].name, "Wzgórza Krzesławickie");

    let units = reference::list_units(&db.db).await.unwrap();
    assert!(
        units
            .iter()
            .any(|u| u.code.as_str() == "ZDMK" && u.names.pl == "Zarząd Dróg Miasta Krakowa")
    );
    let categories = reference::list_categories(&db.db).await.unwrap();
    assert_eq!(
        categories
            .iter()
            .filter(|c| c.kind == ReportKind::Problem)
            .count(),
        9
    );
    assert_eq!(
        categories
            .iter()
            .filter(|c| c.kind == ReportKind::Idea)
            .count(),
        5
    );

    let log = audit::list(&db.db, &Default::default(), Page::first())
        .await
        .unwrap();
    assert_eq!(log.items[0].action, "reference_data_loaded");
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let db = TestDb::new().await;
    miasto_store::migrate(&db.db).await.unwrap();
    assert!(
        miasto_store::pending_migrations(&db.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn stored_boundaries_locate_points_in_districts() {
    let db = TestDb::new().await;
    let map = reference::district_map(&db.db).await.unwrap();
    assert_eq!(map.len(), 18);
    assert_eq!(map.locate(Point::new(50.0617, 19.9373).unwrap()), Some(1));
    assert_eq!(map.locate(Point::new(50.0719, 20.0376).unwrap()), Some(18));
    assert_eq!(map.locate(Point::new(50.2, 19.9).unwrap()), None);
}

#[tokio::test]
async fn one_address_holds_one_account_whatever_its_case() {
    let db = TestDb::new().await;
    let first = user(&db, "jan@example.pl", Role::Resident).await;
    let password = Password::parse_new("inne-haslo-123", None).unwrap();
    let again = accounts::create_user(
        &db.db,
        NewUser {
            email: Email::parse("JAN@Example.pl").unwrap(),
            password_hash: accounts::hash_password(&password).await,
            assignment: RoleAssignment::resident(),
            locale: Locale::En,
            confirmed: false,
        },
    )
    .await;
    assert!(matches!(again, Err(CreateUserError::EmailTaken)));
    let found = accounts::find_by_email(&db.db, &Email::parse("Jan@EXAMPLE.pl").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, first.id);
}

#[tokio::test]
async fn passwords_verify_only_against_their_own_hash() {
    let db = TestDb::new().await;
    let u = user(&db, "anna@example.pl", Role::Resident).await;
    let (_, hash) = accounts::find_for_login(&db.db, &u.email)
        .await
        .unwrap()
        .unwrap();
    assert!(accounts::verify_password("bardzo-tajne-haslo", Some(&hash)).await);
    assert!(!accounts::verify_password("bardzo-tajne-haslO", Some(&hash)).await);
    assert!(!accounts::verify_password("bardzo-tajne-haslo", None).await);
}

#[tokio::test]
async fn roles_units_and_disabling_are_stored() {
    let db = TestDb::new().await;
    let u = user(&db, "staff@example.pl", Role::Resident).await;
    let unit = reference::find_unit_by_code(&db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();
    let assignment = RoleAssignment::new(Role::UnitStaff, Some(unit.id)).unwrap();
    assert!(accounts::set_role(&db.db, u.id, assignment).await.unwrap());
    let u = accounts::get_user(&db.db, u.id).await.unwrap().unwrap();
    assert_eq!((u.role, u.unit_id), (Role::UnitStaff, Some(unit.id)));

    assert!(accounts::set_disabled(&db.db, u.id, true).await.unwrap());
    assert!(
        accounts::get_user(&db.db, u.id)
            .await
            .unwrap()
            .unwrap()
            .is_disabled()
    );
    assert!(
        !accounts::set_role(&db.db, UserId::new(), assignment)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn user_list_filters_pages_and_treats_wildcards_literally() {
    let db = TestDb::new().await;
    for i in 0..30 {
        user(&db, &format!("user{i:02}@example.pl"), Role::Resident).await;
    }
    user(&db, "under_score@example.pl", Role::Operator).await;
    user(&db, "admin@miasto.pl", Role::Admin).await;

    let page2 = accounts::list_users(&db.db, &UserFilter::default(), Page::new(Some(2), Some(10)))
        .await
        .unwrap();
    assert_eq!(page2.total, 32);
    assert_eq!(page2.items.len(), 10);
    assert_eq!(page2.pages(), 4);

    let filter = UserFilter {
        email: Some("_".into()),
        role: None,
    };
    let literal = accounts::list_users(&db.db, &filter, Page::first())
        .await
        .unwrap();
    assert_eq!(literal.total, 1, "`_` matches only itself");

    let filter = UserFilter {
        email: Some("EXAMPLE".into()),
        role: Some(Role::Operator),
    };
    let ops = accounts::list_users(&db.db, &filter, Page::first())
        .await
        .unwrap();
    assert_eq!(
        ops.items
            .iter()
            .map(|u| u.email.as_str())
            .collect::<Vec<_>>(),
        ["under_score@example.pl"]
    );
    assert_eq!(accounts::count_active_admins(&db.db).await.unwrap(), 1);
}

#[tokio::test]
async fn sessions_resolve_until_logout_expiry_or_disabling() {
    let db = TestDb::new().await;
    let u = user(&db, "s@example.pl", Role::Resident).await;
    let token = sessions::create(&db.db, u.id).await.unwrap();
    let (session, resolved) = sessions::resolve(&db.db, &token).await.unwrap().unwrap();
    assert_eq!(resolved.id, u.id);
    assert_ne!(session.id, token, "only the hash is stored");
    assert!(
        sessions::resolve(&db.db, "not-a-token")
            .await
            .unwrap()
            .is_none()
    );

    let other = sessions::create(&db.db, u.id).await.unwrap();
    assert_eq!(
        sessions::list_for_user(&db.db, u.id).await.unwrap().len(),
        2
    );
    sessions::delete(&db.db, &token).await.unwrap();
    assert!(sessions::resolve(&db.db, &token).await.unwrap().is_none());
    assert!(sessions::resolve(&db.db, &other).await.unwrap().is_some());

    accounts::set_disabled(&db.db, u.id, true).await.unwrap();
    assert!(
        sessions::resolve(&db.db, &other).await.unwrap().is_none(),
        "disabled accounts have no sessions"
    );
}

#[tokio::test]
async fn ending_other_sessions_keeps_the_current_one() {
    let db = TestDb::new().await;
    let u = user(&db, "k@example.pl", Role::Resident).await;
    let keep = sessions::create(&db.db, u.id).await.unwrap();
    let drop1 = sessions::create(&db.db, u.id).await.unwrap();
    let (kept, _) = sessions::resolve(&db.db, &keep).await.unwrap().unwrap();
    assert_eq!(
        sessions::delete_for_user(&db.db, u.id, Some(&kept.id))
            .await
            .unwrap(),
        1
    );
    assert!(sessions::resolve(&db.db, &keep).await.unwrap().is_some());
    assert!(sessions::resolve(&db.db, &drop1).await.unwrap().is_none());
}

#[tokio::test]
async fn tokens_are_single_use() {
    let db = TestDb::new().await;
    let u = user(&db, "t@example.pl", Role::Resident).await;
    let token = tokens::issue(&db.db, u.id, Purpose::ConfirmEmail)
        .await
        .unwrap();
    assert_eq!(
        tokens::check(&db.db, &token, Purpose::ConfirmEmail)
            .await
            .unwrap(),
        Ok(u.id)
    );
    assert_eq!(
        tokens::check(&db.db, &token, Purpose::ResetPassword)
            .await
            .unwrap(),
        Err(TokenError::Invalid),
        "a token works only for its purpose"
    );
    assert_eq!(
        tokens::consume(&db.db, &token, Purpose::ConfirmEmail)
            .await
            .unwrap(),
        Ok(u.id)
    );
    assert_eq!(
        tokens::consume(&db.db, &token, Purpose::ConfirmEmail)
            .await
            .unwrap(),
        Err(TokenError::Used)
    );
}

#[tokio::test]
async fn tokens_expire_and_a_new_one_retires_the_old() {
    let db = TestDb::new().await;
    let u = user(&db, "e@example.pl", Role::Resident).await;
    let old = tokens::issue(&db.db, u.id, Purpose::ResetPassword)
        .await
        .unwrap();
    let new = tokens::issue(&db.db, u.id, Purpose::ResetPassword)
        .await
        .unwrap();
    assert_eq!(
        tokens::check(&db.db, &old, Purpose::ResetPassword)
            .await
            .unwrap(),
        Err(TokenError::Used)
    );
    assert!(
        tokens::check(&db.db, &new, Purpose::ResetPassword)
            .await
            .unwrap()
            .is_ok()
    );

    age_tokens(
        &db.db,
        Purpose::ResetPassword.lifetime() + chrono::Duration::seconds(1),
    )
    .await;
    assert_eq!(
        tokens::consume(&db.db, &new, Purpose::ResetPassword)
            .await
            .unwrap(),
        Err(TokenError::Expired)
    );
}

#[tokio::test]
async fn deleting_an_account_removes_its_sessions_and_tokens() {
    let db = TestDb::new().await;
    let u = user(&db, "d@example.pl", Role::Resident).await;
    let session = sessions::create(&db.db, u.id).await.unwrap();
    let token = tokens::issue(&db.db, u.id, Purpose::ConfirmEmail)
        .await
        .unwrap();
    assert!(accounts::delete_user(&db.db, u.id).await.unwrap());
    assert!(accounts::get_user(&db.db, u.id).await.unwrap().is_none());
    assert!(sessions::resolve(&db.db, &session).await.unwrap().is_none());
    assert_eq!(
        tokens::check(&db.db, &token, Purpose::ConfirmEmail)
            .await
            .unwrap(),
        Err(TokenError::Invalid)
    );
}

#[tokio::test]
async fn rate_limits_allow_up_to_the_maximum_per_window() {
    let db = TestDb::new().await;
    let limit = Limit {
        max: 3,
        window: Duration::from_secs(3600),
    };
    for _ in 0..3 {
        assert_eq!(
            rate_limit::hit(&db.db, "login:ip:abc", limit)
                .await
                .unwrap(),
            Decision::Allowed
        );
    }
    assert!(matches!(
        rate_limit::check(&db.db, "login:ip:abc", limit)
            .await
            .unwrap(),
        Decision::Limited { .. }
    ));
    let Decision::Limited { retry_after_secs } = rate_limit::hit(&db.db, "login:ip:abc", limit)
        .await
        .unwrap()
    else {
        panic!("fourth attempt must be limited");
    };
    assert!(retry_after_secs <= 3600);
    assert!(
        rate_limit::check(&db.db, "login:ip:other", limit)
            .await
            .unwrap()
            .is_allowed()
    );
    rate_limit::clear(&db.db, "login:ip:abc").await.unwrap();
    assert!(
        rate_limit::hit(&db.db, "login:ip:abc", limit)
            .await
            .unwrap()
            .is_allowed()
    );

    // Counted in a batch: the first ones up to the limit pass, in order.
    let batch = rate_limit::hit_many(&db.db, "login:ip:abc", limit, 4)
        .await
        .unwrap();
    assert_eq!(
        batch.iter().map(|d| d.is_allowed()).collect::<Vec<_>>(),
        [true, true, false, false],
        "one was counted before"
    );
    assert!(
        !rate_limit::hit(&db.db, "login:ip:abc", limit)
            .await
            .unwrap()
            .is_allowed()
    );
}

#[tokio::test]
async fn jobs_exist_only_if_their_transaction_commits() {
    let db = TestDb::new().await;
    let tx = db.db.begin().await.unwrap();
    jobs::enqueue(&tx, &Job::SendEmail(message("rolled@example.pl")))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let tx = miasto_store::begin(&db.db).await.unwrap();
    jobs::enqueue(&tx, &Job::SendEmail(message("kept@example.pl")))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let worker = outbox_worker(&db.db);
    let pass = worker.drain().await.unwrap();
    assert_eq!(pass.done, 1);
    let outbox = mail::list_outbox(&db.db, None, Page::first())
        .await
        .unwrap();
    assert_eq!(outbox.items.len(), 1);
    assert_eq!(outbox.items[0].to, "kept@example.pl");
    assert_eq!(outbox.items[0].subject, "Temat zażółć");
    assert_eq!(outbox.items[0].body_text, "Treść gęślą jaźń");
    assert_eq!(
        jobs::stats(&db.db).await.unwrap(),
        jobs::QueueStats::default()
    );
}

#[tokio::test]
async fn failing_jobs_back_off_then_fail_for_good() {
    let db = TestDb::new().await;
    jobs::enqueue(&db.db, &Job::SendEmail(message("not an address")))
        .await
        .unwrap();
    let worker = outbox_worker(&db.db);
    let first = worker.drain().await.unwrap();
    assert_eq!(first.retried, 1);
    assert_eq!(
        worker.drain().await.unwrap().total(),
        0,
        "the retry waits for its back-off"
    );
    for _ in 0..7 {
        make_jobs_due(&db.db).await;
        worker.drain().await.unwrap();
    }
    let stats = jobs::stats(&db.db).await.unwrap();
    assert_eq!((stats.queued, stats.running, stats.failed), (0, 0, 1));
}

#[tokio::test]
async fn concurrent_workers_run_each_job_exactly_once() {
    let db = TestDb::new().await;
    let tx = miasto_store::begin(&db.db).await.unwrap();
    for i in 0..120 {
        jobs::enqueue(&tx, &Job::SendEmail(message(&format!("r{i}@example.pl"))))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut handles = Vec::new();
    for _ in 0..4 {
        let worker = outbox_worker(&db.db);
        handles.push(tokio::spawn(
            async move { worker.drain().await.unwrap().done },
        ));
    }
    let mut done = 0;
    for h in handles {
        done += h.await.unwrap();
    }
    assert_eq!(done, 120);
    let outbox = mail::list_outbox(&db.db, None, Page::new(None, Some(100)))
        .await
        .unwrap();
    assert_eq!(outbox.total, 120);
    let mut recipients: Vec<_> = outbox.items.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(
        recipients.len(),
        100,
        "no message delivered twice on this page"
    );
}

#[tokio::test]
async fn audit_entries_name_their_actor_and_filter_by_target() {
    let db = TestDb::new().await;
    let admin = user(&db, "admin@example.pl", Role::Admin).await;
    let resident = user(&db, "r@example.pl", Role::Resident).await;
    audit::record(
        &db.db,
        Some(admin.id),
        Action::RoleChanged,
        Some(Target::user(resident.id)),
        serde_json::json!({"from": "resident", "to": "operator"}),
    )
    .await
    .unwrap();
    let filter = audit::Filter {
        target: Some(("user".into(), resident.id.to_string())),
        ..Default::default()
    };
    let entries = audit::list(&db.db, &filter, Page::first()).await.unwrap();
    assert_eq!(entries.total, 1);
    assert_eq!(
        entries.items[0].actor_email.as_deref(),
        Some("admin@example.pl")
    );
    assert_eq!(entries.items[0].details["to"], "operator");
}

#[tokio::test]
async fn unit_and_category_codes_are_unique() {
    let db = TestDb::new().await;
    let input = UnitInput {
        code: Code::parse("ZDMK").unwrap(),
        names: Names::parse("Duplikat", "Duplicate").unwrap(),
        email: None,
        active: true,
    };
    assert!(matches!(
        reference::create_unit(&db.db, &input).await,
        Err(SaveError::CodeTaken)
    ));
    let fresh = UnitInput {
        code: Code::parse("MCK").unwrap(),
        ..input
    };
    let unit = reference::create_unit(&db.db, &fresh).await.unwrap();
    let renamed = UnitInput {
        names: Names::parse("Nowa nazwa", "New name").unwrap(),
        ..fresh
    };
    let updated = reference::update_unit(&db.db, unit.id, &renamed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.names.pl, "Nowa nazwa");

    let category = CategoryInput {
        code: Code::parse("problem.graffiti").unwrap(),
        kind: ReportKind::Problem,
        names: Names::parse("Graffiti", "Graffiti").unwrap(),
        position: 99,
        active: true,
        duplicate_radius_m: 100,
    };
    let created = reference::create_category(&db.db, &category).await.unwrap();
    assert!(matches!(
        reference::create_category(&db.db, &category).await,
        Err(SaveError::CodeTaken)
    ));
    let hidden = CategoryInput {
        active: false,
        ..category
    };
    let updated = reference::update_category(&db.db, created.id, &hidden)
        .await
        .unwrap()
        .unwrap();
    assert!(!updated.active);
}

#[tokio::test]
async fn a_taken_address_or_code_leaves_the_surrounding_transaction_usable() {
    let db = TestDb::new().await;
    user(&db, "first@example.pl", Role::Resident).await;
    let tx = miasto_store::begin(&db.db).await.unwrap();
    let password = Password::parse_new("bardzo-tajne-haslo", None).unwrap();
    let again = accounts::create_user(
        &tx,
        NewUser {
            email: Email::parse("first@example.pl").unwrap(),
            password_hash: accounts::hash_password(&password).await,
            assignment: RoleAssignment::resident(),
            locale: Locale::Pl,
            confirmed: false,
        },
    )
    .await;
    assert!(matches!(again, Err(CreateUserError::EmailTaken)));
    let duplicate = UnitInput {
        code: Code::parse("ZDMK").unwrap(),
        names: Names::parse("D", "D").unwrap(),
        email: None,
        active: true,
    };
    assert!(matches!(
        reference::create_unit(&tx, &duplicate).await,
        Err(SaveError::CodeTaken)
    ));
    // Both failures were contained; the transaction goes on and commits.
    jobs::enqueue(&tx, &Job::SendEmail(message("first@example.pl")))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(jobs::stats(&db.db).await.unwrap().queued, 1);
}

/// A minimal SMTP server that accepts one message and hands back the envelope and data.
async fn smtp_sink() -> (u16, tokio::task::JoinHandle<(String, String)>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut envelope = String::new();
        let mut data = String::new();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        while let Some(line) = lines.next_line().await.unwrap() {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") {
                envelope.push_str(&line);
                envelope.push('\n');
                b"250 OK\r\n"
            } else if upper.starts_with("DATA") {
                write.write_all(b"354 go on\r\n").await.unwrap();
                while let Some(body) = lines.next_line().await.unwrap() {
                    if body == "." {
                        break;
                    }
                    data.push_str(&body);
                    data.push('\n');
                }
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 OK\r\n"
            };
            write.write_all(reply).await.unwrap();
            if upper.starts_with("DATA") {
                // lettre's pool keeps the connection; one message is all this sink needs.
                break;
            }
        }
        (envelope, data)
    });
    (port, handle)
}

#[tokio::test]
async fn with_smtp_configured_mail_goes_out_over_smtp_and_not_to_the_outbox() {
    let db = TestDb::new().await;
    let (port, sink) = smtp_sink().await;
    let mailer = mail::Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "Miasto <no-reply@miasto.test>",
    )
    .unwrap();
    assert!(!mailer.uses_outbox());
    let msg = EmailMessage {
        to: "resident@example.pl".into(),
        subject: "Confirm your address".into(),
        body_text: "Open this link: http://miasto.test/confirm".into(),
    };
    mailer.deliver(&db.db, &msg).await.unwrap();
    let (envelope, data) = tokio::time::timeout(Duration::from_secs(10), sink)
        .await
        .unwrap()
        .unwrap();
    assert!(
        envelope.contains("MAIL FROM:<no-reply@miasto.test>"),
        "{envelope}"
    );
    assert!(
        envelope.contains("RCPT TO:<resident@example.pl>"),
        "{envelope}"
    );
    assert!(data.contains("Subject: Confirm your address"), "{data}");
    assert!(
        data.contains("Open this link: http://miasto.test/confirm"),
        "{data}"
    );
    assert_eq!(
        mail::list_outbox(&db.db, None, Page::first())
            .await
            .unwrap()
            .total,
        0
    );
}

async fn pragma(db: &miasto_store::DatabaseConnection, name: &str) -> String {
    use miasto_store::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    match row.try_get_by_index::<String>(0) {
        Ok(text) => text,
        Err(_) => row.try_get_by_index::<i64>(0).unwrap().to_string(),
    }
}

#[tokio::test]
async fn sqlite_connections_use_wal_foreign_keys_busy_timeout_and_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let db = miasto_store::connect(&url).await.unwrap();
    assert!(
        dir.path().join("fresh.db").exists(),
        "the file is created on first use"
    );
    for (name, expected) in [
        ("journal_mode", "wal"),
        ("foreign_keys", "1"),
        ("synchronous", "2"),
        ("busy_timeout", "10000"),
        ("cache_size", "-32768"),
        ("mmap_size", "1073741824"),
    ] {
        assert_eq!(pragma(&db, name).await, expected, "PRAGMA {name}");
    }
    // An export's connections keep the same guarantees with a small cache and no map.
    let stream = miasto_store::connect_for(&url, miasto_store::Workload::Stream)
        .await
        .unwrap();
    for (name, expected) in [
        ("journal_mode", "wal"),
        ("foreign_keys", "1"),
        ("busy_timeout", "10000"),
        ("cache_size", "-2048"),
        ("mmap_size", "0"),
    ] {
        assert_eq!(pragma(&stream, name).await, expected, "PRAGMA {name}");
    }
}

#[tokio::test]
async fn a_form_key_is_claimed_once_and_only_if_its_transaction_commits() {
    use miasto_store::form_keys;
    let db = TestDb::new().await;
    let key = form_keys::new_key();
    let tx = miasto_store::begin(&db.db).await.unwrap();
    assert!(form_keys::claim(&tx, "register", &key).await.unwrap());
    tx.rollback().await.unwrap();
    assert!(
        form_keys::claim(&db.db, "register", &key).await.unwrap(),
        "a rolled-back claim does not count"
    );
    assert!(
        !form_keys::claim(&db.db, "register", &key).await.unwrap(),
        "the second claim is refused"
    );
    assert!(
        form_keys::claim(&db.db, "unit", &key).await.unwrap(),
        "scopes are separate"
    );
    assert!(
        form_keys::claim(&db.db, "register", "").await.unwrap(),
        "no key, no protection, no error"
    );
    assert!(form_keys::claim(&db.db, "register", "").await.unwrap());

    // A batch: each key answered in order, a repeat within the batch claimed once.
    let (fresh, again) = (form_keys::new_key(), form_keys::new_key());
    assert_eq!(
        form_keys::claim_many(&db.db, "report", &[&fresh, &key, "", &fresh, &again])
            .await
            .unwrap(),
        [true, true, true, false, true]
    );
    assert_eq!(
        form_keys::claim_many(&db.db, "report", &[&again, &fresh])
            .await
            .unwrap(),
        [false, false]
    );
    assert!(
        form_keys::claim_many(&db.db, "report", &[])
            .await
            .unwrap()
            .is_empty()
    );
}

/// Accounts made before the mobile API existed sign devices in and read (empty)
/// notifications after the upgrade.
#[tokio::test]
async fn accounts_from_before_the_mobile_api_work_with_it_after_the_upgrade() {
    let db = TestDb::at_migration(4).await;
    let now = chrono::Utc::now();
    let id = uuid::Uuid::now_v7();
    db.insert_row(
        "users",
        vec![
            ("id", id.into()),
            ("email", "stara@example.pl".into()),
            ("password_hash", "x".into()),
            ("role", "resident".into()),
            ("locale", "pl".into()),
            ("email_confirmed_at", now.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await;
    miasto_store::migrate(&db.db).await.unwrap();

    let user = miasto_domain::UserId(id);
    assert_eq!(
        miasto_store::notifications::unread(&db.db, user, 100)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        miasto_store::notifications::mark_read(&db.db, user)
            .await
            .unwrap(),
        None
    );
    let (token, secret) = miasto_store::api_tokens::issue(&db.db, user, "Telefon")
        .await
        .unwrap();
    let (resolved, who) = miasto_store::api_tokens::resolve(&db.db, &secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((resolved.id, who.id), (token.id, user));
    assert!(
        miasto_store::api_tokens::resolve(&db.db, "mt_0123")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn database_errors_are_described_with_their_cause_and_without_values() {
    use miasto_store::ConnectionTrait;
    let db = TestDb::new().await;
    user(&db, "tajny@example.pl", Role::Resident).await;
    // A unique key broken with a value the driver's message would quote.
    let duplicate = db
        .db
        .execute_unprepared(
            "INSERT INTO users (id, email, password_hash, role, locale, created_at) \
             SELECT id || 'x', email, password_hash, role, locale, created_at FROM users",
        )
        .await
        .unwrap_err();
    let described = miasto_store::describe_db_error(&duplicate);
    assert!(!described.contains("tajny"), "{described}");
    assert!(
        described.contains("code "),
        "the SQLSTATE is kept: {described}"
    );
    let missing = db
        .db
        .execute_unprepared("SELECT * FROM no_such_table WHERE note = 'tajny@example.pl'")
        .await
        .unwrap_err();
    let described = miasto_store::describe_db_error(&missing);
    assert!(described.contains("failed"), "{described}");
    assert!(!described.contains("tajny"), "{described}");
}

/// How many rows `table` holds.
async fn rows(db: &TestDb, table: &str) -> i64 {
    use miasto_store::ConnectionTrait;
    let backend = db.db.get_database_backend();
    let row = db
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn housekeeping_requeues_stuck_jobs_and_purges_what_expired() {
    use miasto_store::ConnectionTrait;
    let db = TestDb::new().await;
    let resident = user(&db, "sprzatanie@example.pl", Role::Resident).await;
    sessions::create(&db.db, resident.id).await.unwrap();
    rate_limit::hit(
        &db.db,
        "login:test",
        Limit {
            max: 5,
            window: Duration::from_secs(60),
        },
    )
    .await
    .unwrap();
    miasto_store::form_keys::claim(&db.db, "report", &"a".repeat(64))
        .await
        .unwrap();
    jobs::enqueue(
        &db.db,
        &Job::SendEmail(EmailMessage {
            to: "a@example.pl".into(),
            subject: "S".into(),
            body_text: "B".into(),
        }),
    )
    .await
    .unwrap();
    // A worker died while sending it: the job stays `running`, locked twenty minutes ago.
    let backend = db.db.get_database_backend();
    let twenty_minutes_ago = miasto_store::now() - chrono::Duration::minutes(20);
    db.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "UPDATE jobs SET state = 'running', locked_at = $1",
                _ => "UPDATE jobs SET state = 'running', locked_at = ?",
            },
            [twenty_minutes_ago.into()],
        ))
        .await
        .unwrap();
    assert_eq!(jobs::stats(&db.db).await.unwrap().running, 1);
    let worker = outbox_worker(&db.db);
    // Today: the stuck job is queued again; nothing young is purged.
    worker.maintain().await.unwrap();
    let stats = jobs::stats(&db.db).await.unwrap();
    assert_eq!((stats.running, stats.queued), (0, 1), "requeued");
    assert_eq!(rows(&db, "sessions").await, 1);
    assert_eq!(rows(&db, "rate_limits").await, 1);
    assert_eq!(rows(&db, "form_keys").await, 1);
    // Forty days on, sessions, counters and form keys are gone.
    miasto_store::clock::Clock::at(miasto_store::now() + chrono::Duration::days(40))
        .run(worker.maintain())
        .await
        .unwrap();
    assert_eq!(rows(&db, "sessions").await, 0, "idle sessions purged");
    assert_eq!(rows(&db, "rate_limits").await, 0, "old counters purged");
    assert_eq!(rows(&db, "form_keys").await, 0, "old form keys purged");
}
