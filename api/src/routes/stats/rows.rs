//! Carries the statistics repository's rows into the domain's tabulation inputs.

use cpims_db::repo::stats as repo;
use cpims_domain::tabulation::{
    ComplaintFact, CountedCell, IncidentFact, ReferralFact, TransitionFact,
};

/// Grouped incident counts; a negative count (which SQL cannot produce) reads as none.
pub fn counted_cells(counts: Vec<repo::GroupedCount>) -> Vec<CountedCell> {
    counts
        .into_iter()
        .map(|cell| CountedCell {
            key: cell.key,
            incidents: u64::try_from(cell.count).unwrap_or(0),
            children: u64::try_from(cell.children).unwrap_or(0),
        })
        .collect()
}

pub fn referral_facts(facts: Vec<repo::ReferralFact>) -> Vec<ReferralFact> {
    facts
        .into_iter()
        .map(|fact| ReferralFact {
            id: fact.id,
            service: fact.service,
            status: fact.status,
            to_agency_kind: fact.to_agency_kind,
            province: fact.province,
            due_by: fact.due_by,
            created_at: fact.created_at,
            first_response_at: fact.first_response_at,
            completed_at: fact.completed_at,
        })
        .collect()
}

pub fn complaint_facts(facts: Vec<repo::ComplaintFact>) -> Vec<ComplaintFact> {
    facts
        .into_iter()
        .map(|fact| ComplaintFact {
            id: fact.id,
            channel: fact.channel,
            complainant_type: fact.complainant_type,
            category: fact.category,
            province: fact.province,
            district: fact.district,
            status: fact.status,
            closure_reason: fact.closure_reason,
            received_at: fact.received_at,
            triaged_at: fact.triaged_at,
            accepted_at: fact.accepted_at,
        })
        .collect()
}

pub fn incident_facts(facts: Vec<repo::IncidentFact>) -> Vec<IncidentFact> {
    facts
        .into_iter()
        .map(|fact| IncidentFact {
            id: fact.id,
            province: fact.province,
            reported_on: fact.reported_on,
        })
        .collect()
}

pub fn transition_facts(facts: Vec<repo::TransitionFact>) -> Vec<TransitionFact> {
    facts
        .into_iter()
        .map(|fact| TransitionFact {
            record_id: fact.record_id,
            to_status: fact.to_status,
            occurred_at: fact.occurred_at,
        })
        .collect()
}

/// Applicable deadlines, for compliance statistics.
pub fn deadline_facts(
    rows: Vec<cpims_db::repo::deadlines::StoredDeadline>,
) -> Vec<cpims_domain::tabulation::DeadlineFact> {
    rows.into_iter()
        .filter_map(|row| {
            Some(cpims_domain::tabulation::DeadlineFact {
                due_at: row.due_at?,
                rule: row.rule,
                province: row.province,
                district: row.district,
                agency_id: row.agency_id,
                met_at: row.met_at,
            })
        })
        .collect()
}
