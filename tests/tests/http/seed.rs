//! `cpims seed-demo`: an empty database gets the whole demo cast and caseload, a database holding records
//! is left untouched, every seeded status change is one the documented workflow allows, and every seeded
//! record is in an intact audit chain.

use std::collections::{BTreeMap, BTreeSet};

use cpims_api::error::ApiError;
use cpims_api::seed::{seed_demo, SeedSummary};
use cpims_db::repo::transitions::Transition;
use cpims_db::schema::{
    agencies, audit_log, children, incidents, record_history, referrals, status_transitions, users,
};
use cpims_tests::{with_purpose, TestApp};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::Value;

/// The workflow as DESIGN.md documents it, written out independently of the code under test.
const REFERRAL_MOVES: &[(&str, &str)] = &[
    ("pending", "accepted"),
    ("pending", "declined"),
    ("pending", "cancelled"),
    ("accepted", "in_progress"),
    ("accepted", "cancelled"),
    ("in_progress", "completed"),
    ("in_progress", "cancelled"),
];
const INCIDENT_MOVES: &[(&str, &str)] = &[
    ("open", "under_assessment"),
    ("open", "closed"),
    ("under_assessment", "referred"),
    ("under_assessment", "closed"),
    ("referred", "in_service"),
    ("referred", "closed"),
    ("in_service", "closed"),
    ("closed", "under_assessment"),
];
const REFERRAL_STATUSES: [&str; 6] = [
    "pending",
    "accepted",
    "declined",
    "in_progress",
    "completed",
    "cancelled",
];

async fn seed(app: &TestApp, rng_seed: u64) -> Result<SeedSummary, ApiError> {
    let pool = app.state.pool.clone();
    let vault = app.state.vault.clone();
    tokio::task::spawn_blocking(move || seed_demo(&pool, &vault, rng_seed))
        .await
        .unwrap()
}

fn credential(summary: &SeedSummary, role: &str) -> (String, String) {
    let user = summary
        .users
        .iter()
        .find(|user| user.role.as_str() == role)
        .unwrap_or_else(|| panic!("a demo {role}"));
    (user.username.clone(), user.password.clone())
}

