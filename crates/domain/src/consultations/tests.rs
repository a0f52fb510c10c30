use super::*;
use chrono::TimeZone;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 8, 0, 0).unwrap()
}

fn schedule(
    kind: Kind,
    info: u32,
    opens: u32,
    closes: u32,
    report: u32,
) -> Result<Schedule, ScheduleError> {
    Schedule::new(
        kind,
        &Minimums::default(),
        at(info),
        at(opens),
        at(closes),
        at(report),
    )
}

#[test]
fn schedules_keep_the_citys_minimums() {
    assert!(
        schedule(Kind::Standard, 1, 8, 29, 31).is_ok(),
        "7 days + 21 days"
    );
    assert_eq!(
        schedule(Kind::Standard, 1, 7, 29, 31),
        Err(ScheduleError::InformationTooShort)
    );
    assert_eq!(
        schedule(Kind::Standard, 1, 8, 28, 31),
        Err(ScheduleError::TooShort)
    );
    assert_eq!(
        schedule(Kind::Standard, 1, 8, 5, 31),
        Err(ScheduleError::OutOfOrder)
    );
    assert_eq!(
        schedule(Kind::Standard, 1, 8, 29, 28),
        Err(ScheduleError::OutOfOrder)
    );
    // Small Consultations: 14 to 30 days, report within 30 days.
    assert!(schedule(Kind::Small, 1, 8, 22, 31).is_ok());
    assert_eq!(
        schedule(Kind::Small, 1, 8, 21, 31),
        Err(ScheduleError::TooShort)
    );
    let long = Schedule::new(
        Kind::Small,
        &Minimums::default(),
        at(1),
        at(8),
        at(8) + Duration::days(31),
        at(8) + Duration::days(40),
    );
    assert_eq!(long, Err(ScheduleError::TooLong));
    let late = Schedule::new(
        Kind::Small,
        &Minimums::default(),
        at(1),
        at(8),
        at(22),
        at(22) + Duration::days(31),
    );
    assert_eq!(late, Err(ScheduleError::ReportTooLate));
    // Another city's minimums.
    let lenient = Minimums {
        information_days: 0,
        consultation_days: 1,
        ..Minimums::default()
    };
    assert!(Schedule::new(Kind::Standard, &lenient, at(1), at(1), at(2), at(3)).is_ok());
    // 21 calendar days across the change to summer time (28 March 2027) are 21 days, though
    // one hour short of 21 × 24 hours.
    let cet = Utc.with_ymd_and_hms(2027, 3, 7, 23, 0, 0).unwrap();
    let cest = Utc.with_ymd_and_hms(2027, 3, 28, 22, 0, 0).unwrap();
    let week_before = cet - Duration::days(7);
    assert!(
        Schedule::new(
            Kind::Standard,
            &Minimums::default(),
            week_before,
            cet,
            cest,
            cest
        )
        .is_ok()
    );
}

#[test]
fn the_phase_follows_the_dates_and_what_was_published() {
    let s = schedule(Kind::Standard, 2, 9, 30, 31).unwrap();
    let state = |published, cancelled, reported| State {
        published,
        cancelled,
        reported,
        schedule: s,
    };
    assert_eq!(state(false, false, false).phase(at(15)), Phase::Draft);
    let published = state(true, false, false);
    assert_eq!(published.phase(at(1)), Phase::Announced);
    assert_eq!(published.phase(at(2)), Phase::Information);
    assert_eq!(published.phase(at(9)), Phase::Open);
    assert_eq!(published.phase(at(30)), Phase::Analysis);
    assert_eq!(state(true, false, true).phase(at(31)), Phase::Reported);
    assert_eq!(state(true, true, false).phase(at(15)), Phase::Cancelled);
}

#[test]
fn a_passed_date_stays_and_no_coming_one_moves_into_the_past() {
    let s = schedule(Kind::Standard, 2, 9, 30, 31).unwrap();
    let later = schedule(Kind::Standard, 2, 9, 30, 31).unwrap();
    assert!(s.check_move(&later, at(10)).is_ok());
    let extended = Schedule {
        closes: at(31),
        ..s
    };
    assert!(
        s.check_move(&extended, at(10)).is_ok(),
        "a running consultation may be extended"
    );
    let reopened = Schedule { opens: at(12), ..s };
    assert_eq!(
        s.check_move(&reopened, at(10)),
        Err(ScheduleError::PastFixed)
    );
    let cut = Schedule { closes: at(9), ..s };
    assert_eq!(s.check_move(&cut, at(10)), Err(ScheduleError::PastFixed));
}

