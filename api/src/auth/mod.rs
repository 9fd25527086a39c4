//! Authentication: password hashing, access tokens, and the extractor that turns a bearer token into
//! a [`Principal`](cpims_domain::principal::Principal).

pub mod extractor;
pub mod gate;
pub mod password;
pub mod throttle;
pub mod token;

pub use extractor::Authenticated;
