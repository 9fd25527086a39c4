//! The test's webhook receiver: a real HTTP server on 127.0.0.1 that records every request, checks its
//! signature, and answers 500 while told to fail.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use cpims_api::webhooks::signature::sign;
use serde_json::Value;

use super::SECRET;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub event_id: String,
    pub body: Value,
    pub raw: String,
    pub signature_valid: bool,
    pub answered: u16,
}

#[derive(Default)]
struct Inbox {
    hits: Mutex<Vec<Hit>>,
    failing: AtomicBool,
}

/// A receiver on 127.0.0.1 that records every request and answers 500 while `failing` is set.
pub struct Receiver {
    pub base: String,
    inbox: Arc<Inbox>,
    _handle: ServerHandle,
}

impl Receiver {
    pub fn start() -> Self {
        let inbox = Arc::new(Inbox::default());
        let shared = web::Data::from(inbox.clone());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            base: format!("http://127.0.0.1:{port}"),
            inbox,
            _handle: handle,
        }
    }

    pub fn fail(&self, failing: bool) {
        self.inbox.failing.store(failing, Ordering::SeqCst);
    }

    pub fn hits(&self, path: &str) -> Vec<Hit> {
        let hits = self.inbox.hits.lock().unwrap();
        hits.iter()
            .filter(|hit| hit.path == path)
            .cloned()
            .collect()
    }

    /// Waits (bounded) until `done` holds for the hits on `path`; fails the test otherwise.
    pub async fn wait_for(
        &self,
        path: &str,
        what: &str,
        done: impl Fn(&[Hit]) -> bool,
    ) -> Vec<Hit> {
        for _ in 0..500 {
            let hits = self.hits(path);
            if done(&hits) {
                return hits;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("timed out waiting for {what}; got {:#?}", self.hits(path));
    }
}

async fn receive(inbox: web::Data<Inbox>, request: HttpRequest, body: String) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let timestamp: i64 = header("x-cpims-timestamp").parse().unwrap_or(0);
    let failing = inbox.failing.load(Ordering::SeqCst);
    let answered = if failing { 500 } else { 204 };
    inbox.hits.lock().unwrap().push(Hit {
        path: request.path().to_owned(),
        event_id: header("x-cpims-event-id"),
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
        signature_valid: timestamp > 0
            && header("x-cpims-signature") == sign(SECRET, timestamp, &body),
        raw: body,
        answered,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(answered).unwrap()).finish()
}