#[test]
fn who_may_do_what_when() {
    let resident = Actor {
        user: Some(UserId::new()),
        role: Some(Role::Resident),
    };
    let official = Actor {
        user: Some(UserId::new()),
        role: Some(Role::Official),
    };
    let operator = Actor {
        user: Some(UserId::new()),
        role: Some(Role::Operator),
    };
    assert_eq!(
        may(&Actor::ANONYMOUS, Action::TakePart, Phase::Open),
        Err(Refusal::SignIn)
    );
    assert_eq!(may(&resident, Action::TakePart, Phase::Open), Ok(()));
    for phase in [
        Phase::Information,
        Phase::Analysis,
        Phase::Reported,
        Phase::Cancelled,
    ] {
        assert_eq!(
            may(&resident, Action::TakePart, phase),
            Err(Refusal::Phase),
            "{phase:?}"
        );
    }
    assert_eq!(
        may(&resident, Action::Publish, Phase::Draft),
        Err(Refusal::Forbidden)
    );
    assert_eq!(may(&official, Action::Publish, Phase::Draft), Ok(()));
    assert_eq!(
        may(&official, Action::Publish, Phase::Open),
        Err(Refusal::Phase)
    );
    assert_eq!(
        may(&official, Action::EditPlan, Phase::Analysis),
        Err(Refusal::Phase)
    );
    assert_eq!(
        may(&operator, Action::RecordComment, Phase::Analysis),
        Ok(())
    );
    assert_eq!(
        may(&operator, Action::Publish, Phase::Draft),
        Err(Refusal::Forbidden)
    );
    assert_eq!(
        may(&official, Action::PublishReport, Phase::Open),
        Err(Refusal::Phase)
    );
    assert_eq!(
        may(&official, Action::PublishReport, Phase::Analysis),
        Ok(())
    );
}

#[test]
fn a_plan_names_every_problem_at_once() {
    let raw = RawPlan {
        kind: "standard",
        title: " Jak rozwijać konsultacje społeczne w Krakowie? ",
        goal: "Poznać opinie mieszkańców.",
        legal_basis: "",
        target_groups: "Mieszkańcy Krakowa",
        contact_name: "Wydział Dialogu",
        contact_email: "dialog@um.krakow.pl",
        contact_phone: "12 616 55 55",
    };
    let plan = check_plan(&raw).unwrap();
    assert_eq!(plan.title, "Jak rozwijać konsultacje społeczne w Krakowie?");
    assert_eq!(plan.legal_basis, None);
    assert_eq!(plan.contact_phone.unwrap().as_str(), "+48126165555");
    let bad = RawPlan {
        kind: "big",
        title: "",
        contact_email: "nie-adres",
        contact_phone: "abc",
        ..raw
    };
    let fields: Vec<&str> = check_plan(&bad)
        .unwrap_err()
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["kind", "title", "contact_email", "contact_phone"]);
}

#[test]
fn organisation_needs_a_unit_a_method_and_an_area() {
    let unit = UnitId::new();
    let district = DistrictId::new();
    let ok = check_organisation(
        Some(unit),
        &["comments", "survey", "survey"],
        false,
        vec![district],
    )
    .unwrap();
    assert_eq!(ok.methods, [Method::Survey, Method::Comments]);
    assert_eq!(ok.area, Area::Districts(vec![district]));
    let fields: Vec<&str> = check_organisation(None, &[], false, vec![])
        .unwrap_err()
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["unit", "methods", "area"]);
    assert_eq!(
        check_organisation(Some(unit), &["poll"], true, vec![]).unwrap_err(),
        [("methods", FieldError::KindUnknown)]
    );
}

