use super::*;

fn raw(pairs: &[(&str, &str)]) -> Raw {
    let mut out: Raw = HashMap::new();
    for (k, v) in pairs {
        out.entry((*k).to_owned())
            .or_default()
            .push((*v).to_owned());
    }
    out
}

fn survey() -> Survey {
    let mut s = Survey::default();
    for q in [
        RawQuestion {
            kind: "single",
            text: "Czy brałeś udział w konsultacjach?",
            options: "Tak\nNie",
            required: true,
            ..Default::default()
        },
        RawQuestion {
            kind: "long_text",
            text: "Dlaczego nie?",
            shown_if: "q1:1",
            required: true,
            ..Default::default()
        },
        RawQuestion {
            kind: "multiple",
            text: "Które formy lubisz?",
            options: "Spotkania\nAnkiety\nDyżury",
            ..Default::default()
        },
        RawQuestion {
            kind: "ranking",
            text: "Uszereguj",
            options: "A\nB\nC",
            ..Default::default()
        },
        RawQuestion {
            kind: "matrix",
            text: "Oceń",
            options: "1\n2\n3",
            rows: "Informacja\nTerminy",
            required: true,
            ..Default::default()
        },
        RawQuestion {
            kind: "scale",
            text: "Ogólnie",
            options: "1\n2\n3\n4\n5",
            ..Default::default()
        },
    ] {
        let q = s.check_question(&q).unwrap();
        s.questions.push(q);
    }
    s
}

#[test]
fn a_question_is_checked_field_by_field() {
    let s = survey();
    assert_eq!(
        s.questions
            .iter()
            .map(|q| q.key.as_str())
            .collect::<Vec<_>>(),
        ["q1", "q2", "q3", "q4", "q5", "q6"]
    );
    let errors = s
        .check_question(&RawQuestion {
            kind: "single",
            options: "Tylko jedna",
            shown_if: "q4:0",
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        errors,
        [
            ("text", FieldError::Required),
            ("options", FieldError::TooShort),
            ("shown_if", FieldError::CodeInvalid)
        ]
    );
    assert_eq!(
        s.check_question(&RawQuestion {
            kind: "poll",
            text: "?",
            ..Default::default()
        })
        .unwrap_err(),
        [("kind", FieldError::KindUnknown)]
    );
    assert_eq!(
        s.check_question(&RawQuestion {
            kind: "matrix",
            text: "?",
            options: "a\nb",
            ..Default::default()
        })
        .unwrap_err(),
        [("rows", FieldError::Required)]
    );
}

#[test]
fn keys_never_come_back_and_conditions_follow_their_question() {
    let mut s = survey();
    assert!(
        !s.shift("q2", true),
        "q2 cannot go above the question it depends on"
    );
    assert!(s.shift("q3", true));
    assert_eq!(s.questions[1].key, "q3");
    assert!(s.remove("q1"));
    assert_eq!(s.question("q2").unwrap().shown_if, None);
    assert_eq!(s.next_key(), "q7");
    assert!(!s.remove("q1"));
}

#[test]
fn a_response_is_checked_once_and_hidden_questions_are_left_out() {
    let s = survey();
    // Required ones missing when sending; saving keeps what is valid.
    let errors = check_response(&s, &raw(&[]), true).unwrap_err();
    assert_eq!(
        errors,
        [
            ("q1".to_owned(), FieldError::Required),
            ("q5".to_owned(), FieldError::Required)
        ]
    );
    assert!(check_response(&s, &raw(&[]), false).unwrap().is_empty());
    // q2 is shown only after "Nie"; then it is required.
    let errors =
        check_response(&s, &raw(&[("q1", "1"), ("q5-0", "0"), ("q5-1", "2")]), true).unwrap_err();
    assert_eq!(errors, [("q2".to_owned(), FieldError::Required)]);
    let answers = check_response(
        &s,
        &raw(&[
            ("q1", "0"),
            ("q2", "To pole jest ukryte i pominięte."),
            ("q3", "2"),
            ("q3", "0"),
            ("q3", "2"),
            ("q4-0", "3"),
            ("q4-1", "1"),
            ("q4-2", "2"),
            ("q5-0", "0"),
            ("q5-1", "2"),
            ("q6", "4"),
        ]),
        true,
    )
    .unwrap();
    assert_eq!(
        answers,
        [
            ("q1".to_owned(), Answer::Choice(0)),
            ("q3".to_owned(), Answer::Choices(vec![0, 2])),
            ("q4".to_owned(), Answer::Ranking(vec![1, 2, 0])),
            ("q5".to_owned(), Answer::Matrix(vec![Some(0), Some(2)])),
            ("q6".to_owned(), Answer::Choice(4)),
        ]
    );
    assert!(tally_keys(&answers).contains(&"q4:1@1".to_owned()));
    assert!(tally_keys(&answers).contains(&"q5:r1:c2".to_owned()));
    // Tampered values are named, not ignored.
    let errors = check_response(
        &s,
        &raw(&[
            ("q1", "7"),
            ("q4-0", "1"),
            ("q4-1", "1"),
            ("q4-2", "2"),
            ("q5-0", "9"),
        ]),
        false,
    )
    .unwrap_err();
    let keys: Vec<&str> = errors.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["q1", "q4", "q5"]);
    // A matrix half answered is refused when required and sent.
    let errors = check_response(&s, &raw(&[("q1", "0"), ("q5-0", "1")]), true).unwrap_err();
    assert_eq!(errors, [("q5".to_owned(), FieldError::Required)]);
    assert_eq!(
        check_demographics("25-34", "").unwrap(),
        (Some("25-34".into()), None)
    );
    assert_eq!(check_demographics("100", "x").unwrap_err().len(), 2);
}
