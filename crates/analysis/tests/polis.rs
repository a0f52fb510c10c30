//! Our opinion groups against Pol.is's own, on two public Pol.is conversations
//! (`tests/data/polis/`, see its SOURCES.md; data CC BY 4.0 / from red-dwarf's fixtures).
//!
//! - `math-below-100-ptpts`: the Pol.is server's full math output. Given Pol.is's groups, our
//!   representative statements, consensus and group-informed consensus equal Pol.is's to
//!   1e-6; our PCA centre, participants in the conversation and groups equal Pol.is's.
//! - `scoop-hivemind.biodiversity`: 536 participants' votes with Pol.is's group for each; our
//!   groups agree with Pol.is's (adjusted Rand index ≥ 0.95 with Pol.is's k).

use miasto_analysis::metrics::adjusted_rand_index;
use miasto_analysis::opinion::{self, Direction, KSmoother, Options, Representative, Vote, Votes};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const SMALL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/polis/math-below-100-ptpts"
);
const BIODIVERSITY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/polis/scoop-hivemind.biodiversity"
);

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn int(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn float(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

struct Small {
    votes: Votes,
    moderated_out: Vec<bool>,
    math: Value,
}

fn small() -> Small {
    let raw = json(&format!("{SMALL}/votes.json"));
    let mut rows: Vec<&Value> = raw
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    // The last vote counts: replay in the order they were made.
    rows.sort_by_key(|v| int(&v["modified"]));
    let mut votes = Votes::new();
    for v in rows {
        let vote = Vote::from_export(int(&v["vote"])).unwrap_or_else(|| panic!("{v}"));
        votes.record(int(&v["pid"]) as usize, int(&v["tid"]) as usize, vote);
    }
    let math = json(&format!("{SMALL}/math-pca2.json"));
    let mut moderated_out = vec![false; votes.statements()];
    for t in math["mod-out"].as_array().into_iter().flatten() {
        moderated_out[int(t) as usize] = true;
    }
    // The conversation's comments agree with the math's moderation.
    let comments = json(&format!("{SMALL}/comments.json"));
    for c in comments.as_array().into_iter().flatten() {
        let tid = int(&c["tid"]) as usize;
        if tid < moderated_out.len() {
            assert_eq!(moderated_out[tid], int(&c["mod"]) == -1, "tid {tid}");
        }
    }
    Small {
        votes,
        moderated_out,
        math,
    }
}

/// Pol.is's groups as participant lists (group clusters hold base-cluster ids).
fn polis_groups(math: &Value) -> Vec<Vec<usize>> {
    let base = &math["base-clusters"];
    let ids: Vec<i64> = base["id"]
        .as_array()
        .into_iter()
        .flatten()
        .map(int)
        .collect();
    let members: Vec<Vec<usize>> = base["members"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|ms| {
            ms.as_array()
                .into_iter()
                .flatten()
                .map(|m| int(m) as usize)
                .collect()
        })
        .collect();
    math["group-clusters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            let mut out: Vec<usize> = g["members"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|b| {
                    let i = ids
                        .iter()
                        .position(|&id| id == int(b))
                        .unwrap_or(usize::MAX);
                    members[i].clone()
                })
                .collect();
            out.sort_unstable();
            out
        })
        .collect()
}

fn close(ours: f64, theirs: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= 1e-6,
        "{what}: ours {ours}, Pol.is {theirs}"
    );
}

fn check_representative(ours: &[Representative], theirs: &Value, group: usize) {
    let theirs = theirs.as_array().cloned().unwrap_or_default();
    let ours_ids: Vec<usize> = ours.iter().map(|r| r.statement).collect();
    let theirs_ids: Vec<usize> = theirs.iter().map(|r| int(&r["tid"]) as usize).collect();
    assert_eq!(
        ours_ids, theirs_ids,
        "group {group}: representative statements"
    );
    for (o, t) in ours.iter().zip(&theirs) {
        let what = format!("group {group}, statement {}", o.statement);
        let direction = match o.direction {
            Direction::Agree => "agree",
            Direction::Disagree => "disagree",
        };
        assert_eq!(
            direction,
            t["repful-for"].as_str().unwrap_or_default(),
            "{what}"
        );
        assert_eq!(o.n_success as i64, int(&t["n-success"]), "{what}");
        assert_eq!(o.n_trials as i64, int(&t["n-trials"]), "{what}");
        close(
            o.p_success,
            float(&t["p-success"]),
            &format!("{what} p-success"),
        );
        close(o.p_test, float(&t["p-test"]), &format!("{what} p-test"));
        close(o.repness, float(&t["repness"]), &format!("{what} repness"));
        // Pol.is stores the repness test as a 32-bit float.
        close(
            f64::from(o.repness_test as f32),
            float(&t["repness-test"]),
            &format!("{what} repness-test"),
        );
        assert_eq!(
            o.best_agree,
            t["best-agree"].as_bool().unwrap_or(false),
            "{what}"
        );
    }
}

