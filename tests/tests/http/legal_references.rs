//! Law by province: an incident cites its category's federal law and its own province's statutes and
//! child protection act, never another province's; the caller's additions are kept through edits; the
//! taxonomy serves the province-to-act mapping; incidents stored with every province's act are
//! corrected when `cpims` starts after the upgrade, with their history.

use cpims_tests::{Cast, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const PUNJAB_ACT: &str = "Punjab Destitute and Neglected Children Act 2004";
const SINDH_ACT: &str = "Sindh Child Protection Authority Act 2011";
/// Every province's act, as incidents listed them before the upgrade.
const EVERY_ACT: [&str; 5] = [
    "ICT Child Protection Act 2018",
    "KP Child Protection and Welfare Act 2010",
    PUNJAB_ACT,
    SINDH_ACT,
    "Balochistan Child Protection Act 2016",
];
const ADDITION: &str = "Punjab Protection of Women against Violence Act 2016";

fn references(incident: &Value) -> Vec<String> {
    incident["legal_references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

fn child_protection_acts(incident: &Value) -> Vec<String> {
    let mut acts: Vec<String> = references(incident)
        .into_iter()
        .filter(|r| EVERY_ACT.contains(&r.as_str()) || r.starts_with("Gilgit-Baltistan"))
        .collect();
    acts.sort();
    acts
}

async fn sexual_abuse_in_punjab(app: &TestApp, cast: &Cast, extra: &[&str]) -> Value {
    let child = app.create_child(&cast.worker_a, "Sana").await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/incidents",
            &cast.worker_a,
            Some(json!({"child_id": child["id"], "category": "sexual_abuse", "subcategory": "rape",
                        "occurred_on": "2024-05-01", "reported_on": "2024-05-02",
                        "intake_channel": "helpline_1121", "province": "Punjab", "district": "Lahore",
                        "risk_level": "critical", "legal_references": extra})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

#[tokio::test]
async fn a_punjab_sexual_abuse_incident_cites_the_punjab_act_and_keeps_additions_through_edits() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    // A client echoing an old list (another province's act) and adding its own reference.
    let incident = sexual_abuse_in_punjab(&app, &cast, &[SINDH_ACT, ADDITION]).await;
    assert_eq!(child_protection_acts(&incident), vec![PUNJAB_ACT]);
    let cited = references(&incident);
    assert!(cited.contains(&"PPC 376".to_owned()), "{cited:?}");
    assert_eq!(cited.last().map(String::as_str), Some(ADDITION));
    let id = incident["id"].as_str().unwrap();

    // The province moves to Sindh: Sindh's act replaces Punjab's; the addition stays.
    let moved = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/incidents/{id}"),
            &cast.worker_a,
            1,
            json!({"province": "Sindh", "district": "Hyderabad"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(child_protection_acts(&moved.body), vec![SINDH_ACT]);
    assert!(references(&moved.body).contains(&ADDITION.to_owned()));

    // The category becomes online harm, which cites no child protection act.
    let recategorised = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/incidents/{id}"),
            &cast.worker_a,
            2,
            json!({"category": "online_harm", "subcategory": "cyberbullying"}),
        )
        .await;
    assert_eq!(recategorised.status, 200, "{}", recategorised.body);
    assert_eq!(
        references(&recategorised.body),
        vec!["PECA 2016".to_owned(), ADDITION.to_owned()]
    );

    // An edit of anything else leaves the list alone.
    let relabelled = app
        .call_if_match(
            Method::PATCH,
            &format!("/api/v1/incidents/{id}"),
            &cast.worker_a,
            3,
            json!({"risk_level": "high"}),
        )
        .await;
    assert_eq!(relabelled.status, 200, "{}", relabelled.body);
    assert_eq!(
        references(&relabelled.body),
        references(&recategorised.body)
    );
}

#[tokio::test]
async fn the_taxonomy_maps_each_province_to_its_act() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let taxonomy = app
        .call(Method::GET, "/api/v1/taxonomy", &cast.worker_a, None)
        .await;
    assert_eq!(taxonomy.status, 200);
    let act_of = |name: &str| {
        taxonomy.body["provinces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))["child_protection_act"]
            .clone()
    };
    assert_eq!(act_of("Punjab"), PUNJAB_ACT);
    assert_eq!(act_of("Khyber Pakhtunkhwa"), EVERY_ACT[1]);
    assert_eq!(act_of("Sindh"), SINDH_ACT);
    assert_eq!(act_of("Balochistan"), EVERY_ACT[4]);
    assert_eq!(act_of("Islamabad Capital Territory"), EVERY_ACT[0]);
    assert_eq!(
        act_of("Gilgit-Baltistan"),
        "Gilgit-Baltistan Child Protection and Welfare Act 2013"
    );
    assert!(act_of("Azad Jammu and Kashmir").is_null());
    let sexual_abuse = taxonomy.body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "sexual_abuse")
        .unwrap()
        .clone();
    assert_eq!(sexual_abuse["cites_child_protection_act"], true);
    for act in EVERY_ACT {
        assert!(
            !sexual_abuse["legal_references"]
                .as_array()
                .unwrap()
                .contains(&json!(act)),
            "{act} is the province's, not the category's"
        );
    }
}

/// Rewrites an incident's stored references as the release before this one stored them.
fn store_old_references(app: &TestApp, id: &str, listed: &[String]) {
    let mut connection = cpims_db::checkout(&app.state.pool).unwrap();
    let text = serde_json::to_string(listed).unwrap().replace('\'', "''");
    let statement = format!("UPDATE incidents SET legal_references = '{text}' WHERE id = '{id}'");
    diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut *connection).unwrap();
    cpims_db::repo::corrections::queue(
        &mut connection,
        cpims_api::app::corrections::LEGAL_REFERENCES_BY_PROVINCE,
        cpims_db::page::now(),
    )
    .unwrap();
}

async fn feed_position(app: &TestApp, token: &str) -> String {
    let mut since = String::from("0");
    loop {
        let page = app
            .call(
                Method::GET,
                &format!("/api/v1/sync/changes?limit=500&since={since}"),
                token,
                None,
            )
            .await;
        if page.body["data"].as_array().unwrap().is_empty() {
            return since;
        }
        since = page.body["next_cursor"].as_str().unwrap().to_owned();
    }
}

#[tokio::test]
async fn incidents_stored_with_every_provinces_act_are_corrected_on_upgrade_with_history() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let incident = sexual_abuse_in_punjab(&app, &cast, &[ADDITION]).await;
    let id = incident["id"].as_str().unwrap().to_owned();
    // Before the upgrade: the category's references with every province's act, and the addition.
    let mut old: Vec<String> = references(&incident)
        .into_iter()
        .filter(|r| r != PUNJAB_ACT && r != ADDITION)
        .collect();
    old.extend(EVERY_ACT.iter().map(|a| (*a).to_owned()));
    old.push(ADDITION.to_owned());
    store_old_references(&app, &id, &old);
    let since = feed_position(&app, &cast.worker_a).await;

    // `cpims` starts again on the same database: the queued correction runs.
    let upgraded = TestApp::spawn_on(app.database.shared(), &[]).await;
    let get = |path: String| {
        let upgraded = &upgraded;
        let token = cast.worker_a.clone();
        async move { upgraded.call(Method::GET, &path, &token, None).await }
    };
    let corrected = get(format!("/api/v1/incidents/{id}")).await.body;
    assert_eq!(child_protection_acts(&corrected), vec![PUNJAB_ACT]);
    assert_eq!(references(&corrected), references(&incident), "{corrected}");
    assert_eq!(corrected["version"], 2, "the correction is a new version");

    let history = get(format!("/api/v1/incidents/{id}/history")).await.body;
    let entry = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "legal_references" && e["version"] == 2)
        .unwrap_or_else(|| panic!("no correction in the history: {history}"))
        .clone();
    assert_eq!(entry["old_value"], json!(old));
    assert_eq!(entry["new_value"], json!(references(&incident)));
    assert_eq!(entry["changed_by"], "system:upgrade");

    let feed = get(format!("/api/v1/sync/changes?limit=500&since={since}"))
        .await
        .body;
    assert!(
        feed["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(id) && c["version"] == 2),
        "the change feed carries the correction: {feed}"
    );

    // Done once: another start changes nothing.
    drop(upgraded);
    let again = TestApp::spawn_on(app.database.shared(), &[]).await;
    let reply = again
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{id}"),
            &cast.worker_a,
            None,
        )
        .await;
    assert_eq!(reply.body["version"], 2);
    let mut connection = cpims_db::checkout(&again.state.pool).unwrap();
    assert!(cpims_db::repo::corrections::pending(&mut connection)
        .unwrap()
        .is_empty());
}
