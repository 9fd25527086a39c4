//! The `code_enum!` macro: closed enumerations whose wire and storage form is a snake_case code.

/// Declares an enum of codes with `as_str`, `parse`, `ALL`, serde and (optionally) OpenAPI support.
///
/// Codes are taken as `tt`, not `literal`: a `literal` fragment reaches derive macros wrapped in an
/// invisible group, which utoipa's reading of `#[serde(rename = ...)]` skips, so the OpenAPI enum would
/// list the Rust variant names (`Bureau`) instead of the codes the wire carries (`bureau`).
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used on the wire and in storage.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code; `None` when it is not one of [`Self::ALL`].
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Every code, in declaration order.
            pub fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|value| value.as_str()).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