#[test]
fn given_polis_groups_our_statements_equal_polis_math_output() {
    let s = small();
    let groups = polis_groups(&s.math);
    assert_eq!(groups.len(), 3, "the conversation has three groups");
    let (representative, consensus, gac) =
        opinion::statements_for_groups(&s.votes, &s.moderated_out, &groups);
    for (g, ours) in representative.iter().enumerate() {
        check_representative(ours, &s.math["repness"][g.to_string()], g);
    }
    for (ours, key) in [
        (&consensus.agree, "agree"),
        (&consensus.disagree, "disagree"),
    ] {
        let theirs = s.math["consensus"][key]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ids: Vec<usize> = ours.iter().map(|c| c.statement).collect();
        let their_ids: Vec<usize> = theirs.iter().map(|c| int(&c["tid"]) as usize).collect();
        assert_eq!(ids, their_ids, "consensus {key}");
        for (o, t) in ours.iter().zip(&theirs) {
            assert_eq!(o.n_success as i64, int(&t["n-success"]));
            assert_eq!(o.n_trials as i64, int(&t["n-trials"]));
            close(o.p_success, float(&t["p-success"]), "consensus p-success");
            close(o.p_test, float(&t["p-test"]), "consensus p-test");
        }
    }
    let theirs = s.math["group-aware-consensus"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(theirs.len(), 44);
    for (tid, value) in &theirs {
        let tid: usize = tid.parse().unwrap_or(usize::MAX);
        let ours = gac[tid].unwrap_or(f64::NAN);
        close(
            ours,
            float(value),
            &format!("group-informed consensus of {tid}"),
        );
    }
}

#[test]
fn the_whole_update_reproduces_polis_centre_participants_and_groups() {
    let s = small();
    let a = opinion::analyse(&s.votes, &s.moderated_out, &Options::default());
    let pca = a.pca.as_ref().unwrap_or_else(|| panic!("no PCA"));
    let center: Vec<f64> = s.math["pca"]["center"]
        .as_array()
        .into_iter()
        .flatten()
        .map(float)
        .collect();
    assert_eq!(pca.center.len(), center.len());
    for (i, (o, t)) in pca.center.iter().zip(&center).enumerate() {
        close(*o, *t, &format!("centre {i}"));
    }
    // The components, up to sign (Pol.is's come from 100 warm-started power iterations).
    for (k, ours) in pca.components.iter().enumerate() {
        let theirs: Vec<f64> = s.math["pca"]["comps"][k]
            .as_array()
            .into_iter()
            .flatten()
            .map(float)
            .collect();
        let cos: f64 = ours.iter().zip(&theirs).map(|(a, b)| a * b).sum();
        assert!(cos.abs() > 0.999, "component {k}: |cos| = {}", cos.abs());
    }
    let in_conv: BTreeSet<usize> = (0..a.in_conversation.len())
        .filter(|&p| a.in_conversation[p])
        .collect();
    let theirs: BTreeSet<usize> = s.math["in-conv"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| int(p) as usize)
        .collect();
    assert_eq!(in_conv, theirs, "participants in the conversation");
    // Without history the best silhouette is k = 2; Pol.is's server, updated vote by vote,
    // keeps the k it had until another wins four updates running (its smoother), and it had
    // 3. Given that history, our groups are Pol.is's.
    assert_eq!(a.k.last_k, 2, "silhouettes {:?}", a.silhouettes);
    let history = Options {
        previous_k: Some(KSmoother {
            last_k: 3,
            last_k_count: 4,
            smoothed_k: 3,
        }),
        ..Options::default()
    };
    let a = opinion::analyse(&s.votes, &s.moderated_out, &history);
    assert_eq!(a.k.smoothed_k, 3);
    assert_eq!(a.k.last_k_count, 1, "k = 2 has won once");
    let theirs = polis_groups(&s.math);
    let members: BTreeSet<Vec<usize>> = a.groups.iter().map(|g| g.members.clone()).collect();
    let their_members: BTreeSet<Vec<usize>> = theirs.into_iter().collect();
    assert_eq!(members, their_members, "the same groups");
    // …and the statements our own groups get are Pol.is's for the same members.
    let theirs = polis_groups(&s.math);
    for group in &a.groups {
        let g = theirs
            .iter()
            .position(|t| *t == group.members)
            .unwrap_or_else(|| panic!("group {} is not Pol.is's", group.id));
        let their_id = int(&s.math["group-clusters"][g]["id"]);
        check_representative(
            &group.representative,
            &s.math["repness"][their_id.to_string()],
            g,
        );
    }
    let consensus: Vec<usize> = a.consensus.agree.iter().map(|c| c.statement).collect();
    assert_eq!(consensus, vec![26, 28, 32, 30, 18]);
}

#[test]
fn given_polis_components_participants_are_placed_where_polis_places_them() {
    let s = small();
    let comps: Vec<Vec<f64>> = (0..2)
        .map(|k| {
            s.math["pca"]["comps"][k]
                .as_array()
                .into_iter()
                .flatten()
                .map(float)
                .collect()
        })
        .collect();
    let pca = opinion::Pca {
        center: s.math["pca"]["center"]
            .as_array()
            .into_iter()
            .flatten()
            .map(float)
            .collect(),
        components: [comps[0].clone(), comps[1].clone()],
    };
    let ours = opinion::projections(&s.votes, &s.moderated_out, &pca);
    // Every base cluster of this small conversation is one participant: its centre is where
    // Pol.is placed that participant.
    let base = &s.math["base-clusters"];
    let members = base["members"].as_array().cloned().unwrap_or_default();
    assert_eq!(members.len(), 23);
    for (i, m) in members.iter().enumerate() {
        let p = int(&m[0]) as usize;
        let [x, y] = ours[p].unwrap_or_else(|| panic!("participant {p} not placed"));
        close(x, float(&base["x"][i]), &format!("participant {p}: x"));
        close(y, float(&base["y"][i]), &format!("participant {p}: y"));
    }
}

struct Biodiversity {
    votes: Votes,
    moderated_out: Vec<bool>,
    groups: BTreeMap<usize, Option<String>>,
}

fn biodiversity() -> Biodiversity {
    let text = std::fs::read_to_string(format!("{BIODIVERSITY}/votes.csv")).unwrap_or_default();
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    // Replayed in the order the votes came (a stable sort: the later row wins a tie).
    lines.sort_by_key(|l| l.split(',').next().and_then(|t| t.parse::<u64>().ok()));
    let mut votes = Votes::new();
    for line in lines {
        let cols: Vec<&str> = line.split(',').collect();
        let tid: usize = cols[2].parse().unwrap_or(usize::MAX);
        let pid: usize = cols[3].parse().unwrap_or(usize::MAX);
        let vote = Vote::from_export(cols[4].trim().parse().unwrap_or(9))
            .unwrap_or_else(|| panic!("{line}"));
        votes.record(pid, tid, vote);
    }
    let comments =
        std::fs::read_to_string(format!("{BIODIVERSITY}/comments.csv")).unwrap_or_default();
    let mut moderated_out = vec![false; votes.statements()];
    for line in comments.lines().skip(1) {
        // timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
        let cols: Vec<&str> = line.splitn(8, ',').collect();
        if cols.len() < 8 {
            continue; // a line of a multi-line comment body
        }
        if let (Ok(tid), Ok(m)) = (cols[2].parse::<usize>(), cols[6].parse::<i64>())
            && tid < moderated_out.len()
            && m == -1
        {
            moderated_out[tid] = true;
        }
    }
    let pv = std::fs::read_to_string(format!("{BIODIVERSITY}/participants-votes.csv"))
        .unwrap_or_default();
    let mut groups = BTreeMap::new();
    for line in pv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(3, ',').collect();
        let pid: usize = cols[0].parse().unwrap_or(usize::MAX);
        let g = cols
            .get(1)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        groups.insert(pid, g);
    }
    Biodiversity {
        votes,
        moderated_out,
        groups,
    }
}

