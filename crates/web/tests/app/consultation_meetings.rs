//! Meetings and expert duty hours (issue 16): an official adds them to the plan; residents
//! sign up (a place, or the waiting list when full), cancel (the place goes to the first in
//! line, who is told), get a reminder the day before, add the meeting to a calendar; the
//! minutes follow the meeting into the report. Duty hours are cut into slots, each booked
//! once, one per resident; staff book for callers, cancel, and type in what was raised.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;

/// A published consultation offering meetings and duty hours (open 8–28 March 2027); its
/// slug.
async fn with_meetings(app: &TestApp, official: &mut Browser<'_>) -> String {
    let unit = unit_id(app, "WD").await;
    let plan = with_methods(&unit, &["meetings", "duty_hours", "paper"]);
    let path = create(official, &plan).await;
    official.post(&format!("{path}/publish"), &[]).await;
    path.rsplit('/').next().unwrap().to_owned()
}

/// The id after `prefix` in the first link to it on a page.
fn id_after(body: &str, prefix: &str) -> String {
    body.split(prefix)
        .nth(1)
        .unwrap_or_else(|| panic!("no {prefix} in the page"))
        .split(['"', '/'])
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_meeting_fills_up_its_line_moves_on_and_its_minutes_reach_the_report() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_meetings(&app, &mut official).await;
        let staff = format!("/staff/consultations/{slug}/meetings");
        official
            .get(&staff)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Nie zaplanowano jeszcze spotkań.")
            .assert_lacks("Plan tych konsultacji nie przewiduje");

        // Every problem named on its field, what was typed kept.
        official
            .post(
                &staff,
                &[
                    ("title", "Spotkanie w sprawie parku"),
                    ("format", "hybrid"),
                    ("starts", "2027-03-15T18:00"),
                    ("ends", "2027-03-15T17:00"),
                    ("address", ""),
                    ("link", "javascript:alert(1)"),
                    ("agenda", "Przedstawienie projektu i dyskusja."),
                    ("capacity", "dwa"),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"ends-error\"")
            .assert_contains("id=\"address-error\"")
            .assert_contains("id=\"link-error\"")
            .assert_contains("id=\"capacity-error\"")
            .assert_contains("value=\"Spotkanie w sprawie parku\"")
            .assert_contains("Przedstawienie projektu i dyskusja.</textarea>");
        // 15 March, 17:00–19:00 Kraków time, two places.
        official
            .post(
                &staff,
                &[
                    ("title", "Spotkanie w sprawie parku"),
                    ("format", "in_person"),
                    ("starts", "2027-03-15T17:00"),
                    ("ends", "2027-03-15T19:00"),
                    ("address", "ul. Bracka 10, sala 200"),
                    ("agenda", "Przedstawienie projektu i dyskusja."),
                    ("capacity", "2"),
                ],
            )
            .await
            .assert_redirect(&staff);
        let public = format!("/consultations/{slug}");
        let page = app.browser().get(&public).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("Spotkanie w sprawie parku");
        let meeting = id_after(&page.body, &format!("/consultations/{slug}/meetings/"));
        let path = format!("/consultations/{slug}/meetings/{meeting}");

        // Before the information campaign, signing up is closed.
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        anna.post(&path, &[("action", "register")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Na tym etapie konsultacji nie można tego zrobić.");
        clock.set(day(2));
        // A visitor is asked to log in.
        app.browser()
            .get(&path)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains(&format!("/login?next={path}"))
            .assert_contains("Wolne miejsca: 2");
        let (mut bartek, _) = app.logged_in("bartek@example.pl", Role::Resident).await;
        let (mut celina, _) = app.logged_in("celina@example.pl", Role::Resident).await;
        for b in [&mut anna, &mut bartek] {
            b.post(&path, &[("action", "register")])
                .await
                .assert_redirect(&path);
        }
        celina
            .post(&path, &[("action", "register")])
            .await
            .assert_redirect(&path);
        celina
            .get(&path)
            .await
            .assert_contains("Jesteś na liście rezerwowej (miejsce 1)")
            .assert_lacks("action\" value=\"register");
        anna.post(&path, &[("action", "register")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Jesteś już zapisany(-a)");
        // Subjects without the platform's name after the dash.
        let subjects = |mails: Vec<miasto_store::mail::OutboxMessage>| {
            mails
                .into_iter()
                .map(|m| m.subject.split(" – ").next().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            subjects(app.emails_to("anna@example.pl").await),
            ["Zapisano Cię na spotkanie: Spotkanie w sprawie parku"]
        );
        assert_eq!(
            subjects(app.emails_to("celina@example.pl").await),
            ["Lista rezerwowa: Spotkanie w sprawie parku"]
        );
        // Anna cancels: Celina gets her place and is told.
        anna.post(&path, &[("action", "cancel")])
            .await
            .assert_redirect(&path);
        assert_eq!(
            subjects(app.emails_to("celina@example.pl").await),
            [
                "Lista rezerwowa: Spotkanie w sprawie parku",
                "Zwolniło się miejsce: Spotkanie w sprawie parku"
            ]
        );
        celina
            .get(&path)
            .await
            .assert_contains("Masz miejsce na tym spotkaniu.");
        celina
            .get("/my")
            .await
            .assert_contains("Twoje spotkania i dyżury")
            .assert_contains(&path);
        official
            .get(&format!("{staff}/{meeting}"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("bartek@example.pl")
            .assert_contains("celina@example.pl")
            .assert_lacks("anna@example.pl");

        // Anna signs up again: the line. The official changes the meeting: fewer places than
        // are taken is refused (what was typed kept); one more place goes to Anna; everyone
        // signed up is told what it is now.
        anna.post(&path, &[("action", "register")])
            .await
            .assert_redirect(&path);
        let edit = format!("{staff}/{meeting}/edit");
        let form = official.get(&edit).await;
        form.assert_status(StatusCode::OK)
            .assert_contains("value=\"2027-03-15T17:00\"")
            .assert_contains("value=\"ul. Bracka 10, sala 200\"");
        let changed = |capacity: &'static str| {
            vec![
                ("title", "Spotkanie w sprawie parku"),
                ("format", "in_person"),
                ("starts", "2027-03-15T17:00"),
                ("ends", "2027-03-15T19:00"),
                ("address", "ul. Bracka 10, sala 201"),
                ("agenda", "Przedstawienie projektu, dyskusja i pytania."),
                ("capacity", capacity),
            ]
        };
        official
            .post(&edit, &changed("1"))
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("id=\"capacity-error\"")
            .assert_contains("Zajętych miejsc jest już 2")
            .assert_contains("value=\"ul. Bracka 10, sala 201\"");
        app.browser()
            .get(&format!("{staff}/{meeting}/edit"))
            .await
            .assert_lacks("sala 201");
        official
            .post(&edit, &changed("3"))
            .await
            .assert_redirect(&format!("{staff}/{meeting}"));
        anna.get(&path)
            .await
            .assert_contains("Masz miejsce na tym spotkaniu.")
            .assert_contains("ul. Bracka 10, sala 201");
        assert_eq!(
            subjects(app.emails_to("anna@example.pl").await)
                .last()
                .unwrap(),
            "Zwolniło się miejsce: Spotkanie w sprawie parku"
        );
        for who in ["bartek@example.pl", "celina@example.pl"] {
            assert_eq!(
                subjects(app.emails_to(who).await).last().unwrap(),
                "Zmiana spotkania: Spotkanie w sprawie parku",
                "{who}"
            );
        }
        let mails = app.emails_to("bartek@example.pl").await;
        assert!(
            mails
                .last()
                .unwrap()
                .body_text
                .contains("ul. Bracka 10, sala 201")
        );

        // A second meeting is called off: who signed up is told why, and hears no reminder.
        official
            .post(
                &staff,
                &[
                    ("title", "Spotkanie w Nowej Hucie"),
                    ("format", "in_person"),
                    ("starts", "2027-03-20T17:00"),
                    ("ends", "2027-03-20T19:00"),
                    ("address", "os. Zgody 7"),
                    ("agenda", "Dyskusja."),
                ],
            )
            .await
            .assert_redirect(&staff);
        let list = official.get(&staff).await;
        let second = list
            .body
            .split(&format!("/staff/consultations/{slug}/meetings/"))
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|id| *id != meeting)
            .unwrap()
            .to_owned();
        let second_path = format!("/consultations/{slug}/meetings/{second}");
        let (mut dorota, _) = app.logged_in("dorota@example.pl", Role::Resident).await;
        dorota
            .post(&second_path, &[("action", "register")])
            .await
            .assert_redirect(&second_path);
        let call_off = format!("{staff}/{second}/cancel");
        official
            .post(&call_off, &[("reason", " ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"reason-error\"");
        official
            .post(
                &call_off,
                &[("reason", "Sala niedostępna; zapraszamy 15 marca.")],
            )
            .await
            .assert_redirect(&format!("{staff}/{second}"));
        official
            .post(&call_off, &[("reason", "Jeszcze raz.")])
            .await
            .assert_status(StatusCode::CONFLICT);
        let mails = app.emails_to("dorota@example.pl").await;
        assert_eq!(
            subjects(mails.clone()),
            [
                "Zapisano Cię na spotkanie: Spotkanie w Nowej Hucie",
                "Odwołano spotkanie: Spotkanie w Nowej Hucie"
            ]
        );
        assert!(
            mails[1]
                .body_text
                .contains("Sala niedostępna; zapraszamy 15 marca.")
        );
        dorota
            .get(&second_path)
            .await
            .assert_contains("Spotkanie odwołane.")
            .assert_lacks("action\" value=\"register");
        dorota
            .post(&second_path, &[("action", "register")])
            .await
            .assert_status(StatusCode::CONFLICT);
        dorota.get("/my").await.assert_lacks(&second_path);

        // The day before, one reminder each (the one rescheduled by the change, not a second)
        // goes to those holding a place, with the meeting as it is now.
        clock.set(day(14) + chrono::Duration::hours(17));
        let mails = app.emails_to("bartek@example.pl").await;
        assert_eq!(
            subjects(mails.clone()),
            [
                "Zapisano Cię na spotkanie: Spotkanie w sprawie parku",
                "Zmiana spotkania: Spotkanie w sprawie parku",
                "Przypomnienie: Spotkanie w sprawie parku"
            ]
        );
        assert!(mails[2].body_text.contains("ul. Bracka 10, sala 201"));
        assert!(mails[2].body_text.contains("15.03.2027, 17:00–19:00"));
        for who in ["celina@example.pl", "anna@example.pl"] {
            let reminders = subjects(app.emails_to(who).await)
                .into_iter()
                .filter(|s| s.starts_with("Przypomnienie"))
                .count();
            assert_eq!(reminders, 1, "{who}");
        }

        // The calendar file.
        let ics = app.browser().get(&format!("{path}/calendar.ics")).await;
        ics.assert_status(StatusCode::OK);
        assert_eq!(
            ics.header("content-type"),
            Some("text/calendar; charset=utf-8")
        );
        assert!(ics.body.contains("BEGIN:VEVENT\r\n"));
        assert!(ics.body.contains("DTSTART:20270315T160000Z\r\n"));
        assert!(ics.body.contains("LOCATION:ul. Bracka 10\\, sala 201\r\n"));
        assert!(ics.body.lines().all(|l| l.len() <= 75));

        // Once it has begun, nobody signs up; minutes wait for its end.
        clock.set(day(15) + chrono::Duration::hours(17));
        anna.post(&path, &[("action", "register")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("już się rozpoczął");
        official
            .post(
                &format!("{staff}/{meeting}"),
                &[("minutes", "Omówiono projekt.")],
            )
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Notatkę można opublikować dopiero po zakończeniu spotkania.")
            .assert_contains("Omówiono projekt.</textarea>");
        clock.set(day(16));
        // Staff of another city unit do not write this unit's minutes.
        let (mut other_unit, _) = app.logged_in("zdmk@um.krakow.pl", Role::UnitStaff).await;
        other_unit
            .get(&format!("{staff}/{meeting}"))
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks("name=\"minutes\"");
        other_unit
            .post(&format!("{staff}/{meeting}"), &[("minutes", "Nie nasze.")])
            .await
            .assert_status(StatusCode::FORBIDDEN)
            .assert_contains("Nie nasze.</textarea>");
        official
            .post(&format!("{staff}/{meeting}"), &[("minutes", " ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"minutes-error\"");
        official
            .post(
                &format!("{staff}/{meeting}"),
                &[(
                    "minutes",
                    "Omówiono projekt. Mieszkańcy prosili o więcej ławek.",
                )],
            )
            .await
            .assert_redirect(&format!("{staff}/{meeting}"));
        app.browser()
            .get(&path)
            .await
            .assert_contains("Mieszkańcy prosili o więcej ławek.");
        let audit =
            miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
                .await
                .unwrap();
        let actions: Vec<_> = audit.items.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"consultation_meeting_added"));
        assert!(actions.contains(&"consultation_minutes_published"));

        // After closing: no new meetings; the report carries the minutes.
        clock.set(day(29));
        official
            .post(
                &staff,
                &[
                    ("title", "Za późno"),
                    ("format", "online"),
                    ("starts", "2027-04-02T17:00"),
                    ("ends", "2027-04-02T18:00"),
                    ("link", "https://spotkania.krakow.pl/x"),
                    ("agenda", "Nic."),
                ],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await;
        app.browser()
            .get(&format!("/consultations/{slug}/report"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Mieszkańcy prosili o więcej ławek.");
        // The called-off meeting's reminder never went.
        assert_eq!(app.emails_to("dorota@example.pl").await.len(), 2);
    })
    .await;
}

/// A resident books `slot` with a topic.
async fn book(
    b: &mut Browser<'_>,
    path: &str,
    slot: &str,
    contact: &str,
) -> crate::harness::TestResponse {
    b.post(
        path,
        &[
            ("action", "book"),
            ("slot", slot),
            ("name", "Anna Nowak"),
            ("contact", contact),
            ("topic", "Wycinka drzew przy Wielickiej"),
        ],
    )
    .await
}

#[tokio::test]
async fn duty_hour_slots_are_booked_once_one_per_resident_and_staff_book_for_callers() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_meetings(&app, &mut official).await;
        let staff = format!("/staff/consultations/{slug}/meetings");
        official
            .post(
                &format!("/staff/consultations/{slug}/duty-hours"),
                &[
                    ("expert", "Wydział Kształtowania Środowiska"),
                    ("mode", "phone"),
                    ("starts", "2027-03-10T08:00"),
                    ("ends", "2027-03-10T10:00"),
                    ("phone", ""),
                    ("slot_minutes", "30"),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"phone-error\"")
            .assert_contains("value=\"Wydział Kształtowania Środowiska\"");
        official
            .post(
                &format!("/staff/consultations/{slug}/duty-hours"),
                &[
                    ("expert", "Wydział Kształtowania Środowiska"),
                    ("mode", "in_person"),
                    ("starts", "2027-03-10T08:00"),
                    ("ends", "2027-03-10T10:00"),
                    ("place", "ul. Wielicka 28a, pokój 13"),
                    ("slot_minutes", "30"),
                ],
            )
            .await
            .assert_redirect(&staff);
        let list = official.get(&staff).await;
        let hour = id_after(
            &list.body,
            &format!("/staff/consultations/{slug}/duty-hours/"),
        );
        let path = format!("/consultations/{slug}/duty-hours/{hour}");
        clock.set(day(2));
        let page = app.browser().get(&path).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("08:00–08:30");
        let db = &app.db.db;
        let c = miasto_store::consultations::get_by_slug(db, &slug)
            .await
            .unwrap()
            .unwrap();
        let d = miasto_store::consultations::meetings::duty_hours(db, c.id)
            .await
            .unwrap()
            .remove(0);
        let slots: Vec<String> = miasto_store::consultations::meetings::slots(db, d.id)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id.to_string())
            .collect();
        assert_eq!(slots.len(), 4);

        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let (mut bartek, _) = app.logged_in("bartek@example.pl", Role::Resident).await;
        // Bad input: every field named, the text kept.
        anna.post(
            &path,
            &[
                ("action", "book"),
                ("slot", ""),
                ("name", ""),
                ("contact", "nie wiem"),
                ("topic", "Wycinka drzew przy Wielickiej"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"name-error\"")
        .assert_contains("id=\"contact-error\"")
        .assert_contains("Wycinka drzew przy Wielickiej</textarea>");
        book(&mut anna, &path, &slots[0], "anna@example.pl")
            .await
            .assert_redirect(&path);
        book(&mut bartek, &path, &slots[0], "bartek@example.pl")
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Ten termin ktoś zarezerwował przed chwilą.")
            .assert_contains("Wycinka drzew przy Wielickiej</textarea>");
        book(&mut bartek, &path, &slots[1], "bartek@example.pl")
            .await
            .assert_redirect(&path);
        book(&mut anna, &path, &slots[2], "anna@example.pl")
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Jesteś już zapisany(-a)");
        anna.get(&path)
            .await
            .assert_contains("Masz zarezerwowany termin")
            .assert_contains("10.03.2027, 08:00–08:30");
        let mails = app.emails_to("anna@example.pl").await;
        assert_eq!(mails.len(), 1);
        assert!(
            mails[0]
                .subject
                .starts_with("Rezerwacja dyżuru: Wydział Kształtowania Środowiska")
        );
        assert!(mails[0].body_text.contains("ul. Wielicka 28a, pokój 13"));

        // A resident telephones: an operator books for them (no e-mail to send).
        let (mut operator, _) = app
            .logged_in("infolinia@um.krakow.pl", Role::Operator)
            .await;
        let staff_hour = format!("/staff/consultations/{slug}/duty-hours/{hour}");
        operator
            .post(
                &staff_hour,
                &[
                    ("action", "book"),
                    ("slot", &slots[2]),
                    ("name", "Jan Kowalski"),
                    ("contact", "12 345 67 89"),
                    ("topic", "Ścieżka rowerowa"),
                ],
            )
            .await
            .assert_redirect(&staff_hour);
        // A resident cannot use the staff page.
        anna.post(
            &staff_hour,
            &[
                ("action", "book"),
                ("slot", &slots[3]),
                ("name", "X"),
                ("contact", "x@example.pl"),
                ("topic", "Y"),
            ],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
        let page = operator.get(&staff_hour).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("Jan Kowalski")
            .assert_contains("123456789")
            .assert_contains("zapisany przez urząd")
            .assert_contains("channel=duty_hour&#38;author_name=Jan+Kowalski");
        // Staff cancel Anna's booking: she is told, her reminder is taken back, the slot is
        // free again.
        let anna_booking = id_after(&page.body, "name=\"booking\" value=\"");
        operator
            .post(
                &staff_hour,
                &[("action", "cancel"), ("booking", &anna_booking)],
            )
            .await
            .assert_redirect(&staff_hour);
        let mails = app.emails_to("anna@example.pl").await;
        assert_eq!(mails.len(), 2);
        assert!(mails[1].subject.starts_with("Odwołano rezerwację dyżuru:"));
        anna.get(&path)
            .await
            .assert_lacks("Masz zarezerwowany termin")
            .assert_contains(&format!("value=\"{}\"", slots[0]));
        bartek.get("/my").await.assert_contains(&path);
        // Bartek cancels himself; then the day before, nobody is reminded.
        bartek
            .post(&path, &[("action", "cancel")])
            .await
            .assert_redirect(&path);
        clock.set(day(9) + chrono::Duration::hours(12));
        assert_eq!(app.emails_to("anna@example.pl").await.len(), 2);
        assert_eq!(app.emails_to("bartek@example.pl").await.len(), 1);
        book(&mut anna, &path, &slots[1], "anna@example.pl")
            .await
            .assert_redirect(&path);
        // Once a slot has begun it cannot be booked.
        clock.set(day(10) + chrono::Duration::hours(8));
        book(&mut bartek, &path, &slots[0], "bartek@example.pl")
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("już się rozpoczął");
        // Nor can a booking be cancelled once its slot has begun — by the resident or by
        // staff: it is the record of who came.
        clock.set(day(10) + chrono::Duration::hours(16));
        anna.get(&path)
            .await
            .assert_contains("Masz zarezerwowany termin")
            .assert_lacks("name=\"action\" value=\"cancel\"");
        anna.post(&path, &[("action", "cancel")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("już się rozpoczął");
        let page = operator.get(&staff_hour).await;
        page.assert_lacks("value=\"cancel\"");
        let booking = miasto_store::consultations::meetings::bookings(
            &app.db.db,
            uuid::Uuid::parse_str(&hour).unwrap(),
        )
        .await
        .unwrap()[0]
            .id
            .to_string();
        operator
            .post(&staff_hour, &[("action", "cancel"), ("booking", &booking)])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("już się rozpoczął");
        assert_eq!(
            miasto_store::consultations::meetings::bookings(
                &app.db.db,
                uuid::Uuid::parse_str(&hour).unwrap()
            )
            .await
            .unwrap()
            .len(),
            2,
            "both bookings kept"
        );
        // After the talk, the comment form opens with the channel chosen and the name in.
        operator
            .get(&format!(
                "/staff/consultations/{slug}/comments?channel=duty_hour&author_name=Jan+Kowalski"
            ))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("value=\"Jan Kowalski\"")
            .assert_contains("value=\"duty_hour\" selected");
    })
    .await;
}

#[tokio::test]
async fn a_duty_hour_called_off_cancels_its_bookings_and_takes_no_more() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let slug = with_meetings(&app, &mut official).await;
        let staff = format!("/staff/consultations/{slug}/meetings");
        official
            .post(
                &format!("/staff/consultations/{slug}/duty-hours"),
                &[
                    ("expert", "Zarząd Zieleni Miejskiej"),
                    ("mode", "in_person"),
                    ("starts", "2027-03-10T08:00"),
                    ("ends", "2027-03-10T09:00"),
                    ("place", "ul. Reymonta 20"),
                    ("slot_minutes", "30"),
                ],
            )
            .await
            .assert_redirect(&staff);
        let list = official.get(&staff).await;
        let hour = id_after(
            &list.body,
            &format!("/staff/consultations/{slug}/duty-hours/"),
        );
        let path = format!("/consultations/{slug}/duty-hours/{hour}");
        let staff_hour = format!("/staff/consultations/{slug}/duty-hours/{hour}");
        clock.set(day(2));
        let c = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
            .await
            .unwrap()
            .unwrap();
        let d = miasto_store::consultations::meetings::duty_hours(&app.db.db, c.id)
            .await
            .unwrap()
            .remove(0);
        let slots = miasto_store::consultations::meetings::slots(&app.db.db, d.id)
            .await
            .unwrap();
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        book(
            &mut anna,
            &path,
            &slots[0].id.to_string(),
            "anna@example.pl",
        )
        .await
        .assert_redirect(&path);
        // A reason is needed; residents cannot call it off.
        anna.post(&format!("{staff_hour}/cancel"), &[("reason", "Nie.")])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        official
            .post(&format!("{staff_hour}/cancel"), &[("reason", " ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"reason-error\"");
        official
            .post(
                &format!("{staff_hour}/cancel"),
                &[("reason", "Ekspert zachorował; nowy termin podamy wkrótce.")],
            )
            .await
            .assert_redirect(&staff_hour);
        // Anna is told why, her booking is gone, nobody books any more.
        let mails = app.emails_to("anna@example.pl").await;
        let last = mails.last().unwrap();
        assert!(
            last.subject.starts_with("Odwołano rezerwację dyżuru:"),
            "{}",
            last.subject
        );
        assert!(last.body_text.contains("Ekspert zachorował"));
        anna.get(&path)
            .await
            .assert_contains("Dyżur odwołany.")
            .assert_contains("Ekspert zachorował")
            .assert_lacks("Masz zarezerwowany termin")
            .assert_lacks("name=\"slot\"");
        assert!(
            miasto_store::consultations::meetings::bookings(&app.db.db, d.id)
                .await
                .unwrap()
                .is_empty()
        );
        book(
            &mut anna,
            &path,
            &slots[1].id.to_string(),
            "anna@example.pl",
        )
        .await
        .assert_status(StatusCode::CONFLICT);
        official
            .get(&staff_hour)
            .await
            .assert_contains("Dyżur odwołany.")
            .assert_lacks(&format!("{staff_hour}/cancel"));
        app.browser()
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_contains("odwołane");
        // Called off once only.
        official
            .post(&format!("{staff_hour}/cancel"), &[("reason", "Znowu.")])
            .await
            .assert_status(StatusCode::CONFLICT);
        // The reminder the day before is not sent.
        clock.set(day(9) + chrono::Duration::hours(12));
        assert_eq!(app.emails_to("anna@example.pl").await.len(), mails.len());
    })
    .await;
}