/// Every item of a list, following `next_cursor`.
async fn list_all(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{separator}limit=500");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let reply = app.call(Method::GET, &url, token, None).await;
        assert_eq!(reply.status, 200, "{url}: {}", reply.body);
        items.extend(reply.body["data"].as_array().unwrap().iter().cloned());
        match reply.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

/// Row counts of every table the seed writes to, for "nothing changed" checks.
async fn row_counts(app: &TestApp) -> Vec<i64> {
    let pool = app.state.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut connection = cpims_db::checkout(&pool).unwrap();
        let connection = &mut *connection;
        // Audit entries wait in the inbox until the background sequencer chains them: settle first, or
        // an entry committed before the first count may reach audit_log only before the second.
        cpims_db::repo::sequencer::settle(connection).unwrap();
        vec![
            agencies::table.count().get_result(connection).unwrap(),
            users::table.count().get_result(connection).unwrap(),
            children::table.count().get_result(connection).unwrap(),
            incidents::table.count().get_result(connection).unwrap(),
            referrals::table.count().get_result(connection).unwrap(),
            status_transitions::table
                .count()
                .get_result(connection)
                .unwrap(),
            record_history::table
                .count()
                .get_result(connection)
                .unwrap(),
            audit_log::table.count().get_result(connection).unwrap(),
        ]
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn seeding_an_empty_database_creates_every_province_role_and_referral_status() {
    let app = TestApp::spawn().await;
    let summary = seed(&app, 1121).await.expect("an empty database is seeded");
    assert!(summary.children >= 200, "{summary:?}");
    assert!(
        summary
            .referrals_by_status
            .iter()
            .all(|(_, count)| *count > 0),
        "{summary:?}"
    );
    assert!(
        summary
            .complaints_by_status
            .iter()
            .all(|(_, count)| *count > 0),
        "complaints in every status: {summary:?}"
    );
    assert!(
        !format!("{summary:?}").contains(&summary.users[0].password),
        "debug output hides passwords"
    );

    let (admin_name, admin_password) = credential(&summary, "admin");
    let admin = app.login(&admin_name, &admin_password).await;
    let agencies = list_all(&app, &admin, "/api/v1/agencies").await;
    let of_kind = |kind: &str| -> Vec<&Value> {
        agencies
            .iter()
            .filter(|agency| agency["kind"] == kind)
            .collect()
    };
    let bureau_provinces: BTreeSet<&str> = of_kind("bureau")
        .iter()
        .map(|agency| agency["province"].as_str().unwrap())
        .collect();
    assert_eq!(bureau_provinces.len(), 7, "{bureau_provinces:?}");
    let mappings: BTreeSet<String> = of_kind("cso")
        .iter()
        .map(|agency| agency["services"].to_string())
        .collect();
    assert!(
        (4..=6).contains(&mappings.len()),
        "CSOs with different services: {mappings:?}"
    );
    for kind in ["police", "health", "commission"] {
        assert!(!of_kind(kind).is_empty(), "a {kind} agency");
    }
    assert!(agencies
        .iter()
        .all(|a| a["name"].as_str().unwrap().ends_with("(demo)")));

    let users = list_all(&app, &admin, "/api/v1/users").await;
    let roles: BTreeSet<&str> = users.iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert_eq!(roles.len(), 7, "{roles:?}");
    let worker_agencies: BTreeSet<&str> = users
        .iter()
        .filter(|u| u["role"] == "case_worker")
        .map(|u| u["agency_id"].as_str().unwrap())
        .collect();
    assert!(
        worker_agencies.len() >= 3,
        "case workers in several bureaus"
    );
    assert_eq!(users.len(), summary.users.len());

    let complaints = list_all(&app, &admin, "/api/v1/complaints").await;
    let channels: BTreeSet<&str> = complaints
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels.len(), 11, "every channel: {channels:?}");
    assert!(complaints.iter().any(|c| c["filed_publicly"] == true));
    assert!(complaints.iter().any(|c| c["filed_publicly"] == false));
    let converted: Vec<&Value> = complaints
        .iter()
        .filter(|c| c["status"] == "converted")
        .collect();
    assert!(!converted.is_empty());
    for complaint in converted {
        let incident = app
            .call(
                Method::GET,
                &with_purpose(&format!(
                    "/api/v1/incidents/{}",
                    complaint["incident_id"].as_str().unwrap()
                )),
                &admin,
                None,
            )
            .await;
        assert_eq!(incident.body["complaint_id"], complaint["id"]);
    }

    let children = list_all(&app, &admin, &with_purpose("/api/v1/children")).await;
    assert_eq!(children.len(), summary.children);
    assert!(children
        .iter()
        .all(|c| c["family_name"].as_str().unwrap().starts_with("Demo-")));
    for status in REFERRAL_STATUSES {
        let listed = app
            .call(
                Method::GET,
                &with_purpose(&format!("/api/v1/referrals?status={status}&limit=1")),
                &admin,
                None,
            )
            .await;
        assert_eq!(
            listed.body["data"].as_array().unwrap().len(),
            1,
            "a {status} referral"
        );
    }

    let (worker_name, worker_password) = credential(&summary, "case_worker");
    let worker = app.login(&worker_name, &worker_password).await;
    let own = app
        .call(Method::GET, "/api/v1/children?limit=5", &worker, None)
        .await;
    assert_eq!(own.status, 200);
    assert!(
        !own.body["data"].as_array().unwrap().is_empty(),
        "the worker sees its bureau's children"
    );
    let (partner_name, partner_password) = credential(&summary, "referral_partner");
    let partner = app.login(&partner_name, &partner_password).await;
    let incoming = app
        .call(Method::GET, "/api/v1/referrals", &partner, None)
        .await;
    assert_eq!(incoming.status, 200);
}

#[tokio::test]
async fn a_second_seed_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    seed(&app, 1121).await.expect("the first seed runs");
    let before = row_counts(&app).await;
    let second = seed(&app, 1121).await;
    assert!(matches!(second, Err(ApiError::Conflict(_))), "{second:?}");
    assert_eq!(row_counts(&app).await, before);
}

#[tokio::test]
async fn a_database_with_only_an_administrator_is_not_seeded() {
    let app = TestApp::spawn().await;
    app.admin_token().await;
    let before = row_counts(&app).await;
    let refused = seed(&app, 7).await;
    assert!(matches!(refused, Err(ApiError::Conflict(_))), "{refused:?}");
    assert_eq!(row_counts(&app).await, before);
}

