//! `cpims backup` and `cpims restore`: a backup taken while children are being written holds every
//! write acknowledged before it began, restores into a fresh database that a new server serves with an
//! intact audit chain, and a restore refuses a database that holds data or a key that does not open it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cpims_api::cli::backup::{self, BackupReport, RestoreReport};
use cpims_api::config::Config;
use cpims_api::error::ApiError;
use cpims_tests::{
    backend, Backend, Reply, TestApp, TestDatabase, TEST_DATA_KEY, TEST_INDEX_KEY, TEST_JWT_SECRET,
    TEST_PASSWORD,
};
use reqwest::Method;
use serde_json::json;

/// A data key other than the one the test servers seal under.
const OTHER_DATA_KEY: &str = "b3RoZXItZGF0YS1rZXktZm9yLWJhY2t1cC10ZXN0cyE=";
/// Concurrent writers while the backup runs.
const WRITERS: usize = 3;
/// Writes acknowledged before the backup starts, so some are certainly there to look for.
const ACKNOWLEDGED_FIRST: usize = 12;

/// The configuration `cpims backup` / `cpims restore` would read for `url` with this data key.
fn config(url: &str, data_key: &str) -> Config {
    let url = url.to_owned();
    let data_key = data_key.to_owned();
    Config::from_lookup(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "CPIMS_JWT_SECRET" => Some(TEST_JWT_SECRET.to_owned()),
        "CPIMS_DATA_KEY" => Some(data_key.clone()),
        "CPIMS_INDEX_KEY" => Some(TEST_INDEX_KEY.to_owned()),
        _ => None,
    })
    .unwrap()
}

async fn run_backup(url: &str, out: &Path) -> Result<BackupReport, ApiError> {
    let config = config(url, TEST_DATA_KEY);
    let out = out.to_owned();
    tokio::task::spawn_blocking(move || backup::backup(&config, &out))
        .await
        .unwrap()
}

