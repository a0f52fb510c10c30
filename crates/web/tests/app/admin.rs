//! The admin area: who may enter, roles and units, reference data, audit log, outbox.

use crate::harness::{PASSWORD, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;

const ADMIN_PAGES: &[&str] = &[
    "/admin",
    "/admin/users",
    "/admin/users/invite",
    "/admin/units",
    "/admin/units/new",
    "/admin/categories",
    "/admin/categories/new",
    "/admin/audit",
    "/admin/outbox",
];

#[tokio::test]
async fn only_admins_enter_the_admin_area() {
    let app = TestApp::new().await;
    for role in [
        Role::Resident,
        Role::Operator,
        Role::UnitStaff,
        Role::Official,
        Role::Moderator,
    ] {
        let (mut b, _) = app
            .logged_in(&format!("{}@example.pl", role.as_str()), role)
            .await;
        for page in ADMIN_PAGES {
            b.get(page)
                .await
                .assert_status(StatusCode::FORBIDDEN)
                .assert_contains("Nie masz uprawnień do tej strony.");
        }
        b.get("/my")
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks(r#"href="/admin""#);
    }
    let mut anonymous = app.browser();
    anonymous
        .get("/admin/users")
        .await
        .assert_redirect("/login?next=%2Fadmin%2Fusers");
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    for page in ADMIN_PAGES {
        admin.get(page).await.assert_status(StatusCode::OK);
    }
}

#[tokio::test]
async fn a_resident_cannot_post_admin_forms_either() {
    let app = TestApp::new().await;
    let (mut b, me) = app.logged_in("sneaky@example.pl", Role::Resident).await;
    b.post(
        &format!("/admin/users/{}/role", me.id),
        &[("role", "admin")],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_user("sneaky@example.pl").await.unwrap().role,
        Role::Resident
    );
    b.post(
        "/admin/units",
        &[("code", "X"), ("name_pl", "X"), ("name_en", "X")],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admin_assigns_unit_staff_to_a_unit_and_the_audit_log_records_it() {
    let app = TestApp::new().await;
    let (mut admin, admin_user) = app.logged_in("admin@example.pl", Role::Admin).await;
    let staff = app.user("staff@example.pl", Role::Resident).await;
    let zzm = miasto_store::reference::find_unit_by_code(&app.db.db, "ZZM")
        .await
        .unwrap()
        .unwrap();

    admin
        .get(&format!("/admin/users/{}", staff.id))
        .await
        .assert_contains("staff@example.pl");
    admin
        .post(
            &format!("/admin/users/{}/role", staff.id),
            &[("role", "unit_staff"), ("unit", "")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Pracownik jednostki miejskiej musi mieć przypisaną jednostkę.");
    admin
        .post(
            &format!("/admin/users/{}/role", staff.id),
            &[("role", "unit_staff"), ("unit", "not-a-unit")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz jednostkę z listy.");
    admin
        .post(
            &format!("/admin/users/{}/role", staff.id),
            &[("role", "unit_staff"), ("unit", &zzm.id.to_string())],
        )
        .await
        .assert_redirect(&format!("/admin/users/{}", staff.id));
    let staff = app.get_user("staff@example.pl").await.unwrap();
    assert_eq!((staff.role, staff.unit_id), (Role::UnitStaff, Some(zzm.id)));

    let page = admin.get("/admin/audit?action=role_changed").await;
    page.assert_contains("Zmiana roli")
        .assert_contains("admin@example.pl")
        // The target is named (the account's address) and the change is readable, not JSON.
        .assert_contains(&format!(
            r#"<a href="/admin/users/{}">staff@example.pl</a>"#,
            staff.id
        ))
        .assert_contains(r#"<ul class="plain audit-details">"#)
        .assert_contains("unit_staff")
        .assert_lacks("{&quot;");
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    let entry = log
        .items
        .iter()
        .find(|e| e.action == "role_changed")
        .unwrap();
    assert_eq!(entry.actor_id, Some(admin_user.id));
    assert_eq!(entry.details["to"], "unit_staff");
    assert_eq!(entry.details["unit"], zzm.id.to_string());

    // The new role applies at once, without logging in again.
    admin
        .post(
            &format!("/admin/users/{}/role", staff.id),
            &[("role", "admin"), ("unit", "")],
        )
        .await
        .assert_redirect(&format!("/admin/users/{}", staff.id));
    let mut promoted = app.browser();
    promoted.login("staff@example.pl", PASSWORD).await;
    promoted.get("/admin").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_disabled_or_deleted() {
    let app = TestApp::new().await;
    let (mut admin, me) = app.logged_in("only@example.pl", Role::Admin).await;
    admin
        .post(
            &format!("/admin/users/{}/role", me.id),
            &[("role", "resident")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("ostatniemu aktywnemu administratorowi");
    admin
        .post(
            &format!("/admin/users/{}/access", me.id),
            &[("action", "disable")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    admin
        .post("/my/delete", &[("password", PASSWORD)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get_user("only@example.pl").await.unwrap().role,
        Role::Admin
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_blocks_login() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    let (mut victim, user) = app.logged_in("troll@example.pl", Role::Resident).await;
    admin
        .post(
            &format!("/admin/users/{}/access", user.id),
            &[("action", "disable")],
        )
        .await
        .assert_redirect(&format!("/admin/users/{}", user.id));
    victim.get("/my").await.assert_redirect("/login?next=%2Fmy");
    let mut again = app.browser();
    again
        .login("troll@example.pl", PASSWORD)
        .await
        .assert_status(StatusCode::FORBIDDEN)
        .assert_contains("To konto zostało zablokowane.");
    admin
        .post(
            &format!("/admin/users/{}/access", user.id),
            &[("action", "enable")],
        )
        .await
        .assert_redirect(&format!("/admin/users/{}", user.id));
    again
        .login("troll@example.pl", PASSWORD)
        .await
        .assert_redirect("/my");
    admin
        .post(
            &format!("/admin/users/{}/access", user.id),
            &[("action", "explode")],
        )
        .await
        .assert_status(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn user_list_searches_filters_and_pages() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    for i in 0..30 {
        app.user(&format!("mieszkaniec{i:02}@example.pl"), Role::Resident)
            .await;
    }
    app.user("operator@example.pl", Role::Operator).await;
    let first = admin.get("/admin/users").await;
    first
        .assert_contains("32 wyniki")
        .assert_contains(r#"rel="next""#)
        .assert_contains("Strona 1");
    admin
        .get("/admin/users?page=2")
        .await
        .assert_contains(r#"rel="prev""#);
    admin
        .get("/admin/users?role=operator")
        .await
        .assert_contains("operator@example.pl")
        .assert_contains("1 wynik")
        .assert_lacks("mieszkaniec00@example.pl");
    admin
        .get("/admin/users?q=mieszkaniec29")
        .await
        .assert_contains("mieszkaniec29@example.pl")
        .assert_contains("1 wynik");
    admin
        .get("/admin/users?q=nobody")
        .await
        .assert_contains("Brak użytkowników spełniających kryteria.");
    admin
        .get("/admin/users?role=mayor")
        .await
        .assert_status(StatusCode::OK);
    admin
        .get("/admin/users?page=abc&role=mayor")
        .await
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_contains("(„page”)");
    admin
        .get("/admin/users/not-an-id")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    admin
        .get(&format!("/admin/users/{}", uuid::Uuid::now_v7()))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_adds_and_edits_units_with_field_errors_and_unique_codes() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get("/admin/units")
        .await
        .assert_contains("Zarząd Dróg Miasta Krakowa");

    admin
        .post(
            "/admin/units",
            &[
                ("code", "Zarząd"),
                ("name_pl", ""),
                ("name_en", "Culture"),
                ("email", "nope"),
                ("active", "on"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Kod może zawierać tylko litery bez polskich znaków")
        .assert_contains("Podaj nazwę po polsku.")
        .assert_contains(r#"value="Zarząd""#)
        .assert_contains(r#"value="Culture""#);
    admin
        .post(
            "/admin/units",
            &[("code", "ZDMK"), ("name_pl", "Kopia"), ("name_en", "Copy")],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Ten kod jest już używany.");
    admin
        .post(
            "/admin/units",
            &[
                ("code", "WK"),
                ("name_pl", "Wydział Kultury"),
                ("name_en", "Culture Department"),
                ("email", "wk@um.krakow.pl"),
                ("active", "on"),
            ],
        )
        .await
        .assert_redirect("/admin/units");
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "WK")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unit.email.as_deref(), Some("wk@um.krakow.pl"));
    assert!(unit.active);

    admin
        .get(&format!("/admin/units/{}", unit.id))
        .await
        .assert_contains(r#"value="Wydział Kultury""#);
    admin
        .post(
            &format!("/admin/units/{}", unit.id),
            &[
                ("code", "WK"),
                ("name_pl", "Wydział Kultury i Dziedzictwa"),
                ("name_en", "Culture Department"),
                ("email", ""),
            ],
        )
        .await
        .assert_redirect("/admin/units");
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "WK")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unit.names.pl, "Wydział Kultury i Dziedzictwa");
    assert!(!unit.active, "an unticked box deactivates");
    assert_eq!(unit.email, None);

    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    assert!(log.items.iter().any(|e| e.action == "unit_created"));
    assert!(log.items.iter().any(|e| e.action == "unit_updated"));
    admin
        .get(&format!("/admin/units/{}", uuid::Uuid::now_v7()))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_adds_and_edits_categories() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get("/admin/categories")
        .await
        .assert_contains("Awarie oświetlenia")
        .assert_contains("Pomysł");
    admin
        .post(
            "/admin/categories",
            &[
                ("code", "problem.graffiti"),
                ("kind", "complaint"),
                ("name_pl", "Graffiti"),
                ("name_en", "Graffiti"),
                ("position", "x"),
                ("radius", "1"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Wybierz rodzaj z listy.")
        .assert_contains("Podaj liczbę.")
        .assert_contains("Wybierz jednostkę z listy.");
    let mpo = miasto_store::reference::find_unit_by_code(&app.db.db, "MPO")
        .await
        .unwrap()
        .unwrap();
    let mpo_id = mpo.id.to_string();
    admin
        .post(
            "/admin/categories",
            &[
                ("code", "problem.graffiti"),
                ("kind", "problem"),
                ("name_pl", "Graffiti"),
                ("name_en", "Graffiti"),
                ("position", "20"),
                ("radius", "250"),
                ("unit", &mpo_id),
                ("active", "on"),
            ],
        )
        .await
        .assert_redirect("/admin/categories");
    let categories = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap();
    let graffiti = categories
        .iter()
        .find(|c| c.code.as_str() == "problem.graffiti")
        .unwrap();
    assert_eq!((graffiti.position, graffiti.duplicate_radius_m), (20, 250));
    assert_eq!(
        miasto_store::routing::route(&app.db.db, graffiti.id, None)
            .await
            .unwrap(),
        Some(mpo.id),
        "routed from the start"
    );
    admin
        .post(
            &format!("/admin/categories/{}", graffiti.id),
            &[
                ("code", "problem.graffiti"),
                ("kind", "problem"),
                ("name_pl", "Graffiti i pseudo-graffiti"),
                ("name_en", "Graffiti"),
                ("position", "3"),
            ],
        )
        .await
        .assert_redirect("/admin/categories");
    let updated = miasto_store::reference::get_category(&app.db.db, graffiti.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (updated.names.pl.as_str(), updated.position, updated.active),
        ("Graffiti i pseudo-graffiti", 3, false)
    );
}

#[tokio::test]
async fn admins_read_the_outbox() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    let mut visitor = app.browser();
    visitor
        .post(
            "/register",
            &[
                ("email", "new@example.pl"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    app.drain_jobs().await;
    let list = admin.get("/admin/outbox?to=new%40example").await;
    list.assert_contains("new@example.pl")
        .assert_contains("Potwierdź adres e-mail");
    let message = app.emails_to("new@example.pl").await.remove(0);
    admin
        .get(&format!("/admin/outbox/{}", message.id))
        .await
        .assert_contains("http://miasto.test/confirm-email?token=");
    admin
        .get("/admin/outbox?to=nobody")
        .await
        .assert_contains("Skrzynka nadawcza jest pusta.");
}

#[tokio::test]
async fn a_double_clicked_new_unit_is_created_once() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    let page = admin.get("/admin/units/new").await;
    let key = page
        .body
        .split(r#"name="form_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let fields = [
        ("code", "MOPS"),
        ("name_pl", "Ośrodek Pomocy Społecznej"),
        ("name_en", "Social Welfare Centre"),
        ("form_key", key.as_str()),
    ];
    admin
        .post("/admin/units", &fields)
        .await
        .assert_redirect("/admin/units");
    admin
        .post("/admin/units", &fields)
        .await
        .assert_redirect("/admin/units");
    let log =
        miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
            .await
            .unwrap();
    assert_eq!(
        log.items
            .iter()
            .filter(|e| e.action == "unit_created")
            .count(),
        1
    );
    // Editing forms carry no key: each save is a save.
    let unit = miasto_store::reference::find_unit_by_code(&app.db.db, "MOPS")
        .await
        .unwrap()
        .unwrap();
    admin
        .get(&format!("/admin/units/{}", unit.id))
        .await
        .assert_lacks("form_key");
}

#[tokio::test]
async fn admins_add_change_and_remove_a_categorys_questions_and_every_channel_asks_them() {
    let app = TestApp::new().await;
    let lighting = miasto_store::reference::list_categories(&app.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "problem.lighting")
        .unwrap();
    let page = format!("/admin/categories/{}", lighting.id);
    let save = format!("{page}/questions");
    let (mut operator, _) = app.logged_in("dyspozytor@example.pl", Role::Operator).await;
    operator
        .post(&save, &[("q_code", "x")])
        .await
        .assert_status(StatusCode::FORBIDDEN);

    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get(&page)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Numer słupa oświetleniowego")
        .assert_contains("Jedna, Kilka, Cała ulica");
    // Mistakes come back with what was typed.
    let season = [
        ("q_code", "season"),
        ("datatype", "singlevaluelist"),
        ("required", "on"),
        ("q_text_pl", "Od kiedy nie świeci?"),
        ("q_text_en", "Since when is it out?"),
    ];
    admin
        .post(&save, &season)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Odpowiedź z listy potrzebuje co najmniej jednej możliwości.")
        .assert_contains("Od kiedy nie świeci?");
    let mut with_bad_line = season.to_vec();
    with_bad_line.push(("choices", "today | Od dziś | Since today\nweek – tydzień"));
    admin
        .post(&save, &with_bad_line)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("week – tydzień");

    let mut good = season.to_vec();
    good.push((
        "choices",
        "today | Od dziś | Since today\nweek | Od tygodnia | For a week\n",
    ));
    admin
        .post(&save, &good)
        .await
        .assert_redirect(&format!("{page}#questions"));
    let codes = |c: &miasto_store::reference::Category| -> Vec<String> {
        c.questions
            .iter()
            .map(|q| q.code.as_str().to_owned())
            .collect()
    };
    let stored = miasto_store::reference::get_category(&app.db.db, lighting.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(codes(&stored), ["pole_number", "lamps_out", "season"]);
    assert!(stored.questions[2].required);
    assert_eq!(stored.questions[2].choices[1].name.en, "For a week");

    // Every channel asks it at once: the web form, Open311 and the app's API.
    let query = serde_urlencoded::to_string([
        ("kind", "problem"),
        ("category", lighting.id.to_string().as_str()),
        ("lat", "50.0617"),
        ("lon", "19.9373"),
    ])
    .unwrap();
    app.browser()
        .get(&format!("/reports/new/details?{query}"))
        .await
        .assert_contains("Od kiedy nie świeci?");
    app.browser()
        .get("/open311/v2/services/problem.lighting.json")
        .await
        .assert_contains(r#""code":"season""#);
    app.browser()
        .get("/api/v1/categories")
        .await
        .assert_contains(r#""code":"season""#);

    // Changing: the form starts filled in; the same code replaces the question.
    admin
        .get(&format!("{page}?question=pole_number"))
        .await
        .assert_contains(r#"value="Numer słupa oświetleniowego""#);
    admin
        .post(
            &save,
            &[
                ("q_code", "pole_number"),
                ("datatype", "string"),
                ("q_text_pl", "Numer słupa"),
                ("q_text_en", "Post number"),
            ],
        )
        .await
        .assert_redirect(&format!("{page}#questions"));
    admin
        .post(&format!("{page}/questions/lamps_out/delete"), &[])
        .await
        .assert_redirect(&format!("{page}#questions"));
    admin
        .post(&format!("{page}/questions/no_such/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let stored = miasto_store::reference::get_category(&app.db.db, lighting.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(codes(&stored), ["pole_number", "season"]);
    assert_eq!(stored.questions[0].text.pl, "Numer słupa");
    assert_eq!(stored.questions[0].hint, None);
    admin
        .get("/admin/audit")
        .await
        .assert_contains("season")
        .assert_contains("lamps_out");
}

#[tokio::test]
async fn admins_invite_staff_who_set_their_own_password() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.logged_in("admin@example.pl", Role::Admin).await;
    admin
        .get("/admin/users")
        .await
        .assert_contains("href=\"/admin/users/invite\"");
    let form = admin.get("/admin/users/invite").await;
    form.assert_status(StatusCode::OK)
        .assert_contains("7 dni")
        .assert_lacks("value=\"resident\"");
    let zdmk = miasto_store::reference::find_unit_by_code(&app.db.db, "ZDMK")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // Every problem at once, what was typed kept.
    admin
        .post(
            "/admin/users/invite",
            &[("email", "nie-adres"), ("role", "unit_staff"), ("unit", "")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("value=\"nie-adres\"")
        .assert_contains("id=\"email-error\"");
    admin
        .post(
            "/admin/users/invite",
            &[
                ("email", "nowa@example.pl"),
                ("role", "unit_staff"),
                ("unit", ""),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"unit-error\"");
    assert!(app.emails_to("nowa@example.pl").await.is_empty());

    let res = admin
        .post(
            "/admin/users/invite",
            &[
                ("email", "nowa@example.pl"),
                ("role", "unit_staff"),
                ("unit", &zdmk),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let user_page = admin.follow(&res).await;
    user_page
        .assert_contains("Zaproszenie zostało wysłane.")
        .assert_contains("/invitation\"");
    let invited = miasto_store::accounts::find_by_email(
        &app.db.db,
        &miasto_domain::Email::parse("nowa@example.pl").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(invited.role, Role::UnitStaff);
    assert!(!invited.is_confirmed());
    assert_eq!(invited.locale, miasto_domain::Locale::En);
    let emails = app.emails_to("nowa@example.pl").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Your account at Wspólne Miasto");
    assert!(
        emails[0]
            .body_text
            .contains("with the role: City unit staff"),
        "{}",
        emails[0].body_text
    );
    let first_link = crate::harness::path_of(&crate::harness::link_in(&emails[0]));

    // The same address again: said on the field, no second account.
    admin
        .post(
            "/admin/users/invite",
            &[("email", "NOWA@example.pl"), ("role", "operator")],
        )
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("Konto z tym adresem już istnieje");

    // A new link retires the first.
    admin
        .post(&format!("/admin/users/{}/invitation", invited.id), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let emails = app.emails_to("nowa@example.pl").await;
    assert_eq!(emails.len(), 2);
    let link = crate::harness::path_of(&crate::harness::link_in(&emails[1]));
    let mut newcomer = app.browser();
    newcomer
        .get(&first_link)
        .await
        .assert_status(StatusCode::GONE);
    // Nobody can log in before the password is set.
    let res = newcomer.login("nowa@example.pl", PASSWORD).await;
    assert_ne!(res.location(), "/staff/queue");
    newcomer
        .get(&link)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Ustaw hasło");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    newcomer
        .post(
            "/password/reset",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await
        .assert_redirect("/login");
    assert_eq!(
        app.emails_to("nowa@example.pl").await.len(),
        2,
        "no 'your password was changed' notice for a first password"
    );
    newcomer
        .login("nowa@example.pl", PASSWORD)
        .await
        .assert_redirect("/staff/queue");
    // Accepted: no more invitations for this account.
    admin
        .get(&format!("/admin/users/{}", invited.id))
        .await
        .assert_lacks("/invitation\"");
    admin
        .post(&format!("/admin/users/{}/invitation", invited.id), &[])
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    let audit = admin.get("/admin/audit").await;
    audit.assert_contains("nowa@example.pl");
    let (mut operator, _) = app.logged_in("op@example.pl", Role::Operator).await;
    operator
        .post(
            "/admin/users/invite",
            &[("email", "x@example.pl"), ("role", "admin")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}
