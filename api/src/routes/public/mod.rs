//! Public complaint intake, without a token: a child-friendly web form, a helpline's IVR or a citizen
//! portal files a complaint and later checks its progress with the reference and tracking code.

pub mod dto;
pub mod file;
pub mod status;

use crate::error::ApiError;
use crate::state::AppState;

/// 404 when an operator switched public intake off, as if the endpoints did not exist.
fn require_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.config.public_intake {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}
