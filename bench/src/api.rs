//! The API fixtures the steps run against: tokens, an agency with its users, children, and the request
//! bodies the steps send.

use reqwest::Client;
use serde_json::{json, Value};

use crate::server::ServerProcess;
use crate::BoxResult;

/// The password of every user the bench creates.
pub const PASSWORD: &str = "cpims bench password, long enough";
/// Items per sync batch, as the issue fixes it.
pub const BATCH_ITEMS: usize = 1000;

/// Who the steps act as, and the children they read and write incidents for.
pub struct Fixtures {
    pub admin: String,
    pub worker: String,
    pub sync: String,
    pub children: Vec<String>,
}

/// Sends a JSON body and returns the reply's JSON; any non-2xx is an error.
pub async fn send_json(
    client: &Client,
    url: String,
    token: Option<&str>,
    body: &Value,
) -> BoxResult<Value> {
    let mut request = client.post(&url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        let shown: String = text.chars().take(300).collect();
        return Err(format!("POST {url}: HTTP {status}: {shown}").into());
    }
    Ok(serde_json::from_str(&text)?)
}

async fn login(client: &Client, base: &str, username: &str) -> BoxResult<String> {
    let reply = send_json(
        client,
        format!("{base}/api/v1/auth/token"),
        None,
        &json!({"username": username, "password": PASSWORD}),
    )
    .await?;
    Ok(reply["access_token"]
        .as_str()
        .ok_or("token reply without access_token")?
        .to_owned())
}

fn id_of(value: &Value) -> BoxResult<String> {
    Ok(value["id"].as_str().ok_or("reply without id")?.to_owned())
}

/// Creates the admin, a Punjab bureau with a case worker and a sync client, and `children` children.
pub async fn prepare(
    client: &Client,
    server: &ServerProcess,
    children: usize,
) -> BoxResult<Fixtures> {
    let base = server.base_url.as_str();
    server.create_admin("bench.admin", PASSWORD)?;
    let admin = login(client, base, "bench.admin").await?;
    let bureau = id_of(
        &send_json(
            client,
            format!("{base}/api/v1/agencies"),
            Some(&admin),
            &json!({"name": "Bench Bureau", "kind": "bureau", "province": "Punjab",
                    "district": "Lahore"}),
        )
        .await?,
    )?;
    for (username, role) in [
        ("bench.worker", "case_worker"),
        ("bench.sync", "sync_client"),
    ] {
        send_json(
            client,
            format!("{base}/api/v1/users"),
            Some(&admin),
            &json!({"username": username, "display_name": username, "agency_id": bureau,
                    "role": role, "password": PASSWORD}),
        )
        .await?;
    }
    let worker = login(client, base, "bench.worker").await?;
    let sync = login(client, base, "bench.sync").await?;
    let mut ids = Vec::with_capacity(children);
    let mut start = 0;
    while start < children {
        let end = (start + BATCH_ITEMS).min(children);
        let items: Vec<Value> = (start..end)
            .map(|n| child_item(&format!("fixture-{n}")))
            .collect();
        let reply = send_json(
            client,
            format!("{base}/api/v1/sync/batch"),
            Some(&sync),
            &json!({ "children": items }),
        )
        .await?;
        for result in reply["results"]
            .as_array()
            .ok_or("batch reply without results")?
        {
            if result["status"] != "created" {
                return Err(format!("fixture child not created: {result}").into());
            }
            ids.push(id_of(result)?);
        }
        start = end;
    }
    Ok(Fixtures {
        admin,
        worker,
        sync,
        children: ids,
    })
}

/// A sync item for a child with the given external id.
pub fn child_item(external_id: &str) -> Value {
    json!({"external_id": external_id, "given_name": "Ayesha", "family_name": "Bench",
           "sex": "female", "date_of_birth": "2015-03-01", "province": "Punjab",
           "district": "Lahore", "urban_rural": "urban", "identifier": "35202-1234567-1",
           "guardian_name": "Guardian", "guardian_phone": "0300-1234567"})
}

/// The incident fields every step writes; `POST /api/v1/incidents` adds `child_id`, a sync item
/// `external_id` and `child_external_id`.
pub fn incident_fields() -> serde_json::Map<String, Value> {
    let value = json!({"category": "child_labour", "occurred_on": "2024-05-01",
                       "reported_on": "2024-05-03", "intake_channel": "helpline_1121",
                       "province": "Punjab", "district": "Lahore", "urban_rural": "urban",
                       "perpetrator_relationship": "employer", "registered_with_police": "no",
                       "risk_level": "high", "narrative": "Found working at a kiln."});
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// A create request body for an incident of `child_id`.
pub fn incident_body(child_id: &str) -> Value {
    let mut fields = incident_fields();
    fields.insert("child_id".into(), Value::String(child_id.to_owned()));
    Value::Object(fields)
}

/// A sync item for an incident of the child with `child_external_id`.
pub fn incident_item(external_id: &str, child_external_id: &str) -> Value {
    let mut fields = incident_fields();
    fields.insert("external_id".into(), Value::String(external_id.to_owned()));
    fields.insert(
        "child_external_id".into(),
        Value::String(child_external_id.to_owned()),
    );
    Value::Object(fields)
}
