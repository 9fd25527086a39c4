use cpims_tests::{TestApp, TEST_PASSWORD};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn admin_creates_a_user_who_can_log_in_and_the_password_is_never_returned() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "SCPA", "bureau").await;
    let agency_id = agency["id"].as_str().unwrap();
    let user = app
        .create_user(&admin, "Sindh.Worker", agency_id, "case_worker")
        .await;
    assert_eq!(
        user["username"], "sindh.worker",
        "usernames are stored lowercased"
    );
    assert_eq!(user["agency_id"], agency_id);
    let text = user.to_string();
    assert!(
        !text.contains("password") && !text.contains(TEST_PASSWORD) && !text.contains("argon2")
    );

    let token = app.login("sindh.worker", TEST_PASSWORD).await;
    let me = app.call(Method::GET, "/api/v1/me", &token, None).await;
    assert_eq!(me.body["agency"]["id"], agency_id);

    let listed = app
        .call(
            Method::GET,
            &format!("/api/v1/users?agency_id={agency_id}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert!(!listed.body.to_string().contains("argon2"));
}

#[tokio::test]
async fn non_admins_get_403_on_user_administration() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Punjab CPWB", "bureau").await;
    let agency_id = agency["id"].as_str().unwrap();
    for (index, role) in [
        "monitor",
        "case_worker",
        "sync_client",
        "referral_partner",
        "analyst",
    ]
    .iter()
    .enumerate()
    {
        let username = format!("user.{index}");
        app.create_user(&admin, &username, agency_id, role).await;
        let token = app.login(&username, TEST_PASSWORD).await;
        let reply = app
            .call(
                Method::POST,
                "/api/v1/users",
                &token,
                Some(
                    json!({"username": "sneaky", "display_name": "S", "agency_id": agency_id,
                            "role": "admin", "password": TEST_PASSWORD}),
                ),
            )
            .await;
        assert_eq!(reply.status, 403, "{role}");
        assert_eq!(
            app.call(Method::GET, "/api/v1/users", &token, None)
                .await
                .status,
            403,
            "{role}"
        );
    }
    let sneaky = app
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "sneaky", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(sneaky.status(), 401, "no account was created");
}

#[tokio::test]
async fn weak_passwords_unknown_agencies_and_taken_usernames_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "KP CPWC", "bureau").await;
    let agency_id = agency["id"].as_str().unwrap();
    let attempt = |username: &str, agency: &str, password: &str| {
        json!({"username": username, "display_name": "Someone", "agency_id": agency, "role": "case_worker",
               "password": password})
    };
    let short = app
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(attempt("kp.one", agency_id, "short")),
        )
        .await;
    assert_eq!(short.status, 422);
    assert_eq!(short.error_fields(), vec!["password"]);

    let orphan = app
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(attempt(
                "kp.two",
                "01900000-0000-7000-8000-000000000000",
                TEST_PASSWORD,
            )),
        )
        .await;
    assert_eq!(orphan.status, 422);
    assert_eq!(orphan.error_fields(), vec!["agency_id"]);

    app.create_user(&admin, "kp.three", agency_id, "case_worker")
        .await;
    let taken = app
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(attempt("KP.Three", agency_id, TEST_PASSWORD)),
        )
        .await;
    assert_eq!(taken.status, 409);

    let listed = app.call(Method::GET, "/api/v1/users", &admin, None).await;
    let names: Vec<&str> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["kp.three", "root.admin"],
        "failed requests wrote nothing"
    );
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me = app.call(Method::GET, "/api/v1/me", &admin, None).await;
    let path = format!("/api/v1/users/{}", me.body["user"]["id"].as_str().unwrap());
    for change in [json!({"active": false}), json!({"role": "analyst"})] {
        let reply = app
            .request(Method::PATCH, &path)
            .bearer_auth(&admin)
            .header("If-Match", "\"1\"")
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 409);
    }
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &admin, None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_password_change_takes_effect_and_is_versioned() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "GB Bureau", "bureau").await;
    let user = app
        .create_user(
            &admin,
            "gb.worker",
            agency["id"].as_str().unwrap(),
            "case_worker",
        )
        .await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let reply = cpims_tests::Reply::from(
        app.request(Method::PATCH, &path)
            .bearer_auth(&admin)
            .header("If-Match", "\"1\"")
            .json(&json!({"password": "another long password"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    app.login("gb.worker", "another long password").await;
    let old = app
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "gb.worker", "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);
}
