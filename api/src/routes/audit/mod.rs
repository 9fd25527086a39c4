//! The audit log over HTTP: searching it, verifying its hash chain, and who may do either.

pub mod dto;
pub mod list;
pub mod verify;

use cpims_domain::principal::Principal;
use cpims_domain::user::Role;

use crate::auth::gate::{Gate, Gated};

/// Who may read the audit log: administrators and oversight monitors.
#[derive(Debug)]
pub struct AuditReaders;
impl Gate for AuditReaders {
    fn allows(principal: &Principal) -> bool {
        matches!(principal.role, Role::Admin | Role::Monitor)
    }
}

pub type AuditReader = Gated<AuditReaders>;
