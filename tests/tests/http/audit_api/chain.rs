//! Verification of the stored chain, through the same functions as `cpims audit verify|export` and
//! `GET /api/v1/audit/verify`: edits, deletions, swaps, forged entries and a cut-off tail are all found.

use cpims_api::audit_cli;
use cpims_db::repo::audit::AuditRow;
use cpims_db::schema::{audit_chain_head, audit_log};
use cpims_db::AnyConnection;
use cpims_domain::audit::chain_hash;
use cpims_tests::TestApp;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::json;

use super::{rows, verify, with_db, workflow};

/// Overwrites everything but `seq` of the stored entry `seq` with `row`'s content.
fn overwrite(connection: &mut AnyConnection, seq: i64, row: &AuditRow) {
    diesel::update(audit_log::table.filter(audit_log::seq.eq(seq)))
        .set((
            audit_log::occurred_at.eq(&row.occurred_at),
            audit_log::actor_user_id.eq(&row.actor_user_id),
            audit_log::actor_agency_id.eq(&row.actor_agency_id),
            audit_log::action.eq(&row.action),
            audit_log::record_type.eq(&row.record_type),
            audit_log::record_id.eq(&row.record_id),
            audit_log::request_id.eq(&row.request_id),
            audit_log::detail.eq(&row.detail),
            audit_log::prev_hash.eq(&row.prev_hash),
            audit_log::hash.eq(&row.hash),
        ))
        .execute(connection)
        .unwrap();
}

#[tokio::test]
async fn verify_reports_an_intact_chain_and_is_for_admins_only() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    workflow(&app, &cast).await;
    let count = i64::try_from(rows(&app).len()).unwrap();
    let reply = app
        .call(Method::GET, "/api/v1/audit/verify", &cast.admin, None)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!({"ok": true, "entries_checked": count, "first_bad_entry": null})
    );
    for token in [&cast.monitor, &cast.worker_a] {
        let refused = app
            .call(Method::GET, "/api/v1/audit/verify", token, None)
            .await;
        assert_eq!(refused.status, 403);
    }
    let report = verify(&app, None);
    assert!(
        report.ok && report.entries_checked == count + 1,
        "{report:?}"
    );
}

#[tokio::test]
async fn edited_deleted_swapped_and_forged_entries_are_found() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    workflow(&app, &cast).await;
    let original = rows(&app);
    let last = original.last().unwrap().clone();
    assert!(last.seq > 10);

    with_db(&app, |c| {
        let mut edited = original[4].clone();
        edited.actor_user_id = Some("someone-else".into());
        overwrite(c, 5, &edited);
    });
    let report = verify(&app, None);
    assert_eq!(
        (report.ok, report.first_bad_entry, report.entries_checked),
        (false, Some(5), 4)
    );
    with_db(&app, |c| overwrite(c, 5, &original[4]));
    assert!(verify(&app, None).ok, "restored");

    with_db(&app, |c| {
        overwrite(c, 4, &original[6]);
        overwrite(c, 7, &original[3]);
    });
    assert_eq!(verify(&app, None).first_bad_entry, Some(4), "swapped");
    with_db(&app, |c| {
        overwrite(c, 4, &original[3]);
        overwrite(c, 7, &original[6]);
    });

    // A forged entry appended with a correct link, behind the stored head's back.
    let mut forged = last.clone();
    forged.seq = last.seq + 1;
    forged.action = "read".into();
    forged.prev_hash = last.hash.clone();
    forged.hash = chain_hash(&forged.prev_hash, &forged.record());
    with_db(&app, |c| match c {
        AnyConnection::Postgresql(pg) => diesel::insert_into(audit_log::table)
            .values(&forged)
            .execute(pg),
        AnyConnection::Sqlite(sqlite) => diesel::insert_into(audit_log::table)
            .values(&forged)
            .execute(sqlite),
    })
    .unwrap();
    let report = verify(&app, None);
    assert_eq!(
        (report.ok, report.first_bad_entry),
        (false, Some(last.seq + 1))
    );
    with_db(&app, |c| {
        diesel::delete(audit_log::table.filter(audit_log::seq.eq(last.seq + 1))).execute(c)
    })
    .unwrap();

    with_db(&app, |c| {
        diesel::delete(audit_log::table.filter(audit_log::seq.eq(6))).execute(c)
    })
    .unwrap();
    let report = verify(&app, None);
    assert_eq!(
        (report.ok, report.first_bad_entry),
        (false, Some(6)),
        "deleted"
    );
    let reply = app
        .call(Method::GET, "/api/v1/audit/verify", &cast.admin, None)
        .await;
    assert_eq!(reply.body["ok"], false);
    assert_eq!(reply.body["first_bad_entry"], 6);
}

#[tokio::test]
async fn a_cut_off_tail_is_found_by_the_stored_head_and_by_an_exported_one() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    workflow(&app, &cast).await;
    let exported = audit_cli::export(&app.state.pool).unwrap();
    let stored = rows(&app);
    assert_eq!(exported.entries, stored.last().unwrap().seq);
    assert_eq!(stored.last().unwrap().action, "audit_export");
    let dir = tempfile::tempdir().unwrap();
    let head_file = dir.path().join("head.json");
    std::fs::write(&head_file, audit_cli::anchor_json(&exported)).unwrap();
    assert!(verify(&app, Some(&head_file)).ok);

    workflow(&app, &cast).await;
    assert!(
        verify(&app, Some(&head_file)).ok,
        "later entries extend the head"
    );

    let keep = exported.entries - 3;
    with_db(&app, |c| {
        diesel::delete(audit_log::table.filter(audit_log::seq.gt(keep))).execute(c)
    })
    .unwrap();
    let report = verify(&app, None);
    assert_eq!((report.ok, report.first_bad_entry), (false, Some(keep + 1)));

    // Covering the tracks by moving the stored head back fools the stored head, not the exported one.
    let kept_hash = stored[usize::try_from(keep - 1).unwrap()].hash.clone();
    with_db(&app, |c| {
        diesel::update(audit_chain_head::table)
            .set((
                audit_chain_head::last_seq.eq(keep),
                audit_chain_head::last_hash.eq(kept_hash),
            ))
            .execute(c)
    })
    .unwrap();
    assert!(verify(&app, None).ok);
    let report = verify(&app, Some(&head_file));
    assert_eq!((report.ok, report.first_bad_entry), (false, Some(keep + 1)));
    std::fs::write(&head_file, "{\"entries\": 1}").unwrap();
    assert!(audit_cli::verify(&app.state.pool, Some(&head_file)).is_err());
}
