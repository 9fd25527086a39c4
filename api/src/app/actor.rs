//! Who a command acts for: a signed-in user (with the request being served) or the system itself
//! (retention), and the audit entries each leaves.

use cpims_db::repo::audit::AuditEvent;
use cpims_domain::access::{read_scope, ReadScope, RecordKind};
use cpims_domain::principal::Principal;

use crate::auth::Authenticated;
use crate::error::ApiError;

/// The author of a unit of work.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a Authenticated),
    /// A scheduled job with no user behind it; `job` goes where a request id would.
    System {
        job: &'static str,
    },
}

impl<'a> Actor<'a> {
    /// The signed-in user; commands that only users may run refuse the system actor.
    pub fn user(self) -> Result<&'a Authenticated, ApiError> {
        match self {
            Actor::User(caller) => Ok(caller),
            Actor::System { job } => Err(ApiError::Internal(format!(
                "{job}: a user command was run without a user"
            ))),
        }
    }

    /// Who history entries and transition rows name: the user and its agency, or for a job
    /// `system:<job>` and `system` (no user or agency made the change).
    pub fn author(self) -> (String, String) {
        match self {
            Actor::User(caller) => (caller.0.user_id.clone(), caller.0.agency_id.clone()),
            Actor::System { job } => (format!("system:{job}"), "system".to_owned()),
        }
    }

    /// The principal's access rights, for the policy.
    pub fn principal(self) -> Result<&'a Principal, ApiError> {
        self.user().map(|caller| &caller.0)
    }

    /// What of `kind` the actor may read: the system sees everything.
    pub fn scope(self, kind: RecordKind) -> ReadScope {
        match self {
            Actor::User(caller) => read_scope(&caller.0, kind),
            Actor::System { .. } => ReadScope::Everything,
        }
    }

    /// An audit event by this actor about one record.
    pub fn audit(self, action: &str, kind: RecordKind, record_id: &str) -> AuditEvent {
        match self {
            Actor::User(caller) => caller.audit(action, kind, record_id),
            Actor::System { job } => AuditEvent {
                actor_user_id: None,
                actor_agency_id: None,
                action: action.to_owned(),
                record_type: Some(kind.as_str().to_owned()),
                record_id: Some(record_id.to_owned()),
                request_id: Some(job.to_owned()),
                detail: None,
            },
        }
    }
}

impl Authenticated {
    /// An audit event by this caller about one case record.
    pub fn audit(&self, action: &str, kind: RecordKind, record_id: &str) -> AuditEvent {
        self.audit_of(action, Some(kind.as_str()), Some(record_id))
    }

    /// An audit event by this caller about anything else (an agency, a user, the log itself).
    pub fn audit_of(
        &self,
        action: &str,
        record_type: Option<&str>,
        record_id: Option<&str>,
    ) -> AuditEvent {
        AuditEvent {
            actor_user_id: Some(self.0.user_id.clone()),
            actor_agency_id: Some(self.0.agency_id.clone()),
            action: action.to_owned(),
            record_type: record_type.map(str::to_owned),
            record_id: record_id.map(str::to_owned),
            request_id: self.1.clone(),
            // The purpose this caller stated for the read (`app/purpose.rs`); hashed with the entry.
            detail: self.2.as_ref().map(super::purpose::purpose_detail),
        }
    }

    /// A `denied` audit event: this caller asked for a record it cannot see (or that does not exist).
    pub fn denial(&self, kind: RecordKind, record_id: &str, operation: &str) -> AuditEvent {
        AuditEvent {
            detail: Some(serde_json::json!({ "operation": operation }).to_string()),
            ..self.audit("denied", kind, record_id)
        }
    }

    /// Appends one audit event per record read.
    pub fn audit_reads<'r>(
        &self,
        connection: &mut cpims_db::AnyConnection,
        kind: RecordKind,
        ids: impl IntoIterator<Item = &'r str>,
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = ids
            .into_iter()
            .map(|id| self.audit("read", kind, id))
            .collect();
        Ok(cpims_db::repo::audit::append(connection, &events)?)
    }
}