#[test]
fn our_groups_agree_with_polis_on_a_real_conversation() {
    let b = biodiversity();
    assert!(b.votes.participants() > 500, "{}", b.votes.participants());
    let a = opinion::analyse(&b.votes, &b.moderated_out, &Options::default());
    let ours = a.assignments();
    let their_k: BTreeSet<&String> = b.groups.values().flatten().collect();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let mut only_ours = 0;
    let mut only_theirs = 0;
    for (&pid, theirs) in &b.groups {
        match (ours.get(pid).copied().flatten(), theirs) {
            (Some(o), Some(t)) => {
                x.push(o);
                y.push(t.clone());
            }
            (Some(_), None) => only_ours += 1,
            (None, Some(_)) => only_theirs += 1,
            (None, None) => {}
        }
    }
    eprintln!(
        "k: ours {} (silhouettes {:?}), Pol.is {}; clustered by both {}, only us {only_ours}, only Pol.is {only_theirs}",
        a.groups.len(),
        a.silhouettes,
        their_k.len(),
        x.len()
    );
    assert_eq!(
        only_theirs, 0,
        "everyone Pol.is grouped is grouped by us too"
    );
    assert_eq!(a.groups.len(), their_k.len(), "Pol.is's k is reproduced");
    let ari = adjusted_rand_index(&x, &y);
    eprintln!("adjusted Rand index {ari:.4}");
    assert!(ari >= 0.95, "adjusted Rand index {ari}");
}