async fn run_restore(url: &str, data_key: &str, from: &Path) -> Result<RestoreReport, ApiError> {
    let config = config(url, data_key);
    let from = from.to_owned();
    tokio::task::spawn_blocking(move || backup::restore(&config, &from))
        .await
        .unwrap()
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Children acknowledged (201) while the backup had not yet begun, as (id, given name).
type Acknowledged = Arc<Mutex<Vec<(String, String)>>>;

#[tokio::test]
async fn a_backup_under_load_restores_every_write_acknowledged_before_it_began() {
    if backend() == Backend::Postgres && !(on_path("pg_dump") && on_path("pg_restore")) {
        println!("skipped: pg_dump and pg_restore are not on PATH");
        return;
    }
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    let child = app.create_child(&cast.worker_a, "Ayesha").await;
    let child_id = child["id"].as_str().unwrap().to_owned();
    let incident = app.create_incident(&cast.worker_a, &child_id).await;
    let incident_id = incident["id"].as_str().unwrap().to_owned();

    // The write load: children created through the API until told to stop. A write counts as
    // acknowledged before the backup when its 201 arrived while `backup_began` was still false: it
    // was committed before the answer, and the flag is raised before the backup starts.
    let backup_began = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let before: Acknowledged = Arc::default();
    let (acknowledged, mut acknowledgements) = tokio::sync::watch::channel(0usize);
    let acknowledged = Arc::new(acknowledged);
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (client, address, token) = (
            app.client.clone(),
            app.address.clone(),
            cast.worker_a.clone(),
        );
        let (backup_began, stop, before, acknowledged) = (
            backup_began.clone(),
            stop.clone(),
            before.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut refused = Vec::new();
            let mut written = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let name = format!("Load{writer}x{written}");
                let response = client
                    .post(format!("{address}/api/v1/children"))
                    .bearer_auth(&token)
                    .json(
                        &json!({"given_name": name, "family_name": "Qureshi", "sex": "male",
                                  "date_of_birth": "2014-06-01", "province": "Punjab",
                                  "district": "Lahore"}),
                    )
                    .send()
                    .await
                    .unwrap();
                let reply = Reply::from(response).await;
                if reply.status != 201 {
                    refused.push(reply.status);
                    continue;
                }
                written += 1;
                if !backup_began.load(Ordering::SeqCst) {
                    let id = reply.body["id"].as_str().unwrap().to_owned();
                    before.lock().unwrap().push((id, name));
                }
                acknowledged.send_modify(|count| *count += 1);
            }
            refused
        }));
    }
    acknowledgements
        .wait_for(|count| *count >= ACKNOWLEDGED_FIRST)
        .await
        .unwrap();

    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("cpims.backup");
    backup_began.store(true, Ordering::SeqCst);
    let report = run_backup(&app.database.url, &file).await;
    let acknowledged_at_the_end = *acknowledgements.borrow();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        let refused = writer.await.unwrap();
        assert!(
            refused.is_empty(),
            "writes went on during the backup: {refused:?}"
        );
    }
    let report = report.expect("the backup succeeds while the server writes");
    let before = before.lock().unwrap().clone();
    assert!(before.len() >= ACKNOWLEDGED_FIRST);
    println!(
        "backup of {} bytes; {} writes acknowledged before it, {} by its end",
        report.bytes,
        before.len(),
        acknowledged_at_the_end
    );

    let key_id = app.state.vault.current_key_id().to_owned();
    assert!(report.bytes > 0 && std::fs::metadata(&file).unwrap().len() == report.bytes);
    assert!(report.keys.contains(&key_id), "{report:?}");
    assert!(report.keep.contains(&key_id) && report.keep.contains("CPIMS_DATA_KEY"));
    if app.database.backend == Backend::Sqlite {
        assert!(report.audit_entries_verified.is_some_and(|n| n > 0));
    }
    let again = run_backup(&app.database.url, &file).await.unwrap_err();
    assert!(again.to_string().contains("exists"), "{again}");

    // A key that is not the backup's: refused with the key's id, never read as garbage.
    let wrong_target = TestDatabase::create();
    let refusal = run_restore(&wrong_target.url, OTHER_DATA_KEY, &file)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refusal.contains(&format!(
            "the backup's personal data is sealed under key {key_id}, which CPIMS_DATA_KEY / \
             CPIMS_DATA_KEYS_OLD do not hold"
        )),
        "{refusal}"
    );
    if let Some(path) = wrong_target.sqlite_path() {
        assert!(!path.exists(), "a refused SQLite restore leaves nothing");
    }

    let target = TestDatabase::create();
    let restored = run_restore(&target.url, TEST_DATA_KEY, &file)
        .await
        .expect("the backup restores into a fresh database");
    assert!(restored.audit_entries_verified > 0 && restored.sealed_value_opened);
    assert_eq!(restored.keys, vec![key_id.clone()]);

    // Neither the restored database nor the live one is ever restored over.
    for occupied in [&target.url, &app.database.url] {
        let refusal = run_restore(occupied, TEST_DATA_KEY, &file)
            .await
            .unwrap_err()
            .to_string();
        assert!(refusal.contains("not empty"), "{refusal}");
    }

    let restored_app = TestApp::spawn_on(target, &[]).await;
    let worker = restored_app.login("worker.a", TEST_PASSWORD).await;
    let mut expected = before;
    expected.push((child_id, "Ayesha".to_owned()));
    for (id, name) in &expected {
        let reply = restored_app
            .call(
                Method::GET,
                &format!("/api/v1/children/{id}"),
                &worker,
                None,
            )
            .await;
        assert_eq!(
            reply.status, 200,
            "child {id} acknowledged before the backup"
        );
        assert_eq!(reply.body["given_name"], name.as_str());
    }
    let reply = restored_app
        .call(
            Method::GET,
            &format!("/api/v1/incidents/{incident_id}"),
            &worker,
            None,
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["narrative"], "Found working at a kiln.");

    let admin = restored_app.login("root.admin", TEST_PASSWORD).await;
    let verified = restored_app
        .call(Method::GET, "/api/v1/audit/verify", &admin, None)
        .await;
    assert_eq!(verified.status, 200);
    assert_eq!(verified.body["ok"], true, "{}", verified.body);
    assert!(verified.body["entries_checked"].as_i64().unwrap() >= restored.audit_entries_verified);
}
