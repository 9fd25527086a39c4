//! Access tokens: HS256 JWTs with `sub`, `role`, `agency`, `iat`, `nbf`, `exp`; the algorithm is pinned.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The claims CP-IMS puts in and requires of every access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    pub agency: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// Signs and verifies tokens with one shared secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub lifetime_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("lifetime_secs", &self.lifetime_secs)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], lifetime_secs: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            lifetime_secs,
        }
    }

    /// Issues a token for a user, valid from now for the configured lifetime.
    pub fn issue(&self, user_id: &str, role: &str, agency_id: &str) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            role: role.to_owned(),
            agency: agency_id.to_owned(),
            iat: now,
            nbf: now,
            exp: now + self.lifetime_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| ApiError::Internal(format!("token signing: {error}")))
    }

    /// Verifies signature, algorithm, and time claims; any failure is a plain 401.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "nbf", "sub", "iat"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_under_its_own_secret() {
        let keys = TokenKeys::new(b"first secret, long enough for hs256", 900);
        let other = TokenKeys::new(b"second secret, long enough for hs256", 900);
        let token = keys.issue("u1", "admin", "a1").unwrap_or_default();
        let claims = keys.verify(&token).ok();
        assert_eq!(
            claims.map(|c| (c.sub, c.role, c.agency)),
            Some(("u1".into(), "admin".into(), "a1".into()))
        );
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new(b"a secret long enough for hs256 use", -60);
        let token = keys.issue("u1", "admin", "a1").unwrap_or_default();
        assert!(keys.verify(&token).is_err());
    }
}