#[test]
fn comments_come_by_the_methods_the_plan_offers() {
    use comments::Channel;
    let resident = Actor {
        user: Some(UserId::new()),
        role: Some(Role::Resident),
    };
    let operator = Actor {
        user: Some(UserId::new()),
        role: Some(Role::Operator),
    };
    let methods = [Method::Comments, Method::DutyHours];
    assert_eq!(
        may_comment(&resident, Channel::Web, Phase::Open, &methods),
        Ok(())
    );
    assert_eq!(
        may_comment(&resident, Channel::Web, Phase::Open, &[Method::Survey]),
        Err(Refusal::NoMethod)
    );
    assert_eq!(
        may_comment(&resident, Channel::Web, Phase::Analysis, &methods),
        Err(Refusal::Phase)
    );
    assert_eq!(
        may_comment(&resident, Channel::Paper, Phase::Open, &[Method::Paper]),
        Err(Refusal::Forbidden)
    );
    assert_eq!(
        may_comment(&operator, Channel::DutyHour, Phase::Analysis, &methods),
        Ok(())
    );
    assert_eq!(
        may_comment(&operator, Channel::Letter, Phase::Open, &methods),
        Err(Refusal::NoMethod)
    );
    assert_eq!(
        may_comment(&operator, Channel::Paper, Phase::Reported, &[Method::Paper]),
        Err(Refusal::Phase)
    );
}

#[test]
fn an_interest_matches_its_district_and_topic() {
    let here = DistrictId(uuid::Uuid::from_u128(1));
    let there = DistrictId(uuid::Uuid::from_u128(2));
    let green = Interest {
        district: Some(here),
        topic: Some(Topic::Greenery),
    };
    let area = Area::Districts(vec![here]);
    assert!(green.matches(&area, &[Topic::Transport, Topic::Greenery]));
    assert!(green.matches(&Area::CityWide, &[Topic::Greenery]));
    assert!(!green.matches(&Area::Districts(vec![there]), &[Topic::Greenery]));
    assert!(!green.matches(&area, &[Topic::Transport]));
    assert!(!green.matches(&area, &[]));
    let anything = Interest {
        district: None,
        topic: None,
    };
    assert!(anything.matches(&Area::Districts(vec![there]), &[]));
    assert_eq!(
        check_topics(&["transport", "greenery", "transport"]),
        Ok(vec![Topic::Greenery, Topic::Transport])
    );
    assert_eq!(check_topics(&["fireworks"]), Err(FieldError::KindUnknown));
}

#[test]
fn an_outline_is_read_as_typed_or_drawn() {
    assert_eq!(check_outline("  \n "), Ok(None));
    let o = check_outline(
        "50.0625, 19.9360\n50.0625 19.9390; 50.0610,19.9390\n50.0610, 19.9360\n50.0625, 19.9360",
    )
    .unwrap()
    .unwrap();
    assert_eq!(o.0.len(), 4, "the closing corner counts once");
    assert_eq!(o.0[0], (50_062_500, 19_936_000));
    assert_eq!(check_outline(&o.as_text()), Ok(Some(o.clone())));
    assert_eq!(
        check_outline("50.06, 19.93\n50.07, 19.94"),
        Err(FieldError::TooShort)
    );
    assert_eq!(
        check_outline("50.06, 19.93\nnorth, 19.94\n50.05 19.92"),
        Err(FieldError::NumberInvalid)
    );
    assert_eq!(
        check_outline("50.06, 19.93, 7"),
        Err(FieldError::NumberInvalid)
    );
    assert!(check_outline("95, 19.93\n50.07, 19.94\n50.05, 19.92").is_err());
    let many: Vec<String> = (0..=OUTLINE_MAX)
        .map(|i| format!("50.{i:04}, 19.9"))
        .collect();
    assert_eq!(check_outline(&many.join("\n")), Err(FieldError::TooLong));
}

#[test]
fn the_earliest_schedule_passes_the_rules_for_both_kinds() {
    let from = chrono::DateTime::parse_from_rfc3339("2027-03-28T10:00:00+01:00")
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    for kind in Kind::ALL {
        let m = Minimums::default();
        let s = Schedule::earliest(kind, &m, from);
        assert_eq!(
            Schedule::new(kind, &m, s.information, s.opens, s.closes, s.report_due),
            Ok(s),
            "{kind:?}"
        );
    }
}