#[tokio::test]
async fn every_seeded_transition_is_legal_and_ends_at_the_stored_status() {
    let app = TestApp::spawn().await;
    let summary = seed(&app, 99).await.expect("seeded");
    let pool = app.state.pool.clone();
    type Stored = (String, String, bool, bool);
    let (moves, incident_rows, referral_rows) = tokio::task::spawn_blocking(move || {
        let mut connection = cpims_db::checkout(&pool).unwrap();
        let connection = &mut *connection;
        let moves: Vec<Transition> = status_transitions::table
            .order(status_transitions::id.asc())
            .select(Transition::as_select())
            .load(connection)
            .unwrap();
        let incident_rows: Vec<(String, String, Option<String>)> = incidents::table
            .select((incidents::id, incidents::status, incidents::closure_reason))
            .load(connection)
            .unwrap();
        let referral_rows: Vec<Stored> = referrals::table
            .select((
                referrals::id,
                referrals::status,
                referrals::first_response_at.is_not_null(),
                referrals::completed_at.is_not_null(),
            ))
            .load(connection)
            .unwrap();
        (moves, incident_rows, referral_rows)
    })
    .await
    .unwrap();
    assert_eq!(moves.len(), summary.transitions);

    let mut walked: BTreeMap<(&str, &str), Vec<&Transition>> = BTreeMap::new();
    for transition in &moves {
        walked
            .entry((
                transition.record_type.as_str(),
                transition.record_id.as_str(),
            ))
            .or_default()
            .push(transition);
    }
    let end_of = |kind: &str, id: &str, start: &str, legal: &[(&str, &str)]| -> String {
        let mut status = start.to_owned();
        for step in walked
            .get(&(kind, id))
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            assert_eq!(
                step.from_status, status,
                "{kind} {id} moves on from where it is"
            );
            let pair = (step.from_status.as_str(), step.to_status.as_str());
            assert!(legal.contains(&pair), "{kind} {id}: illegal {pair:?}");
            assert_eq!(
                step.closure_reason.is_some(),
                step.to_status == "closed" && kind == "incident"
            );
            status = step.to_status.clone();
        }
        status
    };
    for (id, status, closure_reason) in &incident_rows {
        assert_eq!(&end_of("incident", id, "open", INCIDENT_MOVES), status);
        assert_eq!(
            closure_reason.is_some(),
            status == "closed",
            "incident {id}"
        );
    }
    for (id, status, responded, completed) in &referral_rows {
        assert_eq!(&end_of("referral", id, "pending", REFERRAL_MOVES), status);
        // The receiver's answer (accept or decline) is the first response; a withdrawal is not.
        let answered = walked.get(&("referral", id.as_str())).is_some_and(|steps| {
            steps
                .iter()
                .any(|step| ["accepted", "declined"].contains(&step.to_status.as_str()))
        });
        assert_eq!(*responded, answered, "first_response_at of {id}");
        assert_eq!(*completed, status == "completed", "completed_at of {id}");
    }

    // The API serves the same history: one referral of each status, through /transitions.
    let (name, password) = credential(&summary, "admin");
    let admin = app.login(&name, &password).await;
    for wanted in REFERRAL_STATUSES {
        let (id, ..) = referral_rows.iter().find(|row| row.1 == wanted).unwrap();
        let reply = app
            .call(
                Method::GET,
                &with_purpose(&format!("/api/v1/referrals/{id}/transitions")),
                &admin,
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let served: Vec<&str> = reply.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["to_status"].as_str().unwrap())
            .collect();
        let stored: Vec<&str> = walked
            .get(&("referral", id.as_str()))
            .map(|steps| steps.iter().map(|t| t.to_status.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(served, stored, "referral {id}");
        assert_eq!(served.last().copied().unwrap_or("pending"), wanted);
    }
}

#[tokio::test]
async fn every_seeded_record_has_a_create_entry_in_an_intact_audit_chain() {
    let app = TestApp::spawn().await;
    let summary = seed(&app, 5).await.expect("seeded");
    let pool = app.state.pool.clone();
    let rows = tokio::task::spawn_blocking(move || {
        let mut connection = cpims_db::checkout(&pool).unwrap();
        cpims_db::repo::audit::range(&mut connection, 0, 1_000_000).unwrap()
    })
    .await
    .unwrap();
    let records: Vec<_> = rows.iter().map(|row| row.record()).collect();
    let links = records
        .iter()
        .zip(&rows)
        .map(|(record, row)| (record, row.prev_hash.as_str(), row.hash.as_str()));
    assert_eq!(
        cpims_domain::audit::verify_chain(None, links),
        Ok(rows.len())
    );
    assert!(rows
        .iter()
        .all(|row| row.request_id.as_deref() == Some("seed-demo")));
    let creates = |kind: &str| {
        rows.iter()
            .filter(|row| row.action == "create" && row.record_type.as_deref() == Some(kind))
            .count()
    };
    assert_eq!(creates("agency"), summary.agencies);
    assert_eq!(creates("user"), summary.users.len());
    assert_eq!(creates("child"), summary.children);
    assert_eq!(creates("incident"), summary.incidents);
    assert_eq!(creates("referral"), summary.referrals);
    let moves = rows.iter().filter(|row| row.action == "transition").count();
    assert_eq!(moves, summary.transitions);
}
