//! Test harness: a real server on a free port over a fresh database of the backend under test.
//!
//! `CPIMS_TEST_BACKEND` selects `sqlite` (default) or `postgres`; PostgreSQL needs
//! `CPIMS_TEST_POSTGRES_URL` pointing at a server where the user may create databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod database;

use std::net::TcpListener;

use cpims_api::config::Config;
use cpims_api::state::AppState;
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};

pub use database::{backend, Backend, TestDatabase};

/// The signing secret every test server uses.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256-signing";
/// The data key (base64 of 32 bytes) every test server seals personal data under.
pub const TEST_DATA_KEY: &str = "Y3BpbXMtdGVzdC1kYXRhLWtleS0zMi1ieXRlcy0hISE=";
/// The blind-index key every test server uses.
pub const TEST_INDEX_KEY: &str = "Y3BpbXMtdGVzdC1pbmRleC1rZXktMzItYnl0ZXMtISE=";
/// The password given to users the harness creates.
pub const TEST_PASSWORD: &str = "a sufficiently long password";

/// A running server and a client pointed at it.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub state: AppState,
    pub database: TestDatabase,
}

impl TestApp {
    /// Spawns a server over a fresh database with default settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Spawns a server with extra configuration variables.
    pub async fn spawn_with(settings: &[(&str, &str)]) -> Self {
        Self::spawn_on(TestDatabase::create(), settings).await
    }

    /// Spawns a server over the given database (see [`TestDatabase::shared`] for a second server on
    /// another's database).
    pub async fn spawn_on(database: TestDatabase, settings: &[(&str, &str)]) -> Self {
        let url = database.url.clone();
        let mut pairs: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), url),
            ("CPIMS_JWT_SECRET".into(), TEST_JWT_SECRET.into()),
            ("CPIMS_DATA_KEY".into(), TEST_DATA_KEY.into()),
            ("CPIMS_INDEX_KEY".into(), TEST_INDEX_KEY.into()),
            ("CPIMS_WORKERS".into(), "2".into()),
            // Parallel tests on two cores can queue for a connection longer than production's 1 s.
            ("CPIMS_DB_CHECKOUT_TIMEOUT_MS".into(), "15000".into()),
            // Tests sweep deadlines themselves, at the times they hold the clock at.
            ("CPIMS_DEADLINE_SWEEP_INTERVAL_MS".into(), "3600000".into()),
        ];
        pairs.extend(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let config = Config::from_lookup(|key| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
        .expect("test configuration is valid");
        let state = tokio::task::spawn_blocking(move || cpims_api::server::prepare_state(config))
            .await
            .unwrap()
            .expect("server state prepares");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = cpims_api::server::serve(state.clone(), listener).unwrap();
        tokio::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            state,
            database,
        }
    }

    /// A request to `path` (relative to the server root).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
    }

    /// Creates an administrator through the same code as `cpims create-admin`; returns its token.
    pub async fn admin_token(&self) -> String {
        let pool = self.state.pool.clone();
        tokio::task::spawn_blocking(move || {
            cpims_api::admin::create_admin(
                &pool,
                "root.admin",
                "National Commission",
                TEST_PASSWORD,
            )
        })
        .await
        .unwrap()
        .expect("admin is created");
        self.login("root.admin", TEST_PASSWORD).await
    }

    /// Logs in and returns the access token; panics if the login fails.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .request(Method::POST, "/api/v1/auth/token")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login of {username} succeeds");
        body(response).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends a JSON request with a bearer token and returns status, headers and body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        payload: Option<Value>,
    ) -> Reply {
        let mut request = self.request(method, path).bearer_auth(token);
        if let Some(payload) = payload {
            request = request.json(&payload);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    /// Creates an agency as `token`'s user and returns its JSON.
    pub async fn create_agency(&self, token: &str, name: &str, kind: &str) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/agencies",
                token,
                Some(
                    json!({"name": name, "kind": kind, "province": "Punjab", "district": "Lahore",
                            "services": ["psychosocial", "legal_aid"]}),
                ),
            )
            .await;
        assert_eq!(reply.status, 201, "agency created: {}", reply.body);
        reply.body
    }

    /// Creates a user with [`TEST_PASSWORD`] and returns its JSON.
    pub async fn create_user(
        &self,
        token: &str,
        username: &str,
        agency_id: &str,
        role: &str,
    ) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/users",
                token,
                Some(
                    json!({"username": username, "display_name": username, "agency_id": agency_id,
                            "role": role, "password": TEST_PASSWORD}),
                ),
            )
            .await;
        assert_eq!(reply.status, 201, "user created: {}", reply.body);
        reply.body
    }
}

