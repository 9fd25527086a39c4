use cpims_tests::TestApp;
use reqwest::Method;

fn committed_spec() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json is committed");
    serde_json::from_str(&text).expect("openapi/openapi.json is JSON")
}

#[tokio::test]
async fn served_openapi_equals_the_committed_contract() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api-docs/openapi.json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let served: serde_json::Value = response.json().await.unwrap();
    assert!(
        served == committed_spec(),
        "the served OpenAPI document differs from openapi/openapi.json: run `make openapi` and commit"
    );
    let committed_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .unwrap();
    assert!(
        committed_text == cpims_api::openapi::openapi_json(),
        "`make openapi` output is what is committed"
    );
}

#[tokio::test]
async fn every_operation_documents_its_errors_and_security() {
    let spec = committed_spec();
    assert_eq!(
        spec["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true)
    );
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let public = ["/healthz", "/readyz", "/api/v1/auth/token"];
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path} has a success response"
            );
            for code in ["429", "503"] {
                if let Some(response) = responses.get(code).filter(|_| path != "/readyz") {
                    assert!(
                        response["headers"]["Retry-After"].is_object(),
                        "{method} {path} {code} declares Retry-After"
                    );
                }
            }
            if public.contains(&path.as_str()) {
                continue;
            }
            if path.starts_with("/api/v1/public/") {
                assert_eq!(
                    operation["security"],
                    serde_json::json!([{}]),
                    "{method} {path} is public: no security requirement"
                );
                for code in ["400", "408", "413", "415", "422", "429"] {
                    assert!(
                        responses.contains_key(code),
                        "{method} {path} documents {code}"
                    );
                }
                continue;
            }
            assert!(
                responses.contains_key("401"),
                "{method} {path} documents 401"
            );
            assert!(
                operation["security"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty()),
                "{method} {path} needs bearer"
            );
            if ["post", "patch"].contains(&method.as_str()) {
                for code in ["400", "408", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(code),
                        "{method} {path} documents {code}"
                    );
                }
            }
            if method == "patch" {
                for code in ["412", "428"] {
                    assert!(
                        responses.contains_key(code),
                        "{method} {path} documents {code}"
                    );
                }
            }
        }
    }
    assert!(operations >= 13);
}

#[tokio::test]
async fn docs_ui_is_served_without_external_requests() {
    let app = TestApp::spawn().await;
    let redirect = app.request(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(redirect.status(), 308);
    let page = app.request(Method::GET, "/docs/").send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "the docs page is Swagger UI");
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "the page loads {asset}");
        let response = app
            .request(Method::GET, &format!("/docs/{asset}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{asset} is embedded");
    }
    let initializer = app
        .request(Method::GET, "/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api-docs/openapi.json"));
    for text in [&html, &initializer] {
        assert!(
            !text.contains("https://") && !text.contains("http://"),
            "no external URL in {text}"
        );
    }
}
