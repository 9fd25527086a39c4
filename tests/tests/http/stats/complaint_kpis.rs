//! The complaint KPIs over the complaint statistics' fixture: counts and median hours, exact for
//! monitors and withheld when small for analysts.

use cpims_tests::TestApp;
use reqwest::Method;
use serde_json::Value;

use super::complaints::fixture;

#[tokio::test]
async fn complaint_kpis_match_hand_computed_values() {
    let app = TestApp::spawn().await;
    let cast = app.cast().await;
    fixture(&app, &cast).await;
    let kpis = |token: String, period: &'static str| {
        let app = &app;
        async move {
            let reply = app
                .call(
                    Method::GET,
                    &format!("/api/v1/stats/kpis?{period}"),
                    &token,
                    None,
                )
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply.body
        }
    };
    let march = kpis(cast.monitor.clone(), "from=2026-03-01&to=2026-03-31").await;
    let overall = &march["overall"];
    assert_eq!(overall["intake_complaints_received"], 9);
    assert_eq!(overall["intake_complaints_triaged"], 4);
    assert_eq!(overall["intake_complaints_converted"], 1);
    assert_eq!(overall["intake_complaints_closed"], 2);
    assert_eq!(
        overall["intake_median_hours_to_triage"], 5.0,
        "2, 4, 6 and 8 h"
    );
    assert_eq!(
        overall["intake_median_hours_to_acceptance"], 15.0,
        "10 and 20 h"
    );
    let province = |name: &str| {
        march["by_province"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["province"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(province("Punjab")["intake_complaints_received"], 6);
    assert_eq!(province("Punjab")["intake_median_hours_to_triage"], 4.0);
    assert_eq!(province("Sindh")["intake_complaints_triaged"], 1);

    // The first day only: all received and four triaged; the conversion came a day later.
    let first = kpis(cast.monitor.clone(), "from=2026-03-02&to=2026-03-02").await;
    assert_eq!(first["overall"]["intake_complaints_received"], 9);
    assert_eq!(first["overall"]["intake_complaints_triaged"], 4);
    assert_eq!(first["overall"]["intake_complaints_converted"], 0);
    let later = kpis(cast.monitor.clone(), "from=2026-03-03&to=2026-03-31").await;
    assert_eq!(later["overall"]["intake_complaints_received"], 0);
    assert_eq!(later["overall"]["intake_complaints_converted"], 1);
    assert_eq!(
        later["overall"]["intake_median_hours_to_triage"],
        Value::Null
    );

    let analyst = kpis(cast.analyst.clone(), "from=2026-03-01&to=2026-03-31").await;
    for field in [
        "intake_complaints_triaged",
        "intake_complaints_converted",
        "intake_complaints_closed",
        "intake_median_hours_to_triage",
        "intake_median_hours_to_acceptance",
    ] {
        assert_eq!(
            analyst["overall"][field],
            Value::Null,
            "{field} is too small"
        );
    }
}