/// The cast of a scoped-access scenario: two bureaus, a CSO, and users of every role.
pub struct Cast {
    pub admin: String,
    pub bureau_a: String,
    pub bureau_b: String,
    pub cso: String,
    pub worker_a: String,
    pub sync_a: String,
    pub worker_b: String,
    pub partner: String,
    pub analyst: String,
    pub monitor: String,
}

impl TestApp {
    /// Creates two bureaus (Punjab, Sindh) and a CSO offering psychosocial and legal aid, with users.
    pub async fn cast(&self) -> Cast {
        let admin = self.admin_token().await;
        let bureau_a = self.create_agency(&admin, "Punjab CPWB", "bureau").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let bureau_b = self.create_agency(&admin, "Sindh SCPA", "bureau").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let cso = self.create_agency(&admin, "Rozan", "cso").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let monitor_agency = self
            .create_agency(&admin, "NCRC Oversight", "commission")
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for (name, agency, role) in [
            ("worker.a", &bureau_a, "case_worker"),
            ("sync.a", &bureau_a, "sync_client"),
            ("worker.b", &bureau_b, "case_worker"),
            ("partner", &cso, "referral_partner"),
            ("analyst", &monitor_agency, "analyst"),
            ("monitor", &monitor_agency, "monitor"),
        ] {
            self.create_user(&admin, name, agency, role).await;
        }
        Cast {
            worker_a: self.login("worker.a", TEST_PASSWORD).await,
            sync_a: self.login("sync.a", TEST_PASSWORD).await,
            worker_b: self.login("worker.b", TEST_PASSWORD).await,
            partner: self.login("partner", TEST_PASSWORD).await,
            analyst: self.login("analyst", TEST_PASSWORD).await,
            monitor: self.login("monitor", TEST_PASSWORD).await,
            admin,
            bureau_a,
            bureau_b,
            cso,
        }
    }

    /// Registers a child (Punjab, Lahore) as `token`'s user; returns its JSON.
    pub async fn create_child(&self, token: &str, given_name: &str) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/children",
                token,
                Some(json!({"given_name": given_name, "family_name": "Khan", "sex": "female",
                            "date_of_birth": "2015-03-01", "province": "Punjab", "district": "Lahore",
                            "identifier": "35202-1234567-1", "guardian_name": "Guardian",
                            "guardian_phone": "0300-1234567"})),
            )
            .await;
        assert_eq!(reply.status, 201, "child created: {}", reply.body);
        reply.body
    }

    /// Registers an incident for a child; returns its JSON.
    pub async fn create_incident(&self, token: &str, child_id: &str) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/incidents",
                token,
                Some(json!({"child_id": child_id, "category": "child_labour", "occurred_on": "2024-05-01",
                            "reported_on": "2024-05-03", "intake_channel": "helpline_1121",
                            "province": "Punjab", "district": "Lahore", "risk_level": "high",
                            "narrative": "Found working at a kiln."})),
            )
            .await;
        assert_eq!(reply.status, 201, "incident created: {}", reply.body);
        reply.body
    }

    /// Refers an incident to an agency for psychosocial support; returns its JSON.
    pub async fn create_referral(
        &self,
        token: &str,
        incident_id: &str,
        to_agency_id: &str,
    ) -> Value {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/referrals",
                token,
                Some(json!({"incident_id": incident_id, "to_agency_id": to_agency_id,
                            "service": "psychosocial", "urgency": "high", "reason": "Counselling needed",
                            "due_by": "2099-01-01"})),
            )
            .await;
        assert_eq!(reply.status, 201, "referral created: {}", reply.body);
        reply.body
    }

    /// Sends a JSON request with `If-Match: "<version>"`.
    pub async fn call_if_match(
        &self,
        method: Method,
        path: &str,
        token: &str,
        version: i64,
        payload: Value,
    ) -> Reply {
        let request = self
            .request(method, path)
            .bearer_auth(token)
            .header("If-Match", format!("\"{version}\""))
            .json(&payload);
        Reply::from(request.send().await.unwrap()).await
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(response: Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The fields named in a 422 problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Reads a JSON body.
pub async fn body(response: Response) -> Value {
    response.json().await.unwrap()
}

/// `path` stating a purpose of access, as administrators and monitors do when they read another
/// agency's children, incidents or referrals (without one those reads answer 428).
pub fn with_purpose(path: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}purpose=oversight_inquiry")
}
