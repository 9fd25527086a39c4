//! CSV rendering of statistics tables, safe to open in a spreadsheet.

use actix_web::web::Bytes;
use actix_web::HttpResponse;
use serde_json::Value;

use super::table::StatsTable;

/// One CSV field: quoted when needed, and defused when a spreadsheet would read it as a formula.
fn field(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Renders the table as CSV, one chunk per row, streamed.
pub fn csv_response(table: &StatsTable, figures: &[&str], filename: &str) -> HttpResponse {
    let columns = table.columns(figures);
    let header = columns
        .iter()
        .map(|c| field(&Value::String(c.clone())))
        .collect::<Vec<_>>()
        .join(",");
    let mut chunks = vec![Ok::<_, actix_web::Error>(Bytes::from(format!(
        "{header}\r\n"
    )))];
    for row in &table.rows {
        let line = columns
            .iter()
            .map(|column| field(row.get(column).unwrap_or(&Value::Null)))
            .collect::<Vec<_>>();
        chunks.push(Ok(Bytes::from(format!("{}\r\n", line.join(",")))));
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}.csv\""),
        ))
        .streaming(futures_util::stream::iter(chunks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_separators_quoted() {
        assert_eq!(
            field(&Value::String("=HYPERLINK(\"x\")".into())),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(field(&Value::String("-1".into())), "'-1");
        assert_eq!(
            field(&Value::String("Dera Ghazi Khan".into())),
            "Dera Ghazi Khan"
        );
        assert_eq!(field(&Value::String("a,b".into())), "\"a,b\"");
        assert_eq!(field(&Value::Null), "");
        assert_eq!(field(&Value::from(12)), "12");
    }
}
